import { inject, injectable } from 'inversify';
import { PageNotFound } from '../../../domain/errors';
import { PAYMENT_HISTORY, type PaymentHistory, type PaymentHistoryFilter, type PaymentHistoryPage } from '../../ports/payment-history';

export interface ListMyPaymentsQuery {
  readonly userId: number;
  readonly filter: PaymentHistoryFilter;
  readonly page: number;
  readonly pageSize: number;
}

export interface MyPaymentsPage extends PaymentHistoryPage {
  readonly hasNext: boolean;
}

@injectable()
export class ListMyPaymentsHandler {
  constructor(@inject(PAYMENT_HISTORY) private readonly history: PaymentHistory) {}

  async execute({ userId, filter, page, pageSize }: ListMyPaymentsQuery): Promise<MyPaymentsPage> {
    const result = await this.history.list(userId, filter, (page - 1) * pageSize, pageSize);
    if (page > 1 && result.entries.length === 0) throw new PageNotFound();
    return { ...result, hasNext: page * pageSize < result.count };
  }
}
