import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { expect } from 'chai';
import { RedisInstance, waitUntil } from '../support/redis-instance';
import { testConfig } from '../support/test-config';

/** The worker in a process of its own, its JSON log lines collected. */
function startWorkerProcess(redisUrl: string): { readonly child: ChildProcess; readonly lines: Array<Record<string, unknown>> } {
  const child = spawn(process.execPath, ['scripts/run-entry.cjs', 'interfaces/worker/main'], {
    env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: testConfig().databaseUrl, REDIS_URL: redisUrl, WORKER_METRICS_PORT: '0', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, unknown>> = [];
  let pending = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (pending + chunk).split('\n');
    pending = parts.pop() ?? '';
    for (const part of parts) if (part.startsWith('{')) lines.push(JSON.parse(part) as Record<string, unknown>);
  });
  return { child, lines };
}

describe('Stopping the worker', function () {
  this.timeout(90_000);
  let redis: RedisInstance;
  before(async () => {
    redis = await RedisInstance.start();
  });
  after(() => redis.stop());

  const started = (lines: ReadonlyArray<Record<string, unknown>>) => lines.some((line) => /^worker started/.test(String(line.msg)));

  it('finishes and exits 0 at SIGTERM', async () => {
    const { child, lines } = startWorkerProcess(redis.url);
    await waitUntil(async () => started(lines), 60_000);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).to.equal(0);
    expect(lines.map((line) => line.msg)).to.include('worker stopped');
  });

  it('exits at a second signal when the first stop waits for a Redis out of reach', async () => {
    const { child, lines } = startWorkerProcess(redis.url);
    try {
      await waitUntil(async () => started(lines), 60_000);
      // Out of reach with its connections open: what the stop sends is never answered, whereas
      // a server that is gone may fail it at once, and the stop then ends.
      redis.pause();
      const first = Date.now();
      child.kill('SIGTERM');
      // The same signal again at once, as a Ctrl-C under npm arrives (npm passes its own on).
      child.kill('SIGTERM');
      await waitUntil(async () => lines.some((line) => /^worker shutting down/.test(String(line.msg))), 10_000);
      // The stop cannot end: writing the end of the jobs waits for Redis.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(child.exitCode, 'still stopping: a signal right after the first is the same one').to.equal(null);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, first + 1_100 - Date.now())));
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      expect(code).to.equal(1);
      expect(lines.map((line) => line.msg)).to.include('worker stopping at a second signal, without finishing the current job');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      redis.resume();
    }
  });
});
