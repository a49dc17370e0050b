import { inject, injectable } from 'inversify';
import { NotFound } from '../../../domain/errors';
import { PAYMENT_HISTORY, type PaymentHistory, type PaymentHistoryEntry } from '../../ports/payment-history';

export interface GetMyPaymentQuery {
  readonly userId: number;
  readonly paymentId: number;
}

/** One of the caller's payments; someone else's is answered like an unknown one. */
@injectable()
export class GetMyPaymentHandler {
  constructor(@inject(PAYMENT_HISTORY) private readonly history: PaymentHistory) {}

  async execute({ userId, paymentId }: GetMyPaymentQuery): Promise<PaymentHistoryEntry> {
    const entry = await this.history.get(userId, paymentId);
    if (!entry) throw new NotFound();
    return entry;
  }
}
