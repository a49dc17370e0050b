import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, type MeilisearchKeysConfig, loadMeilisearchKeysConfig } from '../../infrastructure/config/config';
import { loadEnvFile } from '../../infrastructure/config/load-env-file';
import { createMeilisearchClient } from '../../infrastructure/search/meilisearch/create-meilisearch-client';
import { ensureScopedKeys } from '../../infrastructure/search/meilisearch/meilisearch-keys';
import { exitOnUsageError, parseArgs } from './cli-args';
import { explainFailure } from '../explain-failure';

const USAGE = `usage: MEILI_MASTER_KEY=… npm run meili-keys -- [--out DIR]

Makes (or finds) the two Meilisearch keys of the service from the master key: a search-only key for
the API and a key for the worker and reindex, both limited to the catalogue indexes. Prints them,
or with --out writes DIR/api/api.key and DIR/worker/worker.key for MEILISEARCH_API_KEY_FILE, each
in a directory of its own, so that each can be a volume given to its service only.`;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), ['out', 'help']);
  if (args.has('help')) return void console.log(USAGE);
  loadEnvFile();
  const config = readConfig();
  const keys = await ensureScopedKeys(createMeilisearchClient(config.url, config.masterKey), config.indexPrefix);
  const out = args.get('out');
  if (!out) {
    console.log(`MEILISEARCH_API_KEY=${keys.search}   # the API\nMEILISEARCH_API_KEY=${keys.write}   # the worker and npm run reindex`);
    return;
  }
  const written = [writeKey(out, 'api', keys.search), writeKey(out, 'worker', keys.write)];
  console.log(`wrote ${written.join(' and ')}`);
}

/** Writes DIR/NAME/NAME.key, readable by the service that mounts DIR/NAME (it runs as another user). */
function writeKey(out: string, name: string, key: string): string {
  const file = path.join(out, name, `${name}.key`);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, key, { mode: 0o644 });
  return file;
}

function readConfig(): MeilisearchKeysConfig {
  try {
    return loadMeilisearchKeysConfig();
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(`${error.message}\n${USAGE}`);
    throw error;
  }
}

main().catch((error: unknown) => {
  exitOnUsageError(error, 'meili-keys', USAGE);
  console.error(`meili-keys failed: ${explainFailure(error)}`);
  process.exit(1);
});
