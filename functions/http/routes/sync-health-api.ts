import { Hono } from 'hono';
import { z } from 'zod';
import type { ProviderClients } from '../../connections/provider-clients';
import type { Jobs } from '../../jobs/queue';
import type { Logger } from '../../log';
import type { InvoiceStore } from '../../store/invoices';
import type { LoggedSyncEntry } from '../../store/sync-log';
import type { Store } from '../../store/store';
import { INVOICE_QUEUES, type InvoiceService } from '../../sync/invoices/service';
import { isTwoWayObject, QUEUES, type SyncService } from '../../sync/service';
import { fail, reply, requireManager, type ApiEnv } from '../api/access';
import { RetryResultSchema, SyncHealthSchema, SyncNameSchema, type SyncHealth, type SyncName } from '../api/contract';
import { recordRefs } from '../api/record-refs';
import { SYNC_LABELS } from './settings-api';

export interface SyncHealthApiDeps {
  store: Store;
  sync: SyncService;
  invoices: InvoiceService;
  invoiceStore: InvoiceStore;
  jobs: Jobs;
  clients: ProviderClients;
  log: Logger;
}

const LogQuery = z.object({
  object: SyncNameSchema.optional(),
  outcome: z.enum(['succeeded', 'skipped', 'failed']).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

/** How many failed records the health view lists (and "retry all" queues) at once. */
const FAILURES_SHOWN = 50;
const RETRY_ALL_LIMIT = 500;

/** The queues whose dead letters an admin may see and retry, with the sync and kind of work each carries. */
const DEAD_LETTER_QUEUES: { queue: string; work: 'changes' | 'reconcile' | 'first_sync'; object?: SyncName }[] = [
  { queue: QUEUES.changes, work: 'changes' },
  { queue: QUEUES.reconcile, work: 'reconcile' },
  { queue: QUEUES.firstSync, work: 'first_sync' },
  { queue: INVOICE_QUEUES.changes, work: 'changes', object: 'invoices' },
  { queue: INVOICE_QUEUES.reconcile, work: 'reconcile', object: 'invoices' },
  { queue: INVOICE_QUEUES.firstSync, work: 'first_sync', object: 'invoices' },
];

/**
 * The settings page's sync health: each sync's last run, the records whose last attempt failed (named and linked),
 * what sits in dead letters, and retry of one record or all of them. Behind `apiAccess`; retries behind `requireManager`.
 */
export function syncHealthApiRoutes(deps: SyncHealthApiDeps): Hono<ApiEnv> {
  const { store, sync, invoices, invoiceStore, jobs, clients, log } = deps;

  /** Queues the records named by failed entries again: the two-way flows by either side's id, invoices by invoice or payment. */
  async function retry(connectionId: string, entries: LoggedSyncEntry[]): Promise<number> {
    let queued = 0;
    const unique = (ids: (string | undefined)[]) => [...new Set(ids.filter((id): id is string => id !== undefined))];
    for (const object of ['contacts', 'products'] as const) {
      const failed = entries.filter((e) => e.object === object);
      const hubspotIds = unique(failed.map((e) => e.hubspotId));
      const qboIds = unique(failed.map((e) => (e.hubspotId ? undefined : e.qboId)));
      if (hubspotIds.length + qboIds.length > 0) await sync.enqueueChanges(connectionId, object, { hubspotIds, qboIds });
      queued += hubspotIds.length + qboIds.length;
    }
    // Invoice failures name a QBO invoice, a payment, or (for a deal roll-up) only the deal: the invoice or payment is
    // synced again, which also redoes its deal; a deal's roll-up is redone by syncing the deal's invoices again.
    const failedInvoices = entries.filter((e) => e.object === 'invoices');
    const isPayment = (e: LoggedSyncEntry) => e.action.startsWith('payment');
    const dealInvoices: string[] = [];
    for (const e of failedInvoices) {
      if (e.action === 'deal_rollup' && e.hubspotId) dealInvoices.push(...(await invoiceStore.forDeal(connectionId, e.hubspotId)).map((s) => s.qboInvoiceId));
    }
    const invoiceIds = unique([...failedInvoices.map((e) => (isPayment(e) ? undefined : e.qboId)), ...dealInvoices]);
    const paymentIds = unique(failedInvoices.map((e) => (isPayment(e) ? e.qboId : undefined)));
    if (invoiceIds.length + paymentIds.length > 0) await invoices.enqueueChanges(connectionId, { invoiceIds, paymentIds });
    return queued + invoiceIds.length + paymentIds.length;
  }

  return new Hono<ApiEnv>()
    .get('/api/sync-health', async (c) => {
      const connection = c.get('connection');
      const runs = new Map((await store.syncRuns.latest(connection.id)).map((r) => [r.object, r]));
      const syncs: SyncHealth['syncs'] = [];
      for (const object of SyncNameSchema.options) {
        const { enabled } = object === 'invoices' ? await invoices.settings(connection.id) : await sync.settings(connection.id, object);
        const run = runs.get(object);
        syncs.push({ object, label: SYNC_LABELS[object], enabled, lastRun: run ? { kind: run.kind, finishedAt: run.finishedAt.toISOString(), counts: run.counts } : null });
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
        const byObject = new Map<SyncName, Date[]>();
        for (const d of letters) {
          const o = object ?? (d.data.object !== undefined && isTwoWayObject(d.data.object) ? d.data.object : undefined);
          if (o) byObject.set(o, [...(byObject.get(o) ?? []), d.failedAt]);
        }
        for (const [o, failedAt] of byObject) {
          deadLetters.push({ object: o, work, jobs: failedAt.length, oldestFailedAt: new Date(Math.min(...failedAt.map((d) => d.getTime()))).toISOString() });
        }
      }
      return reply(c, SyncHealthSchema, { syncs, failures, deadLetters });
    })
    .get('/api/sync-log', async (c) => {
      const query = LogQuery.safeParse(c.req.query());
      if (!query.success) return fail(c, 400, 'invalid_query', z.prettifyError(query.error));
      const filter = Object.fromEntries(Object.entries(query.data).filter(([, v]) => v !== undefined)) as Parameters<typeof store.syncLog.recent>[1];
      return c.json({ entries: await store.syncLog.recent(c.get('connection').id, filter) });
    })
    .post('/api/sync-log/retry', requireManager, async (c) => {
      const connectionId = c.get('connection').id;
      const recordsQueued = await retry(connectionId, await store.syncLog.openFailures(connectionId, RETRY_ALL_LIMIT));
      let jobsRetried = 0;
      for (const { queue } of DEAD_LETTER_QUEUES) jobsRetried += await jobs.retryDeadLetters(queue, { data: { connectionId } });
      return reply(c, RetryResultSchema, { recordsQueued, jobsRetried });
    })
    .post('/api/sync-log/:id{[0-9]+}/retry', requireManager, async (c) => {
      const connectionId = c.get('connection').id;
      const entry = await store.syncLog.byId(connectionId, Number(c.req.param('id')));
      if (!entry || entry.outcome !== 'failed') return fail(c, 404, 'unknown_failure', 'There is no such failed record in this account’s sync log.');
      if (!entry.hubspotId && !entry.qboId) return fail(c, 409, 'not_retryable', 'This failure names no single record; use "Retry all" to run the sync again.');
      return reply(c, RetryResultSchema, { recordsQueued: await retry(connectionId, [entry]), jobsRetried: 0 });
    });
}
