/**
 * Tests and courses are the same kind of thing: a paid item open during a window. What differs
 * between them is a name: the domain's here, the HTTP API's in `interfaces/http/offering-resources.ts`,
 * the storage's in `infrastructure/knex/offering-tables.ts`.
 */
export type OfferingKind = 'test' | 'course';

export interface OfferingNames {
  readonly kind: OfferingKind;
  /** The collection: `tests`, `courses`. */
  readonly plural: string;
}

export const OFFERING_KINDS: Readonly<Record<OfferingKind, OfferingNames>> = {
  test: { kind: 'test', plural: 'tests' },
  course: { kind: 'course', plural: 'courses' },
};

export const ALL_OFFERING_KINDS: readonly OfferingKind[] = ['test', 'course'];
