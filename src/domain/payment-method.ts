import { Money } from './money';

export type PaymentMethod = 'kakaopay' | 'card' | 'bank_transfer';

export const PAYMENT_METHODS: readonly PaymentMethod[] = ['kakaopay', 'card', 'bank_transfer'];

interface Limits {
  readonly min: Money;
  readonly max: Money;
}

const won = (amount: number): Money => Money.ofMinorUnits(amount * 100);

/** Inclusive amount limits per payment method. */
export const PAYMENT_METHOD_LIMITS: Readonly<Record<PaymentMethod, Limits>> = {
  kakaopay: { min: won(100), max: won(50_000_000) },
  card: { min: won(1_000), max: won(100_000_000) },
  bank_transfer: { min: won(1_000), max: won(200_000_000) },
};

export function isWithinMethodLimits(method: PaymentMethod, amount: Money): boolean {
  const { min, max } = PAYMENT_METHOD_LIMITS[method];
  return amount.compare(min) >= 0 && amount.compare(max) <= 0;
}
