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
