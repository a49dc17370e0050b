import type { OfferingSnapshot } from '../../../application/ports/search-index';
import { Money } from '../../../domain/money';
import { opaqueText } from './opaque-words';

/**
 * A catalogue item as stored in Meilisearch. Display values keep the API's formats (money as
 * decimal text, ISO timestamps); filters and sorts use the numeric twins (`*_ms`, `price_minor`).
 */
export interface OfferingDocument {
  readonly id: number;
  /** The item's words in their opaque form (see `opaque-words.ts`): the only searchable attribute. */
  readonly words: string;
  readonly title: string;
  readonly description: string;
  readonly price: string;
  readonly price_minor: number;
  readonly start_at: string;
  readonly end_at: string;
  readonly created_at: string;
  readonly start_at_ms: number;
  readonly end_at_ms: number;
  readonly created_at_ms: number;
  readonly registration_count: number;
}

export function toOfferingDocument(item: OfferingSnapshot): OfferingDocument {
  const price = Money.parse(item.price, 'price');
  return {
    id: item.id,
    words: opaqueText(item.words),
    title: item.title,
    description: item.description,
    price: price.toString(),
    price_minor: price.minorUnits,
    start_at: item.startAt.toISOString(),
    end_at: item.endAt.toISOString(),
    created_at: item.createdAt.toISOString(),
    start_at_ms: item.startAt.getTime(),
    end_at_ms: item.endAt.getTime(),
    created_at_ms: item.createdAt.getTime(),
    registration_count: item.registrationCount,
  };
}
