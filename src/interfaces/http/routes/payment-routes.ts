import { CancelPaymentHandler } from '../../../application/commands/cancel-payment/cancel-payment-handler';
import { GetMyPaymentHandler } from '../../../application/queries/get-my-payment/get-my-payment-handler';
import { ListMyPaymentsHandler } from '../../../application/queries/list-my-payments/list-my-payments-handler';
import { currentUserId } from '../middleware/authenticate';
import { idempotent } from '../middleware/idempotency';
import { pageLinks } from '../pagination';
import { parseId } from '../path-params';
import { searchWords } from '../schemas/common-schemas';
import { cancelBody, paymentListQuery } from '../schemas/payment-schemas';
import { serializePayment } from '../serializers/payment-serializer';
import { validate, validateQuery } from '../validation';
import type { RouteContext } from './route-context';


export function registerPaymentRoutes({ router, container, requireAuth, requireActiveUser, limitReads }: RouteContext): void {
  // Use cases resolved once, when the routes are built.
  const listMyPayments = container.get(ListMyPaymentsHandler);
  const getMyPayment = container.get(GetMyPaymentHandler);
  const cancelPayment = container.get(CancelPaymentHandler);
  router.get('/api/me/payments', requireAuth, limitReads, async (ctx) => {
    const query = validateQuery(paymentListQuery, ctx.query);
    const page = await listMyPayments.execute({
      userId: currentUserId(ctx),
      filter: {
        status: query.status,
        kind: query.payment_type,
        from: query.from,
        to: query.to,
        words: searchWords(query.search),
      },
      page: query.page,
      pageSize: query.page_size,
    });
    ctx.body = { count: page.count, ...pageLinks(ctx, query.page, page.hasNext), results: page.entries.map(serializePayment) };
  });

  router.get('/api/me/payments/:id', requireAuth, limitReads, async (ctx) => {
    const entry = await getMyPayment.execute({ userId: currentUserId(ctx), paymentId: parseId(ctx.params.id) });
    ctx.body = serializePayment(entry);
  });

  router.post('/api/payments/:id/cancel', requireAuth, requireActiveUser, idempotent(container, cancelBody), async (ctx) => {
    const paymentId = parseId(ctx.params.id);
    const userId = currentUserId(ctx);
    let body: { readonly reason?: string };
    try {
      body = validate(cancelBody, ctx.request.body);
    } catch (invalid) {
      // An unknown payment (or someone else's) is a 404 before anything about the body is said.
      await getMyPayment.execute({ userId, paymentId });
      throw invalid;
    }
    const cancelled = await cancelPayment.execute({
      userId,
      paymentId,
      reason: body.reason ? body.reason : null,
      requestKey: ctx.get('Idempotency-Key') || undefined,
    });
    ctx.body = { payment_id: cancelled.paymentId, status: 'cancelled', cancelled_at: cancelled.cancelledAt.toISOString() };
  });
}
