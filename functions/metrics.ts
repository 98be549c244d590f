import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per process (tests build their own), exposed on /metrics in Prometheus text format. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by route and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    syncRecords: new Counter({
      name: 'sync_records_total',
      help: 'Records handled by sync runs, by flow and result (created, updated, unchanged, failed…)',
      labelNames: ['flow', 'result'] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency, by route',
      labelNames: ['method', 'route'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** Adds one run's counts (`{ createdInQbo: 3, failed: 1, … }`) to sync_records_total. */
export function recordSyncCounts(metrics: Metrics, flow: string, counts: object): void {
  for (const [result, n] of Object.entries(counts)) {
    if (typeof n === 'number' && n > 0) metrics.syncRecords.inc({ flow, result }, n);
  }
}
