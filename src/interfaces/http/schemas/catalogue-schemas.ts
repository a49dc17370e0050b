import Joi from 'joi';
import { OFFERING_SORTS, type OfferingSort } from '../../../application/ports/offering-catalogue';
import { AVAILABILITY_STATUSES, type AvailabilityStatus } from '../../../domain/availability-window';
import { Money } from '../../../domain/money';
import { searchTokens } from '../../../infrastructure/search/postgres/search-terms';
import { pageParams } from '../pagination';

/** Meilisearch reads only the first 10 words of a query: both engines refuse more, alike. */
export const MAX_SEARCH_WORDS = 10;
import { envelopeOf, moneyOut, responseObject, searchWords, timestamp, withMaxCharacters } from './common-schemas';

const priceBound = Joi.alternatives()
  .try(Joi.string().max(32), Joi.number())
  .custom((value, helpers) => Money.tryParse(value) ?? helpers.error('any.invalid'))
  .messages({ 'any.invalid': '{{#label}} must be a non-negative decimal of at most 99999999.99: at most 8 digits before the point and 2 after' });

/** A catalogue list's query string, once validated (defaults applied, money parsed). */
export interface CatalogueListQuery {
  readonly page?: number;
  readonly page_size: number;
  readonly cursor?: string;
  readonly status?: AvailabilityStatus;
  readonly search?: string;
  readonly sort: OfferingSort;
  readonly price_min?: Money;
  readonly price_max?: Money;
}

export const catalogueListQuery = Joi.object<CatalogueListQuery>({
  ...pageParams,
  // Page numbers and cursors are two ways of paging; a request uses one of them.
  page: pageParams.page.when('cursor', {
    is: Joi.exist(),
    then: Joi.forbidden().messages({ 'any.unknown': 'page cannot be combined with cursor' }),
  }),
  cursor: Joi.string()
    .allow('')
    .max(2048)
    .description('Keyset cursor from a `next`/`previous` link; an empty value starts cursor paging at the first item'),
  status: Joi.string()
    .valid(...AVAILABILITY_STATUSES)
    .description('available: start_at ≤ now ≤ end_at; upcoming: now < start_at; closed: end_at < now'),
  search: withMaxCharacters(Joi.string().allow(''), 200)
    .custom((value: string, helpers) => (searchTokens(searchWords(value)).length > MAX_SEARCH_WORDS ? helpers.error('search.words') : value))
    .messages({ 'search.words': `{{#label}} may hold at most ${MAX_SEARCH_WORDS} words, counted as runs of letters and digits 0–9 (\`node.js\` is two)` })
    .description(
      `Words that must all appear in the title or description, the last one also as a prefix; at most ${MAX_SEARCH_WORDS} words, ` +
        'counted as runs of letters and digits 0–9 of the lower-cased text (`node.js` and `real-time` count two each; `½` and markup ' +
        'such as `&amp;` none); read in Unicode\'s composed form (NFC), as titles are stored',
    ),
  sort: Joi.string()
    .valid(...OFFERING_SORTS)
    .default('created')
    .description('created (newest first), popular, price_asc, price_desc, start_at (soonest first); ties by id'),
  price_min: priceBound.description('Inclusive lower price bound'),
  price_max: priceBound.description('Inclusive upper price bound'),
});

export const offeringItem = responseObject({
  id: Joi.number().integer(),
  title: Joi.string(),
  description: Joi.string(),
  price: moneyOut,
  start_at: timestamp,
  end_at: timestamp,
  created_at: timestamp,
  is_registered: Joi.boolean().description('The caller holds an active (not cancelled) registration for it'),
  registration_count: Joi.number().integer().description('Active registrations (registered or completed)'),
}).meta({ className: 'Offering' });

export const offeringPage = envelopeOf(offeringItem, 'OfferingPage').keys({
  count_is_estimate: Joi.boolean().required().description('True when `count` is an estimate of a large result set'),
});
