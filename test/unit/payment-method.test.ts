import { expect } from 'chai';
import { Money } from '../../src/domain/money';
import { isWithinMethodLimits } from '../../src/domain/payment-method';

describe('payment method limits', () => {
  const won = (amount: string) => Money.parse(amount);
  const cases: Array<[Parameters<typeof isWithinMethodLimits>[0], string, string]> = [
    ['kakaopay', '100', '50000000'],
    ['card', '1000', '100000000'],
    ['bank_transfer', '1000', '200000000'],
  ];
  for (const [method, min, max] of cases) {
    it(`${method} accepts ${min}–${max} inclusive and nothing outside`, () => {
      expect(isWithinMethodLimits(method, won(min))).to.equal(true);
      expect(isWithinMethodLimits(method, Money.ofMinorUnits(won(min).minorUnits - 1))).to.equal(false);
      if (Money.tryParse(max)) {
        expect(isWithinMethodLimits(method, won(max))).to.equal(true);
        expect(isWithinMethodLimits(method, Money.ofMinorUnits(won(max).minorUnits + 1))).to.equal(false);
      }
    });
  }
});
