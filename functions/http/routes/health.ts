import { Hono } from 'hono';
import type { Metrics } from '../../metrics';

export type Readiness = () => Promise<Record<string, boolean>>;

/** Liveness says the process answers; readiness says its database and job queue answer too. */
export function healthRoutes(deps: { readiness: Readiness; metrics: Metrics }): Hono {
  return new Hono()
    .get('/healthz', (c) => c.json({ status: 'ok' }))
    .get('/readyz', async (c) => {
      const checks = await deps.readiness();
      const ready = Object.values(checks).every(Boolean);
      return c.json({ status: ready ? 'ready' : 'not_ready', checks }, ready ? 200 : 503);
    })
    .get('/metrics', async (c) => {
      c.header('Content-Type', deps.metrics.registry.contentType);
      return c.body(await deps.metrics.registry.metrics());
    });
}
