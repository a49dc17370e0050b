import type { ListedOffering } from '../../../application/queries/list-offerings/list-offerings-handler';
import { Money } from '../../../domain/money';

export const serializeOffering = (item: ListedOffering) => ({
  id: item.id,
  title: item.title,
  description: item.description,
  price: Money.parse(item.price, 'price').toString(),
  start_at: item.startAt.toISOString(),
  end_at: item.endAt.toISOString(),
  created_at: item.createdAt.toISOString(),
  is_registered: item.isRegistered,
  registration_count: item.registrationCount,
});
