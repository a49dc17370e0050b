import { inject, injectable } from 'inversify';
import { InvalidToken } from '../../../domain/errors';
import { EVENT_RECORDER, type EventRecorder } from '../../ports/event-recorder';
import { CLOCK, type Clock } from '../../ports/clock';
import { REFRESH_TOKEN_STORE, type RefreshTokenStore } from '../../ports/refresh-token-store';
import { TOKEN_SERVICE, type TokenService } from '../../ports/token-service';

export interface LogOutCommand {
  readonly userId: number;
  readonly refresh: string;
}

/** Ends the session the refresh token belongs to: every token of its family is revoked. */
@injectable()
export class LogOutHandler {
  constructor(
    @inject(TOKEN_SERVICE) private readonly tokens: TokenService,
    @inject(REFRESH_TOKEN_STORE) private readonly refreshTokens: RefreshTokenStore,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(EVENT_RECORDER) private readonly events: EventRecorder,
  ) {}

  async execute(command: LogOutCommand): Promise<void> {
    const claims = this.tokens.verifyRefreshToken(command.refresh);
    if (claims.userId !== command.userId) throw new InvalidToken('The refresh token belongs to another session.');
    const revoked = await this.refreshTokens.revokeFamily(claims.family.id, this.clock.now());
    if (revoked > 0) this.events.record({ name: 'auth.family_revoked', userId: command.userId, familyId: claims.family.id, reason: 'logout' });
  }
}
