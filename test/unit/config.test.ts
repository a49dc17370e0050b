import { expect } from 'chai';
import { ConfigError, DEVELOPMENT_JWT_SECRET, loadConfig } from '../../src/infrastructure/config/config';

describe('configuration', () => {
  const base = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x', JWT_SECRET: DEVELOPMENT_JWT_SECRET };

  it('reads durations such as 15m and 7d into seconds', () => {
    const config = loadConfig({ ...base, ACCESS_TOKEN_TTL: '15m', REFRESH_TOKEN_TTL: '7d' });
    expect(config.jwt.accessTtlSeconds).to.equal(900);
    expect(config.jwt.refreshTtlSeconds).to.equal(604_800);
  });

  it('defaults to the Postgres search engine', () => {
    expect(loadConfig(base).searchEngine).to.equal('postgres');
  });

  it('refuses to start in production with the development JWT secret', () => {
    expect(() => loadConfig({ ...base, NODE_ENV: 'production' })).to.throw(ConfigError, /JWT_SECRET/);
    expect(() => loadConfig({ ...base, NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) })).not.to.throw();
  });

  it('refuses malformed values with a message naming them', () => {
    expect(() => loadConfig({ ...base, PORT: 'eighty' })).to.throw(ConfigError, /PORT/);
    expect(() => loadConfig({ ...base, ACCESS_TOKEN_TTL: 'soon' })).to.throw(ConfigError, /ACCESS_TOKEN_TTL/);
    expect(() => loadConfig({ ...base, SEARCH_ENGINE: 'meilisearch' })).to.throw(ConfigError, /MEILISEARCH_URL/);
  });
});
