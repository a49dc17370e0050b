import 'reflect-metadata';
import { ReconcilePaymentsHandler } from '../../application/commands/reconcile-payments/reconcile-payments-handler';
import { LockBusy } from '../../domain/errors';
import { loadConfig } from '../../infrastructure/config/config';
import { loadEnvFile } from '../../infrastructure/config/load-env-file';
import { createContainer } from '../../infrastructure/container/create-container';
import { createLogger } from '../../infrastructure/logging/logger';
import { explainFailure } from '../explain-failure';
import { exitOnUsageError, parseArgs } from './cli-args';

const USAGE = 'usage: npm run reconcile\nSettles, once, the payments left unsettled for longer than RECONCILE_AFTER (the worker does it on a schedule).';

/**
 * Runs the worker's payment reconciliation once, by hand: payments unsettled for longer than
 * RECONCILE_AFTER are settled with the gateway. Prints one line per decision.
 */
async function main(): Promise<void> {
  if (parseArgs(process.argv.slice(2), ['help']).has('help')) return void console.log(USAGE);
  loadEnvFile();
  const app = createContainer(loadConfig(), { logger: createLogger('warn') });
  try {
    const entries = await app.container.get(ReconcilePaymentsHandler).execute();
    for (const entry of entries) console.log(`payment ${entry.paymentId}: ${entry.decision}${entry.reason ? ` (${entry.reason})` : ''}`);
    // A payment deferred for any reason but another process settling it (a dependency out of
    // reach, a statement that failed) is left as it was: the run failed.
    const unreachable = entries.filter((entry) => entry.decision === 'deferred' && entry.reason !== new LockBusy().code).length;
    if (unreachable > 0) {
      console.error(`reconcile failed: ${unreachable} of ${entries.length} unsettled payments left unsettled, a dependency being out of reach or failing (PostgreSQL, Redis or the payment gateway; see each payment's reason above); run it again once it is back`);
      process.exitCode = 1;
      return;
    }
    console.log(`${entries.length} unsettled payments reconciled`);
  } finally {
    await app.dispose();
  }
}

main().catch((error: unknown) => {
  exitOnUsageError(error, 'reconcile', USAGE);
  console.error(`reconcile failed: ${explainFailure(error)}`);
  process.exit(1);
});
