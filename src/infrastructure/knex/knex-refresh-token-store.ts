import { createHash } from 'node:crypto';
import { inject, injectable } from 'inversify';
import type { Knex } from 'knex';
import type { RefreshTokenStore, RotationOutcome } from '../../application/ports/refresh-token-store';
import type { IssuedRefreshToken } from '../../application/ports/token-service';
import { KNEX } from './create-knex';
import { purgeExpiredRows } from './purge-expired';

const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/**
 * Rotations and revocations of one session (a token family) take turns, until their transaction
 * ends. Without this, a logout's update, waiting behind a rotation's lock on the old token, would
 * not see the new token the rotation inserted, and the session would live on after the logout.
 */
async function lockFamily(trx: Knex.Transaction, familyId: string): Promise<void> {
  await trx.raw('SELECT pg_advisory_xact_lock(hashtextextended(?, 0))', [`refresh_tokens:${familyId}`]);
}

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
      const family = await trx('refresh_tokens').where({ token_hash: hashToken(presented) }).first('family_id');
      if (!family) return 'unknown';
      await lockFamily(trx, family.family_id);
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
      // A token past its end that was never used is refused, and is no sign of theft.
      const unused = await trx('refresh_tokens').where({ token_hash: hashToken(presented), user_id: userId }).whereNull('revoked_at').first('id');
      if (unused) return 'unknown';
      // Nothing left to revoke: the session ended before (a logout, or an earlier reuse), and a
      // client presenting its last token again is no sign of theft.
      return (await this.revokeFamilyIn(trx, family.family_id, now)) > 0 ? 'reused' : 'ended';
    });
  }

  revokeFamily(familyId: string, now: Date): Promise<number> {
    return this.db.transaction(async (trx) => {
      await lockFamily(trx, familyId);
      return this.revokeFamilyIn(trx, familyId, now);
    });
  }

  private revokeFamilyIn(db: Knex, familyId: string, now: Date): Promise<number> {
    return db('refresh_tokens').where({ family_id: familyId }).whereNull('revoked_at').update({ revoked_at: now });
  }

  purgeExpired(now: Date, limit: number): Promise<number> {
    return purgeExpiredRows(this.db, 'refresh_tokens', ['id'], now, limit);
  }
}
