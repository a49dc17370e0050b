import knex, { type Knex } from 'knex';
import pg from 'pg';

export const KNEX = Symbol.for('Knex');

// bigint ids and counts fit a JS number for every value this service stores; numeric (money)
// stays a string so that it is never rounded through a float.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

export function createKnex(databaseUrl: string, poolMax: number): Knex {
  return knex({
    client: 'pg',
    connection: databaseUrl,
    pool: { min: 0, max: poolMax },
    acquireConnectionTimeout: 10_000,
  });
}
