import { expect } from 'chai';
import { AvailabilityWindow } from '../../src/domain/availability-window';
import {
  AlreadyCancelled,
  AlreadyCompleted,
  AlreadyRegistered,
  AmountMismatch,
  CompletedRegistrationNotCancellable,
  type DomainError,
  NotOpen,
  NotRegistered,
  NotStarted,
  PaymentMethodLimit,
} from '../../src/domain/errors';
import { Money } from '../../src/domain/money';
import type { Offering } from '../../src/domain/offering';
import { type Payment, assertCanRefund } from '../../src/domain/payment';
import { type Registration, assertCanCancel, assertCanComplete, assertCanRegister } from '../../src/domain/registration';

const DAY = 86_400_000;
const now = new Date('2026-12-10T00:00:00Z');
const open = new AvailabilityWindow(new Date(now.getTime() - DAY), new Date(now.getTime() + DAY));
const upcoming = new AvailabilityWindow(new Date(now.getTime() + DAY), new Date(now.getTime() + 2 * DAY));
const offering = (overrides: Partial<Offering> = {}): Offering => ({ kind: 'test', id: 1, title: 'Go 기초 시험', price: Money.parse('45000'), window: open, ...overrides });
const registration = (state: Registration['state']): Registration => ({ id: 1, userId: 1, itemId: 1, paymentId: 1, state, registeredAt: now, completedAt: state === 'completed' ? now : null });

/** The error a rule throws, or null when it lets the attempt through. */
const refusal = (rule: () => void): DomainError | null => {
  try {
    rule();
    return null;
  } catch (error) {
    return error as DomainError;
  }
};

describe('registration rules', () => {
  const attempt = (overrides: Partial<Parameters<typeof assertCanRegister>[0]> = {}) =>
    refusal(() => assertCanRegister({ offering: offering(), amount: Money.parse('45000'), method: 'card', existing: null, now, ...overrides }));

  it('let a first registration at the price, inside the window, within the method limits through', () => {
    expect(attempt()).to.equal(null);
    expect(attempt({ now: open.startAt })).to.equal(null);
    expect(attempt({ now: open.endAt })).to.equal(null);
  });

  it('refuse in the contract order: already registered, not open, amount, method limit', () => {
    const everythingWrong = { existing: registration('registered'), now, offering: offering({ window: upcoming, price: Money.parse('50') }), amount: Money.parse('60'), method: 'kakaopay' as const };
    expect(attempt(everythingWrong)).to.be.instanceOf(AlreadyRegistered);
    expect(attempt({ ...everythingWrong, existing: null })).to.be.instanceOf(NotOpen);
    expect(attempt({ ...everythingWrong, existing: null, now: upcoming.startAt })).to.be.instanceOf(AmountMismatch);
    expect(attempt({ existing: null, now, offering: offering({ price: Money.parse('50') }), amount: Money.parse('50'), method: 'kakaopay' })).to.be.instanceOf(PaymentMethodLimit);
  });

  it('treat the window as inclusive at both ends and closed a moment after', () => {
    expect(attempt({ now: new Date(open.endAt.getTime() + 1) })).to.be.instanceOf(NotOpen);
    expect(attempt({ now: new Date(open.startAt.getTime() - 1) })).to.be.instanceOf(NotOpen);
  });

  it('complete only a registration not yet completed nor being cancelled, for an item that has started', () => {
    const settled = { cancelling: false };
    expect(refusal(() => assertCanComplete(registration('registered'), open, now, settled))).to.equal(null);
    expect(refusal(() => assertCanComplete(registration('completed'), open, now, settled))).to.be.instanceOf(AlreadyCompleted);
    expect(refusal(() => assertCanComplete(registration('registered'), upcoming, now, settled))).to.be.instanceOf(NotStarted);
    // Once a cancel has decided the refund, the registration is as good as cancelled.
    expect(refusal(() => assertCanComplete(registration('registered'), open, now, { cancelling: true }))).to.be.instanceOf(NotRegistered);
    expect(refusal(() => assertCanComplete(registration('completed'), open, now, { cancelling: true }))).to.be.instanceOf(AlreadyCompleted);
  });

  it('cancel only a registration that is not completed, and refund a payment once', () => {
    expect(refusal(() => assertCanCancel(registration('registered')))).to.equal(null);
    expect(refusal(() => assertCanCancel(registration('completed')))).to.be.instanceOf(CompletedRegistrationNotCancellable);
    const payment = (status: Payment['status']): Payment => ({
      id: 1, userId: 1, kind: 'test', targetId: 1, amount: Money.parse('45000'), method: 'card', gatewayTransactionId: 'tx', status, paidAt: now, chargeKey: 'k', refundKey: null, refundedAt: null, requestKey: null, cancelledAt: null, cancelRequestKey: null,
    });
    expect(refusal(() => assertCanRefund(payment('paid')))).to.equal(null);
    expect(refusal(() => assertCanRefund(payment('cancelled')))).to.be.instanceOf(AlreadyCancelled);
  });
});
