import { expect } from 'chai';
import { ValidationFailed } from '../../src/domain/errors';
import { Money } from '../../src/domain/money';
import { type OfferingDetailField, type OfferingDetails, SALEABLE_PRICES, assertValidDetails, changedFields, closedWindow } from '../../src/domain/offering-details';
import { PAYMENT_METHODS, isWithinMethodLimits } from '../../src/domain/payment-method';

const details = (overrides: Partial<OfferingDetails> = {}): OfferingDetails => ({
  title: 'Go 기초 시험',
  description: '',
  price: Money.parse('45000'),
  startAt: new Date('2026-12-01T00:00:00Z'),
  endAt: new Date('2026-12-31T00:00:00Z'),
  ...overrides,
});

const refusals = (candidate: OfferingDetails, sent?: readonly OfferingDetailField[]): Readonly<Record<string, readonly string[]>> => {
  try {
    assertValidDetails(candidate, sent);
    return {};
  } catch (error) {
    if (!(error instanceof ValidationFailed)) throw error;
    return error.errors;
  }
};

const refusedFields = (candidate: OfferingDetails, sent?: readonly OfferingDetailField[]): string[] => Object.keys(refusals(candidate, sent)).sort();

describe('an item’s details', () => {
  it('sell only at prices every payment method accepts, bounds included', () => {
    for (const price of [SALEABLE_PRICES.min, SALEABLE_PRICES.max]) {
      expect(PAYMENT_METHODS.every((method) => isWithinMethodLimits(method, price))).to.equal(true);
      expect(refusedFields(details({ price }))).to.deep.equal([]);
    }
    expect(refusedFields(details({ price: Money.ofMinorUnits(SALEABLE_PRICES.min.minorUnits - 1) }))).to.deep.equal(['price']);
    expect(refusedFields(details({ price: Money.ofMinorUnits(SALEABLE_PRICES.max.minorUnits + 1) }))).to.deep.equal(['price']);
  });

  it('end after they start, and every broken rule is named at once', () => {
    const start = new Date('2026-12-01T00:00:00Z');
    expect(refusedFields(details({ startAt: start, endAt: start }))).to.deep.equal(['end_at']);
    expect(refusedFields(details({ startAt: start, endAt: new Date(start.getTime() - 1), price: Money.parse('1') }))).to.deep.equal(['end_at', 'price']);
  });

  it('answer for the price only when a change sends one', () => {
    const unsaleable = details({ price: Money.parse('500') });
    expect(refusedFields(unsaleable, ['title'])).to.deep.equal([]);
    expect(refusedFields(unsaleable, ['startAt', 'endAt'])).to.deep.equal([]);
    expect(refusedFields(unsaleable, ['price'])).to.deep.equal(['price']);
  });

  it('answer for the window when a change sends either end, naming the end it sent', () => {
    const inverted = details({ startAt: new Date('2027-01-10T00:00:00Z'), endAt: new Date('2027-01-01T00:00:00Z') });
    expect(refusals(inverted, ['title', 'price'])).to.deep.equal({});
    expect(refusals(inverted, ['startAt'])).to.deep.equal({ start_at: ['Must be before end_at.'] });
    expect(refusals(inverted, ['endAt'])).to.deep.equal({ end_at: ['Must be after start_at.'] });
    expect(refusals(inverted, ['startAt', 'endAt'])).to.deep.equal({ end_at: ['Must be after start_at.'] });
  });

  it('answer for every rule when nothing says which fields were sent (a creation)', () => {
    const start = new Date('2026-12-01T00:00:00Z');
    expect(refusedFields(details({ startAt: start, endAt: start, price: Money.parse('500') }))).to.deep.equal(['end_at', 'price']);
  });

  it('close now: the end becomes now, and an item not started yet starts just before', () => {
    const now = new Date('2026-12-10T00:00:00Z');
    const open = details();
    expect(closedWindow(open, now)).to.deep.equal({ startAt: open.startAt, endAt: now });
    const upcoming = details({ startAt: new Date('2026-12-20T00:00:00Z'), endAt: new Date('2026-12-25T00:00:00Z') });
    const closed = closedWindow(upcoming, now);
    expect(closed.endAt).to.deep.equal(now);
    expect(closed.startAt.getTime()).to.be.below(now.getTime());
  });

  it('tell which fields a change changes, comparing money and instants by value', () => {
    const before = details();
    const after = details({ price: Money.parse('45000.00'), startAt: new Date(before.startAt.getTime()), title: 'Go 심화 시험' });
    expect(changedFields(before, after)).to.deep.equal(['title']);
  });
});
