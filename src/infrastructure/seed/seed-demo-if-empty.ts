import type { Knex } from 'knex';
import { Argon2PasswordHasher } from '../auth/argon2-password-hasher';
import type { Logger } from '../logging/logger';
import { DatabaseSeeder } from './database-seeder';
import { DEMO_SEED, SEED_PASSWORD, seedUserEmail } from './seed-sizes';

/** On an empty catalogue, loads the small demo data set so that a fresh start shows data at once. */
export async function seedDemoIfEmpty(db: Knex, logger: Logger): Promise<void> {
  const hasItems = await db('tests').first('id');
  if (hasItems) return;
  const passwordHash = await new Argon2PasswordHasher().hash(SEED_PASSWORD);
  const seeder = new DatabaseSeeder(db, passwordHash, {
    phase: (name) => ({ advance: () => undefined, finish: () => logger.debug({ phase: name }, 'demo seed phase done') }),
  });
  const summary = await seeder.run(DEMO_SEED, { reset: false });
  logger.info(
    { tests: summary.tests, courses: summary.courses, users: summary.users, login: `${seedUserEmail(1)} / ${SEED_PASSWORD}` },
    'empty catalogue: demo data loaded',
  );
}
