import { expect } from 'chai';
import { Money } from '../../src/domain/money';

describe('Money', () => {
  it('treats "45000", 45000 and "45000.00" as the same amount', () => {
    const amounts = ['45000', 45000, '45000.00', '45000.0'].map((input) => Money.tryParse(input));
    for (const amount of amounts) expect(amount?.equals(Money.ofMinorUnits(4_500_000))).to.equal(true);
  });

  it('ignores white space around an amount written as a string, and only around it', () => {
    for (const input of [' 45000', '45000.00 ', '\n45000\t']) expect(Money.tryParse(input)?.minorUnits, JSON.stringify(input)).to.equal(4_500_000);
    for (const input of ['45 000', '45000 .00', '45000. 00']) expect(Money.tryParse(input), JSON.stringify(input)).to.equal(null);
  });

  it('serialises with exactly two decimal places', () => {
    expect(Money.tryParse('45000')?.toString()).to.equal('45000.00');
    expect(Money.tryParse(0.5)?.toString()).to.equal('0.50');
    expect(Money.tryParse('99999999.99')?.toString()).to.equal('99999999.99');
  });

  it('refuses more than two decimal places, more than ten digits, signs, exponents and non-numbers', () => {
    for (const input of ['1.001', '123456789.00', '-1', '1e3', 1e21, 'abc', '', ' ', null, undefined, {}, [], true, NaN, Infinity]) {
      expect(Money.tryParse(input), String(input)).to.equal(null);
    }
  });

  it('avoids floating point: 0.1 + 0.2 style amounts stay exact', () => {
    expect(Money.tryParse(0.3)?.minorUnits).to.equal(30);
    expect(Money.tryParse('1234.56')?.minorUnits).to.equal(123_456);
  });
});
