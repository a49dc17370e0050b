import type { OfferingKind } from '../../domain/offering-kind';

/** Which of some items the user holds an active (not cancelled) registration for. */
export interface RegistrationLookup {
  activeAmong(kind: OfferingKind, userId: number, itemIds: readonly number[]): Promise<Set<number>>;
}

export const REGISTRATION_LOOKUP = Symbol.for('RegistrationLookup');
