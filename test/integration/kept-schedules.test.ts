import { setTimeout as delay } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { expect } from 'chai';
import { keepScheduled } from '../../src/infrastructure/queue/kept-schedules';
import { createQueueConnection } from '../../src/infrastructure/queue/search-sync-queue';
import { testConfig } from '../support/test-config';
import { uniqueName } from '../support/users';

describe('Job schedulers kept in Redis', () => {
  it('are written again when Redis has lost them (it keeps nothing on disk), so scheduled work resumes', async () => {
    const connection = createQueueConnection(testConfig().redisUrl);
    const queue = new Queue(uniqueName('kept'), { connection, prefix: 'test-kept' });
    const failures: unknown[] = [];
    const kept = await keepScheduled(() => queue.upsertJobScheduler('tick', { every: 60_000 }, { name: 'tick' }), (error) => failures.push(error), 100);
    try {
      expect(Boolean(await queue.getJobScheduler('tick')), 'written at once').to.equal(true);
      // As a Redis restarted empty would have it.
      await queue.removeJobScheduler('tick');
      expect(Boolean(await queue.getJobScheduler('tick'))).to.equal(false);
      await delay(400);
      expect(Boolean(await queue.getJobScheduler('tick')), 'written again').to.equal(true);
      expect(failures).to.deep.equal([]);
    } finally {
      kept.stop();
      await queue.obliterate({ force: true });
      await queue.close();
      connection.disconnect();
    }
  });
});
