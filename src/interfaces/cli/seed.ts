import 'reflect-metadata';
import { loadConfig } from '../../infrastructure/config/config';
import { loadEnvFile } from '../../infrastructure/config/load-env-file';
import { Argon2PasswordHasher } from '../../infrastructure/auth/argon2-password-hasher';
import { createKnex } from '../../infrastructure/knex/create-knex';
import { prepareDatabase } from '../../infrastructure/knex/prepare-database';
import { createLogger } from '../../infrastructure/logging/logger';
import { DatabaseSeeder, type SeedReporter } from '../../infrastructure/seed/database-seeder';
import { FULL_SEED, SEED_PASSWORD, seedSizes, seedUserEmail } from '../../infrastructure/seed/seed-sizes';
import { type Progress, progress } from './progress';
import { UsageError, exitOnUsageError, parseArgs, positiveInt } from './cli-args';
import { explainFailure } from '../explain-failure';

const USAGE = `usage: npm run seed -- [--tests 1000000] [--courses 1000000] [--users 1000] [--reset] [--force]

--force is needed with NODE_ENV=production: the seeded users share a documented password.`;

/** The seeder's phases as progress steps. */
function seedReporter(steps: Progress): SeedReporter {
  return { phase: (name, total) => steps.step(name, total) };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), ['tests', 'courses', 'users', 'reset', 'force', 'help'], ['reset', 'force', 'help']);
  if (args.has('help')) return void console.log(USAGE);
  const sizes = seedSizes(
    positiveInt(args, 'tests', FULL_SEED.tests),
    positiveInt(args, 'courses', FULL_SEED.courses),
    positiveInt(args, 'users', FULL_SEED.users),
  );

  loadEnvFile();
  const config = loadConfig();
  if (config.nodeEnv === 'production' && !args.has('force')) {
    throw new UsageError(`refusing to seed a production database: its ${sizes.users} users would share the documented password "${SEED_PASSWORD}"; pass --force to seed anyway`);
  }
  await prepareDatabase(config, createLogger('warn'));
  const db = createKnex(config.databaseUrl, 4);
  const started = Date.now();
  const steps = progress();
  const reporter = seedReporter(steps);
  const stop = (): void => steps.stop();
  try {
    const passwordHash = await new Argon2PasswordHasher().hash(SEED_PASSWORD);
    const summary = await new DatabaseSeeder(db, passwordHash, reporter).run(sizes, { reset: args.has('reset') });
    stop();
    console.log('\nSeeded:');
    console.table({ users: summary.users, tests: summary.tests, courses: summary.courses, 'registrations with payments': summary.payments });
    console.table(Object.fromEntries(summary.timings.map((t) => [t.phase, { seconds: Number(t.seconds.toFixed(1)) }])));
    console.log(`Total ${((Date.now() - started) / 1000).toFixed(1)} s. Log in as ${seedUserEmail(1)} … ${seedUserEmail(sizes.users)} with the password "${SEED_PASSWORD}".`);
  } finally {
    stop();
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  exitOnUsageError(error, 'seed', USAGE);
  console.error(`seed failed: ${explainFailure(error)}`);
  process.exit(1);
});
