import type { OfferingKind } from '../../domain/offering-kind';

export interface OfferingTables {
  /** The items: `tests`, `courses`. */
  readonly items: string;
  /** Their registrations: `test_registrations`, `course_registrations`. */
  readonly registrations: string;
  /** The registrations' reference to the item: `test_id`, `course_id`. */
  readonly itemColumn: string;
  /** The stored status of a registration in force: `applied`, `enrolled`. */
  readonly activeStatus: string;
}

/** The one place that knows which tables hold each kind of catalogue item. */
export const OFFERING_TABLES: Readonly<Record<OfferingKind, OfferingTables>> = {
  test: { items: 'tests', registrations: 'test_registrations', itemColumn: 'test_id', activeStatus: 'applied' },
  course: { items: 'courses', registrations: 'course_registrations', itemColumn: 'course_id', activeStatus: 'enrolled' },
};
