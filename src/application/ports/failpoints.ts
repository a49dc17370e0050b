/**
 * Named points in the payment commands where a test can make the process die, to prove that
 * every state a crash leaves is one the reconciler settles. Off unless configured.
 */
export const FAILPOINT_NAMES = [
  'register.after-pending',
  'register.after-charge',
  'register.before-commit',
  'register.after-commit',
  'cancel.after-intent',
  'cancel.after-refund',
] as const;

export type FailpointName = (typeof FAILPOINT_NAMES)[number];

export interface Failpoints {
  reach(name: FailpointName): void;
}

export const FAILPOINTS = Symbol.for('Failpoints');
