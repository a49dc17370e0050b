import { expect } from 'chai';
import { parseArgs, positiveInt } from '../../src/interfaces/cli/cli-args';

describe('Command-line options', () => {
  it('read values given apart or after =, and switches alone', () => {
    const args = parseArgs(['--tests', '10', '--courses=20', '--reset'], ['tests', 'courses', 'reset'], ['reset']);
    expect([...args]).to.deep.equal([
      ['tests', '10'],
      ['courses', '20'],
      ['reset', 'true'],
    ]);
  });

  it('refuse a switch given a value, an unknown option and a positional argument', () => {
    expect(() => parseArgs(['--reset=false'], ['reset'], ['reset'])).to.throw(/--reset takes no value/);
    expect(() => parseArgs(['--reset', 'no'], ['reset'], ['reset'])).to.throw(/unexpected argument: no/);
    expect(() => parseArgs(['--dry-run'], ['help'])).to.throw(/unknown option --dry-run/);
    expect(() => parseArgs(['now'], ['help'])).to.throw(/unexpected argument/);
  });

  it('take whole numbers from 1 written in decimal digits only', () => {
    const value = (raw: string) => positiveInt(new Map([['tests', raw]]), 'tests', 7);
    expect(value('12')).to.equal(12);
    expect(positiveInt(new Map(), 'tests', 7)).to.equal(7);
    for (const bad of ['0', '-5', '1.5', '1e3', '0x10', 'abc', '', ' 3', '9007199254740993']) expect(() => value(bad), bad).to.throw(/--tests must be a positive integer/);
  });
});
