import type { Context } from 'koa';
import { ChangeOfferingHandler } from '../../../application/commands/administer-offering/change-offering-handler';
import { CloseOfferingHandler } from '../../../application/commands/administer-offering/close-offering-handler';
import { CreateOfferingHandler } from '../../../application/commands/administer-offering/create-offering-handler';
import { DeleteOfferingHandler } from '../../../application/commands/administer-offering/delete-offering-handler';
import type { ChangedOffering } from '../../../application/commands/administer-offering/offering-change';
import { OFFERING_SNAPSHOTS, type OfferingSnapshots } from '../../../application/ports/offering-snapshots';
import { REGISTRATION_LOOKUP, type RegistrationLookup } from '../../../application/ports/registration-lookup';
import { ListAuditTrailHandler } from '../../../application/queries/list-audit-trail/list-audit-trail-handler';
import type { OfferingDetails } from '../../../domain/offering-details';
import { ALL_OFFERING_KINDS, OFFERING_KINDS, type OfferingKind } from '../../../domain/offering-kind';
import { entityTag, expectedVersions } from '../entity-tag';
import { currentUserId } from '../middleware/authenticate';
import { idempotent } from '../middleware/idempotency';
import { requireStaff } from '../middleware/require-staff';
import { pageLinks } from '../pagination';
import { parseId } from '../path-params';
import { type DetailsBody, auditListQuery, changeOfferingBody, createOfferingBody, validateDetailsBody } from '../schemas/administration-schemas';
import { emptyBody } from '../schemas/common-schemas';
import { serializeAuditEntry } from '../serializers/audit-serializer';
import { serializeOffering } from '../serializers/offering-serializer';
import { validateItemCommandBody } from '../item-command-body';
import { validateQuery } from '../validation';
import type { RouteContext } from './route-context';

/** Staff create, change, close and delete tests and courses, and read the audit log. */
export function registerAdministrationRoutes({ router, container, requireAuth, limitReads }: RouteContext): void {
  const staffOnly = requireStaff(container);
  const create = container.get(CreateOfferingHandler);
  const change = container.get(ChangeOfferingHandler);
  const close = container.get(CloseOfferingHandler);
  const remove = container.get(DeleteOfferingHandler);
  const registrations = container.get<RegistrationLookup>(REGISTRATION_LOOKUP);
  const offerings = container.get<OfferingSnapshots>(OFFERING_SNAPSHOTS);
  const auditTrail = container.get(ListAuditTrailHandler);

  /**
   * Answers with the item as the change committed it, and that version as the ETag: a change made
   * by someone else just after is not shown as this one's, and a deletion just after does not
   * turn a committed change into a 404. Only whether the caller holds a registration is read now
   * (none, once the item is gone).
   */
  const respondWithItem = async (ctx: Context, kind: OfferingKind, changed: ChangedOffering) => {
    const registered = await registrations.activeAmong(kind, currentUserId(ctx), [changed.id]);
    const { id, details, createdAt, registrationCount } = changed;
    ctx.set('ETag', entityTag(changed.version));
    ctx.body = serializeOffering({
      id,
      title: details.title,
      description: details.description,
      price: details.price.toString(),
      startAt: details.startAt,
      endAt: details.endAt,
      createdAt,
      registrationCount,
      isRegistered: registered.has(id),
    });
  };

  for (const kind of ALL_OFFERING_KINDS) {
    const { plural } = OFFERING_KINDS[kind];

    router.post(`/api/${plural}`, requireAuth, staffOnly, idempotent(container, createOfferingBody), async (ctx) => {
      const body = validateDetailsBody(createOfferingBody, ctx.request.body);
      const created = await create.execute({ staffUserId: currentUserId(ctx), kind, details: toDetails(body) as OfferingDetails, requestKey: ctx.get('Idempotency-Key') || undefined });
      ctx.status = 201;
      ctx.set('Location', `/api/${plural}/${created.id}/`);
      await respondWithItem(ctx, kind, created);
    });

    router.patch(`/api/${plural}/:id`, requireAuth, staffOnly, async (ctx) => {
      const id = parseId(ctx.params.id);
      const versions = expectedVersions(ctx.get('If-Match') || undefined, { required: true });
      const body = validateDetailsBody(changeOfferingBody, ctx.request.body);
      await respondWithItem(ctx, kind, await change.execute({ staffUserId: currentUserId(ctx), kind, id, changes: toDetails(body), expectedVersions: versions }));
    });

    router.post(`/api/${plural}/:id/close`, requireAuth, staffOnly, async (ctx) => {
      const id = parseId(ctx.params.id);
      await validateItemCommandBody(emptyBody, ctx.request.body, { offerings, kind, id });
      await respondWithItem(ctx, kind, await close.execute({ staffUserId: currentUserId(ctx), kind, id, expectedVersions: expectedVersions(ctx.get('If-Match') || undefined, { required: false }) }));
    });

    router.delete(`/api/${plural}/:id`, requireAuth, staffOnly, async (ctx) => {
      const id = parseId(ctx.params.id);
      await validateItemCommandBody(emptyBody, ctx.request.body, { offerings, kind, id });
      await remove.execute({ staffUserId: currentUserId(ctx), kind, id, expectedVersions: expectedVersions(ctx.get('If-Match') || undefined, { required: false }) });
      ctx.status = 204;
    });
  }

  router.get('/api/admin/audit', requireAuth, limitReads, staffOnly, async (ctx) => {
    const query = validateQuery(auditListQuery, ctx.query);
    const page = await auditTrail.execute({
      filter: { kind: query.item_kind, itemId: query.item_id, staffUserId: query.staff_user_id },
      page: query.page,
      pageSize: query.page_size,
    });
    ctx.body = { count: page.count, ...pageLinks(ctx, query.page, page.hasNext), results: page.entries.map(serializeAuditEntry) };
  });
}

/** The details a body sends, as the application names them; absent fields stay absent. */
function toDetails(body: DetailsBody): Partial<OfferingDetails> {
  const details = { title: body.title, description: body.description, price: body.price, startAt: body.start_at, endAt: body.end_at };
  return Object.fromEntries(Object.entries(details).filter(([, value]) => value !== undefined));
}
