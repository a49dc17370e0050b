import path from 'node:path';
import type { Knex } from 'knex';
import { createKnex } from './create-knex';

/** Creates the database named in `databaseUrl` when it does not exist yet. */
export async function ensureDatabaseExists(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`Unsupported database name: ${name}`);
  url.pathname = '/postgres';
  const admin = createKnex(url.toString(), 1);
  try {
    const { rows } = await admin.raw('SELECT 1 FROM pg_database WHERE datname = ?', [name]);
    if (rows.length === 0) {
      try {
        await admin.raw(`CREATE DATABASE "${name}"`);
      } catch (error) {
        // Another process created it first.
        if ((error as { code?: string }).code !== '42P04') throw error;
      }
    }
  } finally {
    await admin.destroy();
  }
}

const MIGRATIONS_DIRECTORY = path.resolve(__dirname, '../../../migrations');

export function migrationConfig(): Knex.MigratorConfig {
  const extension = path.extname(__filename);
  return { directory: MIGRATIONS_DIRECTORY, loadExtensions: [extension], extension: extension.slice(1) };
}

/** Applies every pending migration; returns the names applied. */
export async function migrateToLatest(db: Knex): Promise<string[]> {
  const [, applied] = (await db.migrate.latest(migrationConfig())) as [number, string[]];
  return applied;
}
