import { ValidationFailed } from './errors';

/** At most 8 digits before the point and 2 after it: the range of numeric(10,2). */
const DECIMAL = /^(\d{1,8})(?:\.(\d{1,2}))?$/;

/**
 * An amount of money in minor units (1/100). Never a float: inputs are parsed from their
 * decimal text, and the value is serialised as a string with exactly two places.
 */
export class Money {
  private constructor(readonly minorUnits: number) {}

  static ofMinorUnits(minorUnits: number): Money {
    if (!Number.isSafeInteger(minorUnits) || minorUnits < 0) {
      throw new RangeError(`invalid minor units: ${minorUnits}`);
    }
    return new Money(minorUnits);
  }

  /** Parses a non-negative decimal given as a string or a JSON number; null when malformed. */
  static tryParse(input: unknown): Money | null {
    let text: string;
    if (typeof input === 'string') text = input.trim();
    else if (typeof input === 'number' && Number.isFinite(input)) text = String(input);
    else return null;
    const match = DECIMAL.exec(text);
    if (!match) return null;
    const [, whole, fraction = ''] = match;
    return new Money(Number(whole) * 100 + Number(fraction.padEnd(2, '0')));
  }

  static parse(input: unknown, field = 'amount'): Money {
    const money = Money.tryParse(input);
    if (!money) {
      throw ValidationFailed.field(field, 'Must be a decimal of at most 99999999.99: at most 8 digits before the point and 2 after.');
    }
    return money;
  }

  isPositive(): boolean {
    return this.minorUnits > 0;
  }

  equals(other: Money): boolean {
    return this.minorUnits === other.minorUnits;
  }

  compare(other: Money): number {
    return this.minorUnits - other.minorUnits;
  }

  toString(): string {
    const whole = Math.floor(this.minorUnits / 100);
    const cents = this.minorUnits % 100;
    return `${whole}.${String(cents).padStart(2, '0')}`;
  }

  toJSON(): string {
    return this.toString();
  }
}
