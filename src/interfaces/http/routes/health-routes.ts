import { DEPENDENCY_PROBES, type DependencyProbe } from '../../../infrastructure/health/dependency-probe';
import type { RouteContext } from './route-context';

const PROBE_TIMEOUT_MS = 2_000;

export function registerHealthRoutes({ router, container }: RouteContext): void {
  const probes = container.get<DependencyProbe[]>(DEPENDENCY_PROBES);

  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });

  router.get('/readyz', async (ctx) => {
    const results = await Promise.all(probes.map(async (probe) => [probe.name, await answers(probe)] as const));
    const ready = results.every(([, up]) => up);
    ctx.status = ready ? 200 : 503;
    ctx.body = {
      status: ready ? 'ready' : 'unavailable',
      checks: Object.fromEntries(results.map(([name, up]) => [name, up ? 'up' : 'down'])),
    };
  });
}

async function answers(probe: DependencyProbe): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), PROBE_TIMEOUT_MS);
  });
  try {
    await Promise.race([probe.check(), timeout]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
