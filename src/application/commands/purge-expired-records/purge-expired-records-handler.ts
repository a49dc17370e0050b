import { inject, injectable } from 'inversify';
import { CLOCK, type Clock } from '../../ports/clock';
import { IDEMPOTENCY_STORE, type IdempotencyStore } from '../../ports/idempotency-store';
import { REFRESH_TOKEN_STORE, type RefreshTokenStore } from '../../ports/refresh-token-store';

/** Rows one statement deletes: short transactions, however much has piled up. */
const BATCH = 5_000;
/** Batches one run deletes at most; the next run goes on where it stopped. */
const MAX_BATCHES = 200;

export interface PurgeResult {
  readonly idempotencyRecords: number;
  readonly refreshTokens: number;
}

/** Deletes what has expired and can serve no one: idempotency records and refresh tokens. */
@injectable()
export class PurgeExpiredRecordsHandler {
  constructor(
    @inject(IDEMPOTENCY_STORE) private readonly idempotency: IdempotencyStore,
    @inject(REFRESH_TOKEN_STORE) private readonly refreshTokens: RefreshTokenStore,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(): Promise<PurgeResult> {
    const now = this.clock.now();
    return {
      idempotencyRecords: await inBatches((limit) => this.idempotency.purgeExpired(now, limit)),
      refreshTokens: await inBatches((limit) => this.refreshTokens.purgeExpired(now, limit)),
    };
  }
}

async function inBatches(purge: (limit: number) => Promise<number>): Promise<number> {
  let total = 0;
  for (let batch = 0; batch < MAX_BATCHES; batch += 1) {
    const deleted = await purge(BATCH);
    total += deleted;
    if (deleted < BATCH) break;
  }
  return total;
}
