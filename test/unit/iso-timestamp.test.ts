import { expect } from 'chai';
import { isoTimestamp } from '../../src/interfaces/http/serializers/iso-timestamp';
import { seededRandom } from '../support/seeded-random';

describe('Writing an instant as ISO 8601 text', () => {
  it('writes what Date.prototype.toISOString writes, for instants across the years PostgreSQL and JavaScript share', () => {
    const random = seededRandom(11);
    // From before year 1 to after year 10,000 (both written by the method itself), to the millisecond.
    const [earliest, latest] = [Date.UTC(-10, 0, 1), Date.UTC(10_010, 0, 1)];
    for (let i = 0; i < 50_000; i += 1) {
      const date = new Date(earliest + Math.floor(random() * (latest - earliest)));
      expect(isoTimestamp(date), String(date.getTime())).to.equal(date.toISOString());
    }
  });

  it('writes the edges of a year, a day and a second as the method does', () => {
    for (const text of ['1000-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z', '2024-02-29T12:00:00.001Z', '0999-12-31T23:59:59.999Z', '+010000-01-01T00:00:00.000Z', '1970-01-01T00:00:00.000Z']) {
      expect(isoTimestamp(new Date(text))).to.equal(text);
    }
  });

  it('refuses an invalid date as the method does', () => {
    expect(() => isoTimestamp(new Date(NaN))).to.throw(RangeError);
  });
});
