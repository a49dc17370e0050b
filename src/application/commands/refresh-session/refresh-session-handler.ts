import { inject, injectable } from 'inversify';
import { InvalidToken } from '../../../domain/errors';
import { EVENT_RECORDER, type EventRecorder } from '../../ports/event-recorder';
import { CLOCK, type Clock } from '../../ports/clock';
import { REFRESH_TOKEN_STORE, type RefreshTokenStore } from '../../ports/refresh-token-store';
import { TOKEN_SERVICE, type TokenService } from '../../ports/token-service';
import { USER_REPOSITORY, type UserRepository } from '../../ports/user-repository';

export interface RefreshSessionCommand {
  readonly refresh: string;
}

export interface RefreshedTokens {
  readonly access: string;
  readonly refresh: string;
}

/** Rotates a refresh token; presenting an already rotated one revokes its whole family. */
@injectable()
export class RefreshSessionHandler {
  constructor(
    @inject(TOKEN_SERVICE) private readonly tokens: TokenService,
    @inject(REFRESH_TOKEN_STORE) private readonly refreshTokens: RefreshTokenStore,
    @inject(USER_REPOSITORY) private readonly users: UserRepository,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(EVENT_RECORDER) private readonly events: EventRecorder,
  ) {}

  async execute(command: RefreshSessionCommand): Promise<RefreshedTokens> {
    const claims = this.tokens.verifyRefreshToken(command.refresh);
    const user = await this.users.findById(claims.userId);
    if (!user || !user.isActive) throw new InvalidToken();

    const replacement = this.tokens.issueRefreshToken(user.id, claims.family);
    const outcome = await this.refreshTokens.rotate(command.refresh, user.id, replacement, this.clock.now());
    if (outcome === 'reused') {
      this.events.record({ name: 'auth.refresh_reuse_detected', userId: user.id, familyId: claims.family.id });
      this.events.record({ name: 'auth.family_revoked', userId: user.id, familyId: claims.family.id, reason: 'refresh_reuse' });
      throw new InvalidToken('This refresh token was already used; the session has been revoked.');
    }
    if (outcome === 'ended') throw new InvalidToken('This session has ended; log in again.');
    if (outcome !== 'rotated') throw new InvalidToken();

    return { access: this.tokens.issueAccessToken(user.id), refresh: replacement.token };
  }
}
