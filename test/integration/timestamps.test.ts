import { expect } from 'chai';
import { createKnex } from '../../src/infrastructure/knex/create-knex';
import { testConfig } from '../support/test-config';

describe('Timestamps read back from PostgreSQL', () => {
  it('are the instants stored, whatever the session’s time zone and the fraction of the second', async () => {
    const db = createKnex(testConfig().databaseUrl, 1);
    try {
      const instants = ['2026-12-05T01:23:42.123Z', '2026-03-29T01:00:00.000Z', '1970-01-01T00:00:00.007Z', '0101-06-15T12:00:00.5Z', '9999-12-31T23:59:59.999Z'];
      for (const zone of ['UTC', 'Asia/Seoul', 'Asia/Kathmandu', 'America/St_Johns', 'Europe/Amsterdam', 'Pacific/Kiritimati']) {
        const rows: Array<{ at: Date; micro: Date; lmt: Date }> = await db.transaction(async (trx) => {
          await trx.raw(`SET LOCAL TIME ZONE '${zone}'`);
          return (
            await trx.raw(
              `SELECT t::timestamptz AS at, t::timestamptz + interval '0.000999 second' AS micro, '1890-01-01 00:00:00+00'::timestamptz AS lmt FROM unnest(?::text[]) AS t`,
              [instants],
            )
          ).rows;
        });
        expect(rows.map((row) => row.at.toISOString()), zone).to.deep.equal(instants.map((text) => new Date(text).toISOString()));
        expect(rows.map((row) => row.micro.getTime() - row.at.getTime()), zone).to.deep.equal(instants.map(() => 0));
        expect(rows[0].lmt.toISOString(), zone).to.equal('1890-01-01T00:00:00.000Z');
      }
    } finally {
      await db.destroy();
    }
  });
});
