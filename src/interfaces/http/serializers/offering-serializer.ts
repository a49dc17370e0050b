import type { ListedOffering } from '../../../application/catalogue/listed-offering';
import { isoTimestamp } from './iso-timestamp';

/** An item as the API gives it; where a list continues after it (its position) is the links' business. */
export const serializeOffering = (item: Omit<ListedOffering, 'position'>) => ({
  id: item.id,
  title: item.title,
  description: item.description,
  // Already the decimal text with two places that the API gives (see OfferingFields).
  price: item.price,
  start_at: isoTimestamp(item.startAt),
  end_at: isoTimestamp(item.endAt),
  created_at: isoTimestamp(item.createdAt),
  is_registered: item.isRegistered,
  registration_count: item.registrationCount,
});
