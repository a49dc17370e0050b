/** A catalogue item's own fields, as the read side and the search index both see them. */
export interface OfferingFields {
  readonly id: number;
  readonly title: string;
  readonly description: string;
  /** Decimal text with two places, e.g. `"45000.00"`. */
  readonly price: string;
  readonly startAt: Date;
  readonly endAt: Date;
  readonly createdAt: Date;
  readonly registrationCount: number;
}
