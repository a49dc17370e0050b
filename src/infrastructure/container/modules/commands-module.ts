import { ContainerModule } from 'inversify';
import { CancelPaymentHandler } from '../../../application/commands/cancel-payment/cancel-payment-handler';
import { CompleteRegistrationHandler } from '../../../application/commands/complete-registration/complete-registration-handler';
import { RegisterForOfferingHandler } from '../../../application/commands/register-for-offering/register-for-offering-handler';
import { IDEMPOTENCY_STORE } from '../../../application/ports/idempotency-store';
import { PAYMENT_GATEWAY, PAYMENT_METHOD_STRATEGIES } from '../../../application/ports/payment-gateway';
import { PAYMENT_HISTORY } from '../../../application/ports/payment-history';
import { UNIT_OF_WORK } from '../../../application/ports/unit-of-work';
import { PaymentSettlement } from '../../../application/payments/payment-settlement';
import { ReconcilePaymentsHandler } from '../../../application/commands/reconcile-payments/reconcile-payments-handler';
import { PurgeExpiredRecordsHandler } from '../../../application/commands/purge-expired-records/purge-expired-records-handler';
import { GetMyPaymentHandler } from '../../../application/queries/get-my-payment/get-my-payment-handler';
import { ListMyPaymentsHandler } from '../../../application/queries/list-my-payments/list-my-payments-handler';
import { KnexIdempotencyStore } from '../../knex/knex-idempotency-store';
import { KnexPaymentHistory } from '../../knex/knex-payment-history';
import { KnexUnitOfWork } from '../../knex/knex-unit-of-work';
import { simulatedPaymentMethods } from '../../payments/simulated-payment-methods';
import { StrategyPaymentGateway } from '../../payments/strategy-payment-gateway';

/** Registering, paying, completing and cancelling, and the payment history. */
export const commandsModule = new ContainerModule(({ bind }) => {
  bind(UNIT_OF_WORK).to(KnexUnitOfWork);
  bind(PAYMENT_METHOD_STRATEGIES).toConstantValue(simulatedPaymentMethods());
  bind(PAYMENT_GATEWAY).to(StrategyPaymentGateway);
  bind(IDEMPOTENCY_STORE).to(KnexIdempotencyStore);
  bind(PAYMENT_HISTORY).to(KnexPaymentHistory);

  bind(RegisterForOfferingHandler).toSelf();
  bind(CompleteRegistrationHandler).toSelf();
  bind(CancelPaymentHandler).toSelf();
  bind(ListMyPaymentsHandler).toSelf();
  bind(GetMyPaymentHandler).toSelf();
  bind(PurgeExpiredRecordsHandler).toSelf();
  bind(PaymentSettlement).toSelf();
  bind(ReconcilePaymentsHandler).toSelf();
});
