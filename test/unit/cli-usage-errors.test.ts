import { expect } from 'chai';
import { UsageError, parseArgs, positiveInt } from '../../src/interfaces/cli/cli-args';

describe('Command-line usage errors', () => {
  it('are UsageErrors, whatever is wrong with the command line', () => {
    const attempts: Array<() => unknown> = [
      () => parseArgs(['--dry-run'], ['help']),
      () => parseArgs(['now'], ['help']),
      () => parseArgs(['--reset=false'], ['reset'], ['reset']),
      () => parseArgs(['--out'], ['out']),
      () => positiveInt(new Map([['tests', '0']]), 'tests', 1),
    ];
    for (const attempt of attempts) expect(attempt).to.throw(UsageError);
  });

  it('refuse an option without its value, rather than reading it as "true"', () => {
    expect(() => parseArgs(['--out'], ['out'])).to.throw(/--out needs a value/);
    expect(() => parseArgs(['--out', '--help'], ['out', 'help'])).to.throw(/--out needs a value/);
  });

  it('name the switch a value was given to', () => {
    expect(() => parseArgs(['--email', 'a@example.com', '--revoke', 'false'], ['email', 'revoke'], ['revoke'])).to.throw(/unexpected argument: false \(--revoke takes no value\)/);
  });

  it('keep the whole of a value written after =, its own = signs included', () => {
    expect(parseArgs(['--only=a=b'], ['only']).get('only')).to.equal('a=b');
  });
});
