import { PAYMENT_METHOD_LIMITS, PAYMENT_METHODS } from '../../domain/payment-method';

const won = (minorUnits: number): string => (minorUnits / 100).toLocaleString('en-US');

/** The amounts each payment method accepts, as the documentation states them, from the domain's table. */
export const PAYMENT_METHOD_LIMITS_TEXT = PAYMENT_METHODS.map((method) => {
  const { min, max } = PAYMENT_METHOD_LIMITS[method];
  return `${method} ${won(min.minorUnits)}–${won(max.minorUnits)}`;
}).join('; ');
