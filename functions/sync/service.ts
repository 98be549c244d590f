import type { CallProfile, ProviderClients } from '../connections/provider-clients';
import type { Jobs } from '../jobs/queue';
import type { Logger } from '../log';
import { recordSyncCounts, type Metrics } from '../metrics';
import type { Link } from '../store/links';
import type { Store } from '../store/store';
import { runCounts, type SyncRunKind } from '../store/sync-runs';
import { contactsCustomers } from './contacts-customers/flow';
import { productsItems } from './products-items/flow';
import { ReconnectRequired, RetryLater } from './shared/failures';
import { activeConnection, defineFlowQueues, KeyedLock, runUnlessDisconnected } from './shared/flow-runtime';
import { validateMappings } from './shared/mappings';
import { withoutServerOwned } from './shared/settings-input';
import { TwoWaySync, type FirstSyncPreview, type Progress, type SyncCounts } from './two-way/engine';
import type { TwoWayFlow } from './two-way/flow';
import { defaultFlowSettings, EditableFlowSettingsSchema, FlowSettingsSchema, type FlowSettings } from './two-way/settings';

export const TWO_WAY_FLOWS = { contacts: contactsCustomers, products: productsItems } as const satisfies Record<string, TwoWayFlow<never>>;
export type TwoWayObject = keyof typeof TWO_WAY_FLOWS;
export const isTwoWayObject = (o: string): o is TwoWayObject => o in TWO_WAY_FLOWS;

export const QUEUES = {
  changes: 'sync.changes',
  reconcile: 'sync.reconcile',
  firstSync: 'sync.first',
  tick: 'sync.tick',
} as const;

/** Reconciliation runs this often, so a change whose webhook was lost still lands within 10 minutes. */
export const RECONCILE_CRON = '*/5 * * * *';

interface ChangesJob {
  connectionId: string;
  object: TwoWayObject;
  hubspotIds: string[];
  qboIds: string[];
}
interface ObjectJob {
  connectionId: string;
  object: TwoWayObject;
}

/** Settings the server keeps beside the admin's, which no request may set. */
const SERVER_OWNED = Object.keys(FlowSettingsSchema.shape).filter((key) => !(key in EditableFlowSettingsSchema.shape));

export class InvalidSettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'InvalidSettingsError';
  }
}

/**
 * The sync flows' entry points: what HTTP routes and the scheduler call, and the job handlers behind them.
 * Work always runs in a job (webhook intake only enqueues), one reconciliation per connection and object at
 * a time (pg-boss `stately` singleton keys).
 */
export class SyncService {
  readonly #store: Store;
  readonly #jobs: Jobs;
  readonly #clients: ProviderClients;
  readonly #log: Logger;
  readonly #now: () => Date;
  readonly #lock = new KeyedLock();
  readonly #metrics: Metrics;

  constructor(deps: { store: Store; jobs: Jobs; clients: ProviderClients; log: Logger; now: () => Date; metrics: Metrics }) {
    this.#metrics = deps.metrics;
    this.#store = deps.store;
    this.#jobs = deps.jobs;
    this.#clients = deps.clients;
    this.#log = deps.log;
    this.#now = deps.now;
  }

