import { expect } from 'chai';
import { driverTimestamptzParser } from '../../src/infrastructure/knex/create-knex';
import { parseTimestamptz } from '../../src/infrastructure/knex/timestamptz-parser';
import { seededRandom } from '../support/seeded-random';

const FALLBACK = Symbol('fallback');
const parse = (text: string) => parseTimestamptz(text, () => FALLBACK);
const pad = (value: number, width: number) => String(value).padStart(width, '0');

/** A PostgreSQL timestamptz text: random instant, fraction of 0–6 digits, any offset form. */
function randomText(random: () => number): string {
  const int = (below: number) => Math.floor(random() * below);
  const fraction = int(7);
  const offset = [`+00`, `-05`, `+09`, `+05:30`, `-03:30`, `+05:45`, `+00:19:32`, `-00:25:21`, `+14`, `-12`][int(10)];
  return (
    `${pad(100 + int(9900), 4)}-${pad(1 + int(12), 2)}-${pad(1 + int(28), 2)} ${pad(int(24), 2)}:${pad(int(60), 2)}:${pad(int(60), 2)}` +
    (fraction ? `.${pad(int(10 ** fraction), fraction)}` : '') +
    offset
  );
}

describe('Reading PostgreSQL timestamptz text', () => {
  it('gives the driver parser’s instant for every canonical form: fractions of 0–6 digits, offsets in hours, minutes and seconds', () => {
    const random = seededRandom(7);
    for (let i = 0; i < 20_000; i += 1) {
      const text = randomText(random);
      expect((parse(text) as Date).getTime(), text).to.equal((driverTimestamptzParser(text) as Date).getTime());
    }
  });

  it('cuts fractions to the millisecond', () => {
    expect((parse('2026-12-05 01:23:42.999999+00') as Date).toISOString()).to.equal('2026-12-05T01:23:42.999Z');
    expect((parse('2026-12-05 01:23:42.5+09') as Date).toISOString()).to.equal('2026-12-04T16:23:42.500Z');
  });

  it('leaves every other form to the driver’s parser', () => {
    for (const text of ['infinity', '-infinity', '0050-01-01 00:00:00+00', '2020-01-01 00:00:00+00 BC', '12020-01-01 00:00:00+00', '2020-01-01', '2020-01-01 00:00:00', '2020-01-01 00:00:00+0', '2020-01-01 00:00:00+00:3', '2020-01-01T00:00:00+00', '2020-0a-01 00:00:00+00']) {
      expect(parse(text), text).to.equal(FALLBACK);
    }
  });
});
