import { OFFERING_KINDS, type OfferingKind } from '../../domain/offering-kind';

/** How the HTTP API names tests and courses: path segments, endpoint verbs, JSON fields. */
export interface OfferingResource {
  /** The path segment: `tests`, `courses`. */
  readonly plural: string;
  /** The verb of the register endpoint: `apply`, `enroll`. */
  readonly registerVerb: string;
  /** The id field of register/complete responses: `registration_id`, `enrollment_id`. */
  readonly registrationIdField: string;
}

export const OFFERING_RESOURCES: Readonly<Record<OfferingKind, OfferingResource>> = {
  test: { plural: OFFERING_KINDS.test.plural, registerVerb: 'apply', registrationIdField: 'registration_id' },
  course: { plural: OFFERING_KINDS.course.plural, registerVerb: 'enroll', registrationIdField: 'enrollment_id' },
};
