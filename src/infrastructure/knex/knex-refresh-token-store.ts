import { createHash } from 'node:crypto';
import { inject, injectable } from 'inversify';
import type { Knex } from 'knex';
import type { RefreshTokenStore, RotationOutcome } from '../../application/ports/refresh-token-store';
import type { IssuedRefreshToken } from '../../application/ports/token-service';
import { KNEX } from './create-knex';
import { purgeExpiredRows } from './purge-expired';

const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

@injectable()
export class KnexRefreshTokenStore implements RefreshTokenStore {
  constructor(@inject(KNEX) private readonly db: Knex) {}

  async save(userId: number, token: IssuedRefreshToken, db: Knex = this.db): Promise<void> {
    await db('refresh_tokens').insert({
      user_id: userId,
      family_id: token.familyId,
      token_hash: hashToken(token.token),
      expires_at: token.expiresAt,
    });
  }

  async rotate(presented: string, userId: number, replacement: IssuedRefreshToken, now: Date): Promise<RotationOutcome> {
    return this.db.transaction(async (trx) => {
      // The conditional update is the race guard: of two concurrent rotations of one token,
      // exactly one sees the row still live; the other is treated as reuse.
      const retired = await trx('refresh_tokens')
        .where({ token_hash: hashToken(presented), user_id: userId })
        .whereNull('revoked_at')
        .where('expires_at', '>', now)
        .update({ revoked_at: now })
        .returning(['family_id']);
      if (retired.length === 1) {
        await this.save(userId, replacement, trx);
        return 'rotated';
      }
      const known = await trx('refresh_tokens').where({ token_hash: hashToken(presented) }).first('family_id');
      if (!known) return 'unknown';
      await this.revokeFamilyIn(trx, known.family_id, now);
      return 'reused';
    });
  }

  revokeFamily(familyId: string, now: Date): Promise<number> {
    return this.revokeFamilyIn(this.db, familyId, now);
  }

  private revokeFamilyIn(db: Knex, familyId: string, now: Date): Promise<number> {
    return db('refresh_tokens').where({ family_id: familyId }).whereNull('revoked_at').update({ revoked_at: now });
  }

  purgeExpired(now: Date, limit: number): Promise<number> {
    return purgeExpiredRows(this.db, 'refresh_tokens', ['id'], now, limit);
  }
}
