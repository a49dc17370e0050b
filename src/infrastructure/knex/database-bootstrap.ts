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

/** Applies every pending migration; returns the names applied. */
export async function migrateToLatest(db: Knex): Promise<string[]> {
  const [, applied] = (await db.migrate.latest(migrationConfig())) as [number, string[]];
  return applied;
}
