import { loadConfig } from '../../infrastructure/config/config';
import { loadEnvFile } from '../../infrastructure/config/load-env-file';
import { UsageError, exitOnUsageError, parseArgs, positiveInt } from './cli-args';
import { explainFailure } from '../explain-failure';
import { startFloorServer } from './floor-server';

const USAGE = 'usage: node scripts/run-entry.cjs interfaces/cli/floor [--port N] [--framework node|koa]';

/**
 * Runs the benchmark's floor server in a process of its own (`npm run bench` starts it), so that
 * it does not share an event loop with the load generator. Prints its URL on the first line.
 */
async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), ['port', 'framework']);
  const framework = args.get('framework') ?? 'node';
  if (framework !== 'node' && framework !== 'koa') throw new UsageError('--framework is node or koa');
  loadEnvFile();
  const floor = await startFloorServer(loadConfig(), args.has('port') ? positiveInt(args, 'port', 0) : 0, framework);
  console.log(floor.url);
  const stop = () => void floor.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  exitOnUsageError(error, 'floor', USAGE);
  console.error(`floor failed: ${explainFailure(error)}`);
  process.exit(1);
});
