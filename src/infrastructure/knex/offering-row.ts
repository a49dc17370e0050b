/** A row of `tests` or `courses` as the read side selects it. */
export interface OfferingRow {
  id: number;
  title: string;
  description: string;
  price: string;
  start_at: Date;
  end_at: Date;
  created_at: Date;
  registration_count: number;
}

export const OFFERING_COLUMNS: (keyof OfferingRow)[] = ['id', 'title', 'description', 'price', 'start_at', 'end_at', 'created_at', 'registration_count'];

/** The row's fields as the application names them. */
export const offeringFields = (row: OfferingRow) => ({
  id: row.id,
  title: row.title,
  description: row.description,
  price: row.price,
  startAt: row.start_at,
  endAt: row.end_at,
  createdAt: row.created_at,
  registrationCount: row.registration_count,
});
