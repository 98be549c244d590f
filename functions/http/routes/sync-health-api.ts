import { Hono } from 'hono';
import { z } from 'zod';
import type { ProviderClients } from '../../connections/provider-clients';
import type { Jobs } from '../../jobs/queue';
import type { Logger } from '../../log';
import type { Store } from '../../store/store';
import { CREATE_INVOICE_QUEUE } from '../../deal-invoices/workflow-action';
import { QUEUES, type SyncRunner } from '../../sync/runner';
import { fail, reply, requireManager, type ApiEnv } from '../api/access';
import { RetryResultSchema, SyncHealthSchema, type SyncHealth } from '../api/contract';
import { recordRefs } from '../api/record-refs';

export interface SyncHealthApiDeps {
  store: Store;
  sync: SyncRunner;
  jobs: Jobs;
  clients: ProviderClients;
  log: Logger;
}

const LogQuery = z.object({
  object: z.string().optional(),
  outcome: z.enum(['succeeded', 'skipped', 'failed']).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

/** How many failed records the health view lists (and "retry all" queues) at once. */
const FAILURES_SHOWN = 50;
const RETRY_ALL_LIMIT = 500;

/**
 * The queues whose dead letters an admin may see and retry, with the kind of work each carries. A sync's job names
 * its sync; a "Create invoice" completion always belongs to the invoices.
 */
const DEAD_LETTER_QUEUES: { queue: string; work: SyncHealth['deadLetters'][number]['work']; object?: 'invoices' }[] = [
  { queue: QUEUES.changes, work: 'changes' },
  { queue: QUEUES.reconcile, work: 'reconcile' },
  { queue: QUEUES.firstSync, work: 'first_sync' },
  { queue: CREATE_INVOICE_QUEUE, work: 'workflow_action', object: 'invoices' },
];

/**
 * The settings page's sync health: each sync's last run, the records whose last attempt failed (named and linked),
 * what sits in dead letters, and retry of one record or all of them. Behind `apiAccess`; retries behind `requireManager`.
 */
export function syncHealthApiRoutes(deps: SyncHealthApiDeps): Hono<ApiEnv> {
  const { store, sync, jobs, clients, log } = deps;

  return new Hono<ApiEnv>()
    .get('/api/sync-health', async (c) => {
      const connection = c.get('connection');
      const runs = new Map((await store.syncRuns.latest(connection.id)).map((r) => [r.object, r]));
      const syncs: SyncHealth['syncs'] = [];
      for (const flow of sync.syncs) {
        const { enabled } = await sync.settings(connection.id, flow.name);
        const run = runs.get(flow.name);
        syncs.push({
          object: flow.name,
          label: flow.label,
          enabled,
          lastRun: run ? { kind: run.kind, finishedAt: run.finishedAt.toISOString(), counts: run.counts } : null,
        } as SyncHealth['syncs'][number]);
      }
      const open = await store.syncLog.openFailures(connection.id, FAILURES_SHOWN);
      const refs = await recordRefs(open, connection, clients, log);
      const failures = open.map((e) => ({
        id: e.id,
        object: e.object,
        direction: e.direction,
        action: e.action,
        at: e.createdAt.toISOString(),
        code: e.errorCode ?? null,
        message: e.message ?? 'The record could not be synced.',
        record: refs.get(e.id)!,
      }));
      const deadLetters: SyncHealth['deadLetters'] = [];
      for (const { queue, work, object } of DEAD_LETTER_QUEUES) {
        const letters = (await jobs.deadLetters<{ connectionId?: string; object?: string }>(queue)).filter((d) => d.data.connectionId === connection.id);
        const byObject = new Map<string, Date[]>();
        for (const d of letters) {
          const named = object ?? d.data.object;
          const o = named === undefined ? undefined : sync.syncOf(named);
          if (o) byObject.set(o, [...(byObject.get(o) ?? []), d.failedAt]);
        }
        for (const [o, failedAt] of byObject) {
          deadLetters.push({
            object: o,
            work,
            jobs: failedAt.length,
            oldestFailedAt: new Date(Math.min(...failedAt.map((d) => d.getTime()))).toISOString(),
          } as SyncHealth['deadLetters'][number]);
        }
      }
      return reply(c, SyncHealthSchema, { syncs, failures, deadLetters } as SyncHealth);
    })
    .get('/api/sync-log', async (c) => {
      const query = LogQuery.safeParse(c.req.query());
      if (!query.success) return fail(c, 400, 'invalid_query', z.prettifyError(query.error));
      const filter = Object.fromEntries(Object.entries(query.data).filter(([, v]) => v !== undefined)) as Parameters<typeof store.syncLog.recent>[1];
      return c.json({ entries: await store.syncLog.recent(c.get('connection').id, filter) });
    })
    .post('/api/sync-log/retry', requireManager, async (c) => {
      const connectionId = c.get('connection').id;
      const recordsQueued = await sync.retryFailed(connectionId, await store.syncLog.openFailures(connectionId, RETRY_ALL_LIMIT));
      let jobsRetried = 0;
      for (const { queue } of DEAD_LETTER_QUEUES) jobsRetried += await jobs.retryDeadLetters(queue, { data: { connectionId } });
      return reply(c, RetryResultSchema, { recordsQueued, jobsRetried });
    })
    .post('/api/sync-log/:id{[0-9]+}/retry', requireManager, async (c) => {
      const connectionId = c.get('connection').id;
      const entry = await store.syncLog.byId(connectionId, Number(c.req.param('id')));
      if (!entry || entry.outcome !== 'failed') return fail(c, 404, 'unknown_failure', 'There is no such failed record in this account’s sync log.');
      if (!entry.hubspotId && !entry.qboId) return fail(c, 409, 'not_retryable', 'This failure names no single record; use "Retry all" to run the sync again.');
      return reply(c, RetryResultSchema, { recordsQueued: await sync.retryFailed(connectionId, [entry]), jobsRetried: 0 });
    });
}
