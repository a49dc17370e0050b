import { expect } from 'chai';
import { VerifiedTokens } from '../../src/interfaces/http/middleware/verified-tokens';

describe('Verified access tokens', () => {
  const at = (seconds: number) => seconds * 1000;

  it('gives a token\'s claims until the second of its expiry, as jsonwebtoken counts it, and forgets it then', () => {
    const tokens = new VerifiedTokens<{ exp: number; sub: string }>(10);
    tokens.remember('a', { exp: 100, sub: '1' });
    expect(tokens.get('a', at(99.999))).to.deep.equal({ exp: 100, sub: '1' });
    expect(tokens.get('a', at(100))).to.equal(undefined);
    expect(tokens.get('a', at(99)), 'forgotten once expired').to.equal(undefined);
  });

  it('knows only the exact text it verified', () => {
    const tokens = new VerifiedTokens<{ exp: number }>(10);
    tokens.remember('header.payload.signature', { exp: 100 });
    for (const other of ['header.payload.signaturE', 'header.payload.signature ', 'header.payload.', '']) expect(tokens.get(other, at(1)), other).to.equal(undefined);
  });

  it('remembers at most its capacity, forgetting the token remembered longest ago', () => {
    const tokens = new VerifiedTokens<{ exp: number }>(2);
    tokens.remember('a', { exp: 100 });
    tokens.remember('b', { exp: 100 });
    tokens.remember('a', { exp: 100 });
    tokens.remember('c', { exp: 100 });
    expect(['a', 'b', 'c'].map((token) => tokens.get(token, at(1)) !== undefined)).to.deep.equal([false, true, true]);
  });

  it('remembers nothing with no capacity', () => {
    const tokens = new VerifiedTokens<{ exp: number }>(0);
    tokens.remember('a', { exp: 100 });
    expect(tokens.get('a', at(1))).to.equal(undefined);
  });
});
