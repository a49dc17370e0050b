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
import { CreateOfferingHandler } from '../../../application/commands/administer-offering/create-offering-handler';
import { ChangeOfferingHandler } from '../../../application/commands/administer-offering/change-offering-handler';
import { CloseOfferingHandler } from '../../../application/commands/administer-offering/close-offering-handler';
import { DeleteOfferingHandler } from '../../../application/commands/administer-offering/delete-offering-handler';
import { AUDIT_TRAIL } from '../../../application/ports/audit-trail';
import { GrantStaffHandler } from '../../../application/commands/grant-staff/grant-staff-handler';
import { ListAuditTrailHandler } from '../../../application/queries/list-audit-trail/list-audit-trail-handler';
import { KnexAuditTrail } from '../../knex/knex-audit-trail';
import { KnexIdempotencyStore } from '../../knex/knex-idempotency-store';
import { KnexPaymentHistory } from '../../knex/knex-payment-history';
import { KnexUnitOfWork } from '../../knex/knex-unit-of-work';
import { simulatedPaymentMethods } from '../../payments/simulated-payment-methods';
import { StrategyPaymentGateway } from '../../payments/strategy-payment-gateway';

/** Registering, paying, completing and cancelling, the payment history, and catalogue administration. */
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

  bind(AUDIT_TRAIL).to(KnexAuditTrail);
  bind(CreateOfferingHandler).toSelf();
  bind(ChangeOfferingHandler).toSelf();
  bind(CloseOfferingHandler).toSelf();
  bind(DeleteOfferingHandler).toSelf();
  bind(ListAuditTrailHandler).toSelf();
  bind(GrantStaffHandler).toSelf();
});
