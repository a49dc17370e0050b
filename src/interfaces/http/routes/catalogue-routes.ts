import { CLOCK, type Clock } from '../../../application/ports/clock';
import { GetOfferingHandler } from '../../../application/queries/get-offering/get-offering-handler';
import { ListOfferingsHandler } from '../../../application/queries/list-offerings/list-offerings-handler';
import { ALL_OFFERING_KINDS, OFFERING_KINDS } from '../../../domain/offering-kind';
import { decodeCursor, encodeCursor } from '../cursor';
import { entityTag } from '../entity-tag';
import { currentUserId } from '../middleware/authenticate';
import { linkWith, pageLinks } from '../pagination';
import { parseId } from '../path-params';
import { catalogueListQuery } from '../schemas/catalogue-schemas';
import { searchWords } from '../schemas/common-schemas';
import { serializeOffering } from '../serializers/offering-serializer';
import { validateQuery } from '../validation';
import type { RouteContext } from './route-context';


/** Lists and details of tests and courses: one implementation, parameterised by kind. */
export function registerCatalogueRoutes({ router, container, requireAuth, limitReads }: RouteContext): void {
  const clock = container.get<Clock>(CLOCK);
  const listOfferings = container.get(ListOfferingsHandler);
  const getOffering = container.get(GetOfferingHandler);

  for (const kind of ALL_OFFERING_KINDS) {
    const { plural } = OFFERING_KINDS[kind];

    router.get(`/api/${plural}`, requireAuth, limitReads, async (ctx) => {
      const query = validateQuery(catalogueListQuery, ctx.query);
      const cursorMode = query.cursor !== undefined;
      const result = await listOfferings.execute({
        filter: {
          kind,
          status: query.status,
          words: searchWords(query.search),
          priceMin: query.price_min,
          priceMax: query.price_max,
          now: clock.now(),
        },
        sort: query.sort,
        pageSize: query.page_size,
        userId: currentUserId(ctx),
        ...(cursorMode ? { cursor: query.cursor ? decodeCursor(query.cursor, query.sort) : null } : { page: query.page ?? 1 }),
      });

      const first = result.items[0];
      const last = result.items[result.items.length - 1];
      const cursorLink = (item: typeof first, direction: 'next' | 'previous') =>
        linkWith(ctx, { page: null, cursor: encodeCursor({ sort: query.sort, values: item.position.values, id: item.id, direction }) });
      const links = cursorMode
        ? {
            next: result.hasNext && last ? cursorLink(last, 'next') : null,
            previous: result.hasPrevious && first ? cursorLink(first, 'previous') : null,
          }
        : {
            ...pageLinks(ctx, query.page ?? 1, result.hasNext),
            // The last page of the page-number window goes on by cursor, not to a page refused as too deep.
            ...(result.nextByCursor && last ? { next: cursorLink(last, 'next') } : {}),
          };

      ctx.body = {
        count: result.count.value,
        count_is_estimate: result.count.estimated,
        ...links,
        results: result.items.map(serializeOffering),
      };
    });

    router.get(`/api/${plural}/:id`, requireAuth, limitReads, async (ctx) => {
      const item = await getOffering.execute({ kind, id: parseId(ctx.params.id), userId: currentUserId(ctx) });
      // The version staff send back in If-Match to change the item.
      ctx.set('ETag', entityTag(item.version));
      ctx.body = serializeOffering(item);
    });
  }
}
