/**
 * Access tokens this process has verified, by their text, with their claims: a client sends the
 * same token with every request until it expires, and the same text always verifies the same
 * way, so its signature and claims are checked once and only its expiry on every request after.
 * Bounded: past `capacity` tokens, the one remembered longest ago is forgotten.
 */
export class VerifiedTokens<Claims extends { readonly exp: number }> {
  private readonly claims = new Map<string, Claims>();

  constructor(private readonly capacity: number) {}

  /** The token's claims while it has not expired (as jsonwebtoken counts expiry: whole seconds); undefined otherwise. */
  get(token: string, now = Date.now()): Claims | undefined {
    const claims = this.claims.get(token);
    if (claims === undefined) return undefined;
    if (Math.floor(now / 1000) < claims.exp) return claims;
    this.claims.delete(token);
    return undefined;
  }

  remember(token: string, claims: Claims): void {
    if (this.capacity <= 0) return;
    if (!this.claims.has(token) && this.claims.size >= this.capacity) this.claims.delete(this.claims.keys().next().value as string);
    this.claims.set(token, claims);
  }
}
