import type { ProviderClients } from '../../connections/provider-clients';
import type { Jobs } from '../../jobs/queue';
import type { Logger } from '../../log';
import { recordSyncCounts, type Metrics } from '../../metrics';
import type { InvoiceStore } from '../../store/invoices';
import type { Store } from '../../store/store';
import { runCounts, type SyncRunKind } from '../../store/sync-runs';
import { ensureInvoiceProperties } from '../app-properties';
import { ReconnectRequired } from '../shared/failures';
import { activeConnection, defineFlowQueues, runUnlessDisconnected } from '../shared/flow-runtime';
import { withoutServerOwned } from '../shared/settings-input';
import { InvalidSettingsError, RECONCILE_CRON } from '../service';
import { InvoiceSync, type InvoiceCounts, type InvoicePreview } from './engine';
import { defaultInvoiceSettings, InvoiceSettingsSchema, type InvoiceSettings } from './settings';

export const INVOICE_QUEUES = {
  changes: 'invoices.changes',
  reconcile: 'invoices.reconcile',
  firstSync: 'invoices.first',
  tick: 'invoices.tick',
} as const;

interface ChangesJob {
  connectionId: string;
  invoiceIds: string[];
  paymentIds: string[];
}
interface ConnectionJob {
  connectionId: string;
}

/**
 * The invoice flow's entry points (QBO → HubSpot), shaped like SyncService: webhooks and the settings page call
 * these, the work runs in its own queues, one reconciliation per connection at a time (pg-boss `stately`), on
 * the same 5-minute schedule as the two-way flows so a lost webhook still lands within 10 minutes.
 */
export class InvoiceService {
  readonly #store: Store;
  readonly #invoices: InvoiceStore;
  readonly #jobs: Jobs;
  readonly #clients: ProviderClients;
  readonly #log: Logger;
  readonly #now: () => Date;
  readonly #metrics: Metrics;
  /** Connections whose HubSpot properties this process has checked: a portal set up by an older version gets new ones. */
  readonly #propertiesChecked = new Set<string>();

  constructor(deps: { store: Store; invoices: InvoiceStore; jobs: Jobs; clients: ProviderClients; log: Logger; now: () => Date; metrics: Metrics }) {
    this.#metrics = deps.metrics;
    this.#store = deps.store;
    this.#invoices = deps.invoices;
    this.#jobs = deps.jobs;
    this.#clients = deps.clients;
    this.#log = deps.log;
    this.#now = deps.now;
  }

