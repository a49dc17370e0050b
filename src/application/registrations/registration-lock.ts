import type { OfferingKind } from '../../domain/offering-kind';

/**
 * The lock every command on one user's registration for one item runs under (register, complete,
 * and the reconciler settling its payment), so that they never interleave.
 */
export const registrationLockKey = (kind: OfferingKind, itemId: number, userId: number): string =>
  `registration:${kind}:${itemId}:user:${userId}`;
