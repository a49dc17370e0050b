import 'reflect-metadata';
import { RebuildSearchIndexHandler } from '../../application/commands/rebuild-search-index/rebuild-search-index-handler';
import { ALL_OFFERING_KINDS, type OfferingKind } from '../../domain/offering-kind';
import { loadConfig } from '../../infrastructure/config/config';
import { loadEnvFile } from '../../infrastructure/config/load-env-file';
import { createContainer } from '../../infrastructure/container/create-container';
import { createLogger } from '../../infrastructure/logging/logger';
import { progress } from './progress';
import { UsageError, exitOnUsageError, parseArgs, positiveInt } from './cli-args';
import { explainFailure } from '../explain-failure';

const USAGE = `usage: npm run reindex -- [--kind test|course|all] [--batch-size 10000] [--in-flight 4]`;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), ['kind', 'batch-size', 'in-flight', 'help']);
  if (args.has('help')) return void console.log(USAGE);
  const kindArg = args.get('kind') ?? 'all';
  if (kindArg !== 'all' && !ALL_OFFERING_KINDS.includes(kindArg as OfferingKind)) throw new UsageError('--kind must be test, course or all');
  const kinds = kindArg === 'all' ? ALL_OFFERING_KINDS : [kindArg as OfferingKind];
  const batchSize = positiveInt(args, 'batch-size', 10_000);
  const maxInFlight = positiveInt(args, 'in-flight', 4);

  loadEnvFile();
  const config = loadConfig();
  if (config.searchEngine !== 'meilisearch') {
    throw new Error('reindex needs SEARCH_ENGINE=meilisearch and MEILISEARCH_URL (with postgres, search needs no index)');
  }
  const app = createContainer(config, { logger: createLogger('warn') });
  try {
    const handler = app.container.get(RebuildSearchIndexHandler);
    for (const kind of kinds) {
      const steps = progress();
      const bar = steps.step(`${kind} documents`, 1);
      const summary = await handler.execute({
        kind,
        batchSize,
        maxInFlight,
        onProgress: ({ loaded, total }) => {
          bar.setTotal(Math.max(total, loaded));
          bar.update(loaded);
        },
      });
      bar.finish();
      steps.stop();
      console.log(
        `${summary.index}: ${summary.documents} documents, ${summary.replayed} changes replayed, swapped in after ${(summary.milliseconds / 1000).toFixed(1)} s`,
      );
    }
  } finally {
    await app.dispose();
  }
}

main().catch((error: unknown) => {
  exitOnUsageError(error, 'reindex', USAGE);
  console.error(`reindex failed: ${explainFailure(error)}`);
  process.exit(1);
});
