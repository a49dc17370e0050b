import { Writable } from 'node:stream';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import pino from 'pino';
import { UNIT_OF_WORK, type UnitOfWork } from '../../src/application/ports/unit-of-work';
import { LockLost } from '../../src/domain/errors';
import { REDIS } from '../../src/infrastructure/redis/create-redis';
import { RedlockLock } from '../../src/infrastructure/redis/redlock-lock';
import { createOffering, kindPaths } from '../support/offerings';
import { testConfig } from '../support/test-config';
import { startTestServer } from '../support/test-server';
import { createUser, uniqueName } from '../support/users';

/** A pino logger whose lines are kept, to check what was reported. */
function recordingLogger(): { logger: pino.Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: pino({ level: 'warn' }, sink), lines };
}

describe('The Redis lock (redlock)', () => {
  let redis: Redis;
  before(async () => {
    redis = new Redis(testConfig().redisUrl);
    await redis.ping();
  });
  after(() => redis.quit());

  it('answers with the work’s result when the lock can no longer be released, and reports it', async () => {
    const { logger, lines } = recordingLogger();
    const lock = new RedlockLock(redis, { waitMs: 500, leaseMs: 5_000 }, logger);
    const resource = uniqueName('released');
    const result = await lock.withLock(resource, async () => {
      await redis.del(`lock:${resource}`); // the lease ran out, or Redis lost the key
      return 42;
    });
    expect(result).to.equal(42);
    expect(lines.some((line) => line.msg === 'lock could not be released after the work finished')).to.equal(true);
  });

  it('tells the work it no longer holds the lock once the lease could not be extended', async () => {
    const { logger } = recordingLogger();
    const leaseMs = 1_000;
    const lock = new RedlockLock(redis, { waitMs: 500, leaseMs }, logger);
    const resource = uniqueName('lost');
    const started = Date.now();
    let failure: unknown;
    await lock.withLock(resource, async (lease) => {
      lease.assertHeld();
      await redis.del(`lock:${resource}`);
      // The extension halfway through the lease fails: the lease says so at once, well before
      // it would have run out by itself (which it also reports).
      while (!failure && Date.now() < started + leaseMs * 0.9) {
        try {
          lease.assertHeld();
          await new Promise((resolve) => setTimeout(resolve, 10));
        } catch (error) {
          failure = error;
        }
      }
    });
    expect(failure).to.be.instanceOf(LockLost);
  });
});

describe('A registration whose lock is lost after it committed', () => {
  it('answers 201 with the receipt, and replays it for the same Idempotency-Key, never a 500', async () => {
    let lostLocks = 0;
    const server = await startTestServer({}, {
      configure: (container) => {
        const real = container.get<UnitOfWork>(UNIT_OF_WORK);
        const redis = container.get<Redis>(REDIS);
        // After the transaction commits, every lock disappears, as if its lease had run out.
        // (KEYS patterns are not prefixed by the client; its DEL is.)
        const prefix = redis.options.keyPrefix ?? '';
        const losingLocks: UnitOfWork = {
          run: async (work) => {
            const result = await real.run(work);
            const keys = (await redis.keys(`${prefix}lock:*`)).map((key) => key.slice(prefix.length));
            if (keys.length > 0) await redis.del(...keys);
            lostLocks += keys.length;
            return result;
          },
        };
        container.unbind(UNIT_OF_WORK);
        container.bind(UNIT_OF_WORK).toConstantValue(losingLocks);
      },
    });
    try {
      const user = await createUser(server.api);
      const id = await createOffering(server.db, 'test');
      const headers = { 'idempotency-key': uniqueName('key') };
      const first = await server.api.post(kindPaths('test').register(id), { amount: '45000.00', payment_method: 'card' }, { token: user.access, headers });
      expect(first.status).to.equal(201);
      expect(lostLocks, 'the lock was gone before its release').to.be.greaterThan(0);
      const replay = await server.api.post(kindPaths('test').register(id), { amount: '45000.00', payment_method: 'card' }, { token: user.access, headers });
      expect(replay.status).to.equal(201);
      expect(replay.headers.get('idempotent-replayed')).to.equal('true');
      expect(replay.body).to.deep.equal(first.body);
      const [{ n }] = await server.db('payments').where({ user_id: user.id }).count({ n: '*' });
      expect(Number(n)).to.equal(1);
    } finally {
      await server.running.close();
    }
  });
});
