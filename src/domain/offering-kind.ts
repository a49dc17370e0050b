/**
 * Tests and courses are the same kind of thing: a paid item open during a window. Everything
 * that differs between them is a name, and every such name lives in this one table.
 */
export type OfferingKind = 'test' | 'course';

export interface OfferingNames {
  readonly kind: OfferingKind;
  /** Path segment and table-ish plural: `tests`, `courses`. */
  readonly plural: string;
  /** The verb of the register endpoint: `apply`, `enroll`. */
  readonly registerVerb: string;
  /** The id field of register/complete responses: `registration_id`, `enrollment_id`. */
  readonly registrationIdField: string;
  /** The status of a fresh registration: `applied`, `enrolled`. */
  readonly activeStatus: string;
}

export const OFFERING_KINDS: Readonly<Record<OfferingKind, OfferingNames>> = {
  test: {
    kind: 'test',
    plural: 'tests',
    registerVerb: 'apply',
    registrationIdField: 'registration_id',
    activeStatus: 'applied',
  },
  course: {
    kind: 'course',
    plural: 'courses',
    registerVerb: 'enroll',
    registrationIdField: 'enrollment_id',
    activeStatus: 'enrolled',
  },
};

export const ALL_OFFERING_KINDS: readonly OfferingKind[] = ['test', 'course'];