  async start(): Promise<void> {
    await defineFlowQueues(this.#jobs, INVOICE_QUEUES);
    await this.#jobs.work<ChangesJob>(INVOICE_QUEUES.changes, (d) => this.#run(d.connectionId, 'changes', (s) => s.syncChanged(d)), { concurrency: 4 });
    await this.#jobs.work<ConnectionJob>(INVOICE_QUEUES.reconcile, (d) => this.#run(d.connectionId, 'reconcile', (s) => s.reconcile()), { concurrency: 2 });
    await this.#jobs.work<ConnectionJob>(INVOICE_QUEUES.firstSync, (d) => this.runFirstSync(d.connectionId).then(() => undefined));
    await this.#jobs.work(INVOICE_QUEUES.tick, () => this.reconcileAll());
    await this.#jobs.schedule(INVOICE_QUEUES.tick, RECONCILE_CRON, {});
  }

  // ── settings ──────────────────────────────────────────────────────────────────────────────────────────

  async settings(connectionId: string): Promise<{ enabled: boolean; settings: InvoiceSettings }> {
    const stored = await this.#store.syncSettings.get(connectionId, 'invoices');
    if (!stored) return { enabled: false, settings: defaultInvoiceSettings() };
    return { enabled: stored.enabled, settings: InvoiceSettingsSchema.parse(stored.settings) };
  }

  async saveSettings(connectionId: string, input: unknown): Promise<InvoiceSettings> {
    const parsed = InvoiceSettingsSchema.omit({ firstSyncCompletedAt: true }).safeParse(withoutServerOwned(input, ['firstSyncCompletedAt']));
    if (!parsed.success) throw new InvalidSettingsError(parsed.error.issues.map((i) => `${i.path.join('.') || 'settings'}: ${i.message}`));
    const current = await this.settings(connectionId);
    const next: InvoiceSettings = { ...parsed.data, ...(current.settings.firstSyncCompletedAt ? { firstSyncCompletedAt: current.settings.firstSyncCompletedAt } : {}) };
    await this.#store.syncSettings.save(connectionId, 'invoices', current.enabled, next);
    return next;
  }

  /** Turning the sync on for the first time starts its first sync; turning it back on resumes from the checkpoint. */
  async setEnabled(connectionId: string, enabled: boolean): Promise<void> {
    const { settings } = await this.settings(connectionId);
    await this.#store.syncSettings.save(connectionId, 'invoices', enabled, settings);
    if (!enabled) return;
    const queue = settings.firstSyncCompletedAt === undefined ? INVOICE_QUEUES.firstSync : INVOICE_QUEUES.reconcile;
    await this.#jobs.send(queue, { connectionId }, { singletonKey: connectionId });
  }

  /** Forgets settings, links, checkpoint, roll-ups and payment records; HubSpot invoices and QBO data stay. */
  async deleteSync(connectionId: string): Promise<void> {
    await this.#store.syncSettings.delete(connectionId, 'invoices');
    await this.#invoices.forget(connectionId);
  }

  // ── running ───────────────────────────────────────────────────────────────────────────────────────────

  async enqueueChanges(connectionId: string, changed: { invoiceIds?: string[]; paymentIds?: string[] }): Promise<void> {
    await this.#jobs.send(INVOICE_QUEUES.changes, { connectionId, invoiceIds: changed.invoiceIds ?? [], paymentIds: changed.paymentIds ?? [] });
  }

  async preview(connectionId: string): Promise<InvoicePreview> {
    const { settings } = await this.settings(connectionId);
    return (await this.#engine(connectionId, settings)).preview();
  }

  async runFirstSync(connectionId: string): Promise<InvoiceCounts> {
    const { enabled, settings } = await this.settings(connectionId);
    const connection = await activeConnection(this.#store, connectionId);
    const counts = await runUnlessDisconnected({ store: this.#store, log: this.#log }, connectionId, 'invoices', async () => {
      await ensureInvoiceProperties(this.#clients.hubspot(connection));
      return (await this.#engine(connectionId, settings)).firstSync();
    });
    if (counts === undefined) throw new ReconnectRequired('the first invoice sync stopped: reconnect HubSpot or QuickBooks on the settings page');
    await this.#store.syncSettings.save(connectionId, 'invoices', enabled, { ...settings, firstSyncCompletedAt: this.#now().toISOString() });
    await this.#store.syncRuns.record(connectionId, { object: 'invoices', kind: 'first_sync', finishedAt: this.#now(), counts: runCounts(counts) });
    recordSyncCounts(this.#metrics, 'invoices', counts);
    this.#log.info({ connectionId, object: 'invoices', ...counts }, 'first sync finished');
    return counts;
  }

  /** The scheduler's tick: one reconciliation per active connection whose invoice sync is on and started. */
  async reconcileAll(): Promise<void> {
    for (const connection of await this.#store.connections.active()) {
      const { enabled, settings } = await this.settings(connection.id);
      if (!enabled || settings.firstSyncCompletedAt === undefined) continue;
      await this.#jobs.send(INVOICE_QUEUES.reconcile, { connectionId: connection.id }, { singletonKey: connection.id });
    }
  }

  async #run(connectionId: string, kind: SyncRunKind, work: (engine: InvoiceSync) => Promise<InvoiceCounts>): Promise<void> {
    const { enabled, settings } = await this.settings(connectionId);
    if (!enabled || settings.firstSyncCompletedAt === undefined) return;
    const counts = await runUnlessDisconnected({ store: this.#store, log: this.#log }, connectionId, 'invoices', async () => {
      if (!this.#propertiesChecked.has(connectionId)) {
        await ensureInvoiceProperties(this.#clients.hubspot(await activeConnection(this.#store, connectionId)));
        this.#propertiesChecked.add(connectionId);
      }
      return work(await this.#engine(connectionId, settings));
    });
    if (!counts) return;
    await this.#store.syncRuns.record(connectionId, { object: 'invoices', kind, finishedAt: this.#now(), counts: runCounts(counts) });
    recordSyncCounts(this.#metrics, 'invoices', counts);
    this.#log.info({ connectionId, object: 'invoices', ...counts }, 'sync run finished');
  }

  async #engine(connectionId: string, settings: InvoiceSettings): Promise<InvoiceSync> {
    const connection = await activeConnection(this.#store, connectionId);
    return new InvoiceSync(
      {
        store: this.#store,
        invoices: this.#invoices,
        hubspot: this.#clients.hubspot(connection),
        qbo: this.#clients.qbo(connection),
        log: this.#log,
        now: this.#now,
        environment: this.#clients.settings.quickbooks.environment,
      },
      connectionId,
      settings,
    );
  }
}
