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
or with --out writes DIR/api.key and DIR/worker.key for MEILISEARCH_API_KEY_FILE.`;

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
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'api.key'), keys.search, { mode: 0o644 });
  writeFileSync(path.join(out, 'worker.key'), keys.write, { mode: 0o644 });
  console.log(`wrote ${path.join(out, 'api.key')} and ${path.join(out, 'worker.key')}`);
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