  async start(): Promise<void> {
    await defineFlowQueues(this.#jobs, QUEUES);
    await this.#jobs.work<ChangesJob>(QUEUES.changes, (d) => this.#run(d, 'changes', (s) => s.syncChanged(d)), { concurrency: 4 });
    await this.#jobs.work<ObjectJob>(QUEUES.reconcile, (d) => this.#run(d, 'reconcile', (s) => s.reconcile()), { concurrency: 2 });
    await this.#jobs.work<ObjectJob>(QUEUES.firstSync, (d) => this.runFirstSync(d.connectionId, d.object).then(() => undefined));
    await this.#jobs.work(QUEUES.tick, () => this.reconcileAll());
    await this.#jobs.schedule(QUEUES.tick, RECONCILE_CRON, {});
  }

  // ── settings ──────────────────────────────────────────────────────────────────────────────────────────

  /** The stored settings, with this flow's own settings at their defaults where an admin never set them. */
  async settings(connectionId: string, object: TwoWayObject): Promise<{ enabled: boolean; settings: FlowSettings }> {
    const flow: TwoWayFlow = TWO_WAY_FLOWS[object];
    const stored = await this.#store.syncSettings.get(connectionId, object);
    if (!stored) return { enabled: false, settings: defaultFlowSettings(flow.defaultMappings, flow.defaultSettings) };
    return { enabled: stored.enabled, settings: { ...flow.defaultSettings, ...FlowSettingsSchema.parse(stored.settings) } };
  }

  /**
   * Saves what an admin may edit. State the server keeps (when the first sync completed) is never taken from a
   * request: a body that carries it has it ignored, and the stored value is kept.
   */
  async saveSettings(connectionId: string, object: TwoWayObject, input: unknown): Promise<FlowSettings> {
    const parsed = EditableFlowSettingsSchema.safeParse(withoutServerOwned(input, SERVER_OWNED));
    if (!parsed.success) throw new InvalidSettingsError(parsed.error.issues.map((i) => `${i.path.join('.') || 'settings'}: ${i.message}`));
    const problems = validateMappings(parsed.data.mappings, Object.keys(TWO_WAY_FLOWS[object].qboFields));
    if (problems.length > 0) throw new InvalidSettingsError(problems);
    const current = await this.settings(connectionId, object);
    const next: FlowSettings = { ...parsed.data, ...(current.settings.firstSyncCompletedAt ? { firstSyncCompletedAt: current.settings.firstSyncCompletedAt } : {}) };
    await this.#store.syncSettings.save(connectionId, object, current.enabled, next);
    return next;
  }

  /** Turning a sync on for the first time starts its first sync; turning it back on resumes from the checkpoints. */
  async setEnabled(connectionId: string, object: TwoWayObject, enabled: boolean): Promise<void> {
    const { settings } = await this.settings(connectionId, object);
    await this.#store.syncSettings.save(connectionId, object, enabled, settings);
    if (!enabled) return;
    if (settings.firstSyncCompletedAt === undefined) await this.#jobs.send(QUEUES.firstSync, { connectionId, object }, { singletonKey: `${connectionId}:${object}` });
    else await this.#jobs.send(QUEUES.reconcile, { connectionId, object }, { singletonKey: `${connectionId}:${object}` });
  }

  /** Forgets the sync's settings, links and checkpoints. Records in HubSpot and QBO are never deleted. */
  async deleteSync(connectionId: string, object: TwoWayObject): Promise<void> {
    await this.#store.syncSettings.delete(connectionId, object);
  }

  // ── running ───────────────────────────────────────────────────────────────────────────────────────────

  async enqueueChanges(connectionId: string, object: TwoWayObject, changed: { hubspotIds?: string[]; qboIds?: string[] }): Promise<void> {
    await this.#jobs.send(QUEUES.changes, { connectionId, object, hubspotIds: changed.hubspotIds ?? [], qboIds: changed.qboIds ?? [] });
  }

  /**
   * Links HubSpot records to their QBO twins (matched as the sync matches them), creating the missing ones, whether
   * or not the sync is on: what "Create invoice" needs before it can bill a contact or a product. Runs under the
   * flow's lock like any run. With a call profile the clients fail fast, and a flow busy with another run is not
   * waited for: both come back as RetryLater for the caller to defer. Returns the links that exist afterwards; a
   * record that could not be placed has its reason in the sync log.
   */
  async placeInQbo(connectionId: string, object: TwoWayObject, hubspotIds: string[], profile?: CallProfile): Promise<Map<string, Link>> {
    const key = `${connectionId}:${object}`;
    if (profile !== undefined && this.#lock.busy(key)) throw new RetryLater(`the ${object} sync is busy for this connection`);
    return this.#lock.run(key, async () => {
      const { settings } = await this.settings(connectionId, object);
      await (await this.#engine(connectionId, object, { ...settings, createInQbo: true }, profile)).syncChanged({ hubspotIds });
      const links = await this.#store.links.forIds(connectionId, object, 'hubspot', hubspotIds);
      return new Map(links.map((l) => [l.hubspotId, l]));
    });
  }

  async preview(connectionId: string, object: TwoWayObject): Promise<FirstSyncPreview> {
    const { settings } = await this.settings(connectionId, object);
    return (await this.#engine(connectionId, object, settings)).preview();
  }

  /** Without a progress callback (a queued first sync), progress goes to the log every tenth of the way. */
  async runFirstSync(connectionId: string, object: TwoWayObject, progress: Progress = this.#logProgress(connectionId, object)): Promise<SyncCounts> {
    return this.#lock.run(`${connectionId}:${object}`, async () => {
      const { enabled, settings } = await this.settings(connectionId, object);
      const counts = await runUnlessDisconnected({ store: this.#store, log: this.#log }, connectionId, object, async () =>
        (await this.#engine(connectionId, object, settings)).firstSync(progress),
      );
      if (counts === undefined) throw new ReconnectRequired('the first sync stopped: reconnect HubSpot or QuickBooks on the settings page');
      await this.#store.syncSettings.save(connectionId, object, enabled, { ...settings, firstSyncCompletedAt: this.#now().toISOString() });
      await this.#store.syncRuns.record(connectionId, { object, kind: 'first_sync', finishedAt: this.#now(), counts: runCounts(counts) });
      recordSyncCounts(this.#metrics, object, counts);
      this.#log.info({ connectionId, object, ...counts }, 'first sync finished');
      return counts;
    });
  }

  #logProgress(connectionId: string, object: TwoWayObject): Progress {
    let logged = 0;
    return ({ phase, done, total }) => {
      if (done < total && done - logged < total / 10) return;
      logged = done;
      this.#log.info({ connectionId, object, phase, done, total }, `first sync of ${object}: ${done}/${total}`);
    };
  }

  /** The scheduler's tick: one reconciliation job per active connection and enabled, started sync. */
  async reconcileAll(): Promise<void> {
    for (const connection of await this.#store.connections.active()) {
      for (const object of Object.keys(TWO_WAY_FLOWS) as TwoWayObject[]) {
        const { enabled, settings } = await this.settings(connection.id, object);
        if (!enabled || settings.firstSyncCompletedAt === undefined) continue;
        await this.#jobs.send(QUEUES.reconcile, { connectionId: connection.id, object }, { singletonKey: `${connection.id}:${object}` });
      }
    }
  }

  /** Runs a job's work only while the sync is on, started, and the connection healthy; one run per flow at a time. */
  async #run(job: ObjectJob, kind: SyncRunKind, work: (engine: TwoWaySync) => Promise<SyncCounts>): Promise<void> {
    await this.#lock.run(`${job.connectionId}:${job.object}`, async () => {
      const { enabled, settings } = await this.settings(job.connectionId, job.object);
      if (!enabled || settings.firstSyncCompletedAt === undefined) return;
      const counts = await runUnlessDisconnected({ store: this.#store, log: this.#log }, job.connectionId, job.object, async () =>
        work(await this.#engine(job.connectionId, job.object, settings)),
      );
      if (!counts) return;
      await this.#store.syncRuns.record(job.connectionId, { object: job.object, kind, finishedAt: this.#now(), counts: runCounts(counts) });
      recordSyncCounts(this.#metrics, job.object, counts);
      this.#log.info({ connectionId: job.connectionId, object: job.object, ...counts }, 'sync run finished');
    });
  }

  async #engine(connectionId: string, object: TwoWayObject, settings: FlowSettings, profile?: CallProfile): Promise<TwoWaySync> {
    const connection = await activeConnection(this.#store, connectionId);
    return new TwoWaySync(
      { store: this.#store, hubspot: this.#clients.hubspot(connection, profile), qbo: this.#clients.qbo(connection, profile), log: this.#log, now: this.#now },
      connectionId,
      TWO_WAY_FLOWS[object] as TwoWayFlow,
      settings,
    );
  }
}
