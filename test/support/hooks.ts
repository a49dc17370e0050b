import 'reflect-metadata';
import { Redis } from 'ioredis';
import { createKnex } from '../../src/infrastructure/knex/create-knex';
import { ensureDatabaseExists, migrateToLatest } from '../../src/infrastructure/knex/database-bootstrap';
import { testConfig } from './test-config';
import { closeSharedServer } from './test-server';

/**
 * Once per run: a fresh test database built by the migrations, and an empty Redis database.
 * Each test then owns its records through unique random fields.
 */
export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(60_000);
    const config = testConfig();
    await ensureDatabaseExists(config.databaseUrl);
    const db = createKnex(config.databaseUrl, 1);
    try {
      await db.raw('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
      await migrateToLatest(db);
    } finally {
      await db.destroy();
    }
    const redis = new Redis(config.redisUrl);
    try {
      await redis.flushdb();
    } finally {
      redis.disconnect();
    }
  },

  async afterAll() {
    await closeSharedServer();
  },
};
