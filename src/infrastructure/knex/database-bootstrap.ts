import { setTimeout } from 'node:timers/promises';
import { readdir } from 'node:fs/promises';
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

interface MigrationFile {
  readonly name: string;
  readonly file: string;
}

/**
 * Migrations are recorded by name without extension, so a database migrated from the
 * TypeScript sources (tests, `npm run migrate`) and one migrated by the compiled service agree.
 */
class ExtensionlessMigrationSource implements Knex.MigrationSource<MigrationFile> {
  private readonly extension = path.extname(__filename);

  async getMigrations(): Promise<MigrationFile[]> {
    const files = await readdir(MIGRATIONS_DIRECTORY);
    return files
      .filter((file) => path.extname(file) === this.extension && !file.endsWith('.d.ts'))
      .sort()
      .map((file) => ({ name: path.basename(file, this.extension), file: path.join(MIGRATIONS_DIRECTORY, file) }));
  }

  getMigrationName(migration: MigrationFile): string {
    return migration.name;
  }

  async getMigration(migration: MigrationFile): Promise<Knex.Migration> {
    // Migrations compile to CommonJS beside the service, so they load the way the service does.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(migration.file) as Knex.Migration;
  }
}

export function migrationConfig(): Knex.MigratorConfig {
  return { migrationSource: new ExtensionlessMigrationSource() };
}

/** An arbitrary, fixed advisory lock key for "migrating this database". */
const MIGRATING_LOCK_KEY = 7_220_815_002;
/** How often a process waiting for another's migrations tries their lock. */
const MIGRATING_RETRY_MS = 200;

/**
 * Applies every pending migration; returns the names applied. Knex's own lock (a row of
 * `knex_migrations_lock`) stays taken when a process dies while migrating, and every later run
 * would then refuse to migrate (a service that never starts again), while a second process
 * migrating at the same moment fails on it rather than waiting. So a session advisory lock is
 * taken first, on a connection of its own, which PostgreSQL releases when that connection ends,
 * however the process ends: a second process waits for it, and whoever holds it is the only one
 * migrating, so a knex lock it finds taken was left by a process that died, and is let go.
 */
export async function migrateToLatest(db: Knex): Promise<string[]> {
  const { connectionString } = db.client.config.connection as { connectionString: string };
  const session = createKnex(connectionString, 1);
  // Held, not returned to the pool, until the migrations end: an idle pooled connection would be
  // closed after a while, and the lock with it.
  const connection: unknown = await session.client.acquireConnection();
  try {
    // Tried again and again rather than waited for in one statement: a statement waiting holds a
    // snapshot, which an index built CONCURRENTLY by the migrating process would wait for in turn.
    const tryLock = () => session.raw<{ rows: { taken: boolean }[] }>('SELECT pg_try_advisory_lock(?) AS taken', [MIGRATING_LOCK_KEY]).connection(connection);
    while (!(await tryLock()).rows[0].taken) await setTimeout(MIGRATING_RETRY_MS);
    await db.migrate.forceFreeMigrationsLock(migrationConfig());
    const [, applied] = (await db.migrate.latest(migrationConfig())) as [number, string[]];
    return applied;
  } finally {
    await session.client.releaseConnection(connection);
    await session.destroy();
  }
}
