import 'reflect-metadata';
import type { Knex } from 'knex';
import { ALL_OFFERING_KINDS } from '../../domain/offering-kind';
import { PurgeExpiredRecordsHandler } from '../../application/commands/purge-expired-records/purge-expired-records-handler';
import { loadConfig } from '../../infrastructure/config/config';
import { loadEnvFile } from '../../infrastructure/config/load-env-file';
import { createContainer } from '../../infrastructure/container/create-container';
import { KNEX } from '../../infrastructure/knex/create-knex';
import { OFFERING_TABLES } from '../../infrastructure/knex/offering-tables';
import { createLogger } from '../../infrastructure/logging/logger';
import { OpenWindowIndexes } from '../../infrastructure/search/postgres/open-window-indexes';
import { PostingLists } from '../../infrastructure/search/postgres/posting-lists';
import { explainFailure } from '../explain-failure';
import { exitOnUsageError, parseArgs } from './cli-args';

const USAGE =
  'usage: npm run housekeeping\nDeletes expired idempotency records and refresh tokens, gives the search words now between rare and common their postings, and builds the copies of the sort indexes for the items open around now where they are due, once (the worker does all three on a schedule).';

/**
 * Runs the worker's housekeeping once, by hand: deletes expired idempotency records and refresh
 * tokens, lists the search words for postings (see `PostingLists`), and keeps the window indexes
 * (see `OpenWindowIndexes`).
 */
async function main(): Promise<void> {
  if (parseArgs(process.argv.slice(2), ['help']).has('help')) return void console.log(USAGE);
  loadEnvFile();
  const app = createContainer(loadConfig(), { logger: createLogger('warn') });
  try {
    const purged = await app.container.get(PurgeExpiredRecordsHandler).execute();
    console.log(`purged ${purged.idempotencyRecords} expired idempotency records and ${purged.refreshTokens} expired refresh tokens`);
    const postingLists = new PostingLists(app.container.get<Knex>(KNEX));
    for (const kind of ALL_OFFERING_KINDS) {
      const listed = await postingLists.listWords(kind);
      console.log(`${OFFERING_TABLES[kind].items}: ${listed.words} search words listed for postings (${listed.postings} postings)`);
    }
    const openWindowIndexes = new OpenWindowIndexes(app.container.get<Knex>(KNEX));
    for (const kind of ALL_OFFERING_KINDS) {
      const kept = await openWindowIndexes.keep(kind);
      console.log(`${OFFERING_TABLES[kind].items}: window indexes built: ${kept.built.join(', ') || 'none'}; dropped: ${kept.dropped.join(', ') || 'none'}`);
    }
  } finally {
    await app.dispose();
  }
}

main().catch((error: unknown) => {
  exitOnUsageError(error, 'housekeeping', USAGE);
  console.error(`housekeeping failed: ${explainFailure(error)}`);
  process.exit(1);
});
