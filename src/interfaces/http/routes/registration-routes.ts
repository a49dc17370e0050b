import { CompleteRegistrationHandler } from '../../../application/commands/complete-registration/complete-registration-handler';
import { RegisterForOfferingHandler } from '../../../application/commands/register-for-offering/register-for-offering-handler';
import { OFFERING_SNAPSHOTS, type OfferingSnapshots } from '../../../application/ports/offering-snapshots';
import type { Config } from '../../../infrastructure/config/config';
import { CONFIG } from '../../../infrastructure/config/config-token';
import { ALL_OFFERING_KINDS } from '../../../domain/offering-kind';
import { OFFERING_RESOURCES } from '../offering-resources';
import { currentUserId } from '../middleware/authenticate';
import { idempotent } from '../middleware/idempotency';
import { rateLimit } from '../middleware/rate-limit';
import { parseId } from '../path-params';
import { emptyBody } from '../schemas/common-schemas';
import { type RegisterBody, registerBody } from '../schemas/registration-schemas';
import { validateItemCommandBody } from '../item-command-body';
import type { RouteContext } from './route-context';

/** Apply / enroll and complete, for tests and courses alike; names come from the kinds table. */
export function registerRegistrationRoutes({ router, container, requireAuth, requireActiveUser }: RouteContext): void {
  const offerings = container.get<OfferingSnapshots>(OFFERING_SNAPSHOTS);
  const idempotency = idempotent(container, registerBody);
  const registerForOffering = container.get(RegisterForOfferingHandler);
  const completeRegistration = container.get(CompleteRegistrationHandler);
  const { registrationsPerMinute } = container.get<Config>(CONFIG).rateLimits;
  // Replays of an idempotent request are answered before this and do not count.
  const throttle = rateLimit(container, { name: 'registrations', limit: registrationsPerMinute, windowSeconds: 60, per: 'user', whenUnavailable: 'closed' });

  for (const kind of ALL_OFFERING_KINDS) {
    const names = OFFERING_RESOURCES[kind];

    router.post(`/api/${names.plural}/:id/${names.registerVerb}`, requireAuth, requireActiveUser, idempotency, throttle, async (ctx) => {
      const itemId = parseId(ctx.params.id);
      const body = await validateItemCommandBody<RegisterBody>(registerBody, ctx.request.body, { offerings, kind, id: itemId });
      const receipt = await registerForOffering.execute({
        kind,
        itemId,
        userId: currentUserId(ctx),
        amount: body.amount,
        method: body.payment_method,
        requestKey: ctx.get('Idempotency-Key') || undefined,
      });
      ctx.status = 201;
      ctx.body = {
        payment_id: receipt.paymentId,
        [names.registrationIdField]: receipt.registrationId,
        payment_method: receipt.method,
        amount: receipt.amount.toString(),
        paid_at: receipt.paidAt.toISOString(),
      };
    });

    router.post(`/api/${names.plural}/:id/complete`, requireAuth, requireActiveUser, async (ctx) => {
      const itemId = parseId(ctx.params.id);
      await validateItemCommandBody(emptyBody, ctx.request.body, { offerings, kind, id: itemId });
      const completed = await completeRegistration.execute({ kind, itemId, userId: currentUserId(ctx) });
      ctx.body = {
        [names.registrationIdField]: completed.registrationId,
        status: 'completed',
        completed_at: completed.completedAt.toISOString(),
      };
    });
  }
}
