import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { CallProfile, ProviderClients } from '../connections/provider-clients';
import type { Jobs } from '../jobs/queue';
import type { Logger } from '../log';
import { recordSyncCounts, type Metrics } from '../metrics';
import type { Connection } from '../store/connections';
import type { LoggedSyncEntry } from '../store/sync-log';
import type { Store } from '../store/store';
import type { InboxEvent, InboxWork } from '../store/webhook-inbox';
import { runCounts, type SyncRunKind } from '../store/sync-runs';
import { ChangeSetSchema, isEmptyChangeSet, mergeChanges, SERVER_STATE_KEYS, type ChangeSet, type Flow, type FlowContext, type Progress } from './flow';
import { Leases, type HeldLease, type LeaseOptions } from './lease';
import { ReconnectRequired, RetryLater } from './shared/failures';
import { withoutServerOwned } from './shared/settings-input';

export const QUEUES = {
  /**
   * Records named by webhooks (or a retry from the settings page), kept in the inbox: one job per connection and flow
   * queued at most (pg-boss `stately`), whose run syncs everything the inbox holds for it. (Not `sync.changes`, which
   * carried the records themselves and whose queue an existing database keeps as `standard`: a policy cannot change.)
   */
  changes: 'sync.changed',
  /** Reconciliation polling: at most one queued and one running per connection and flow (pg-boss `stately`). */
  reconcile: 'sync.reconcile',
  firstSync: 'sync.first',
  /** The scheduler's tick: fans out reconciliation jobs, and asks again for tokens a provider refused. */
  tick: 'sync.tick',
  /** The webhook inbox's upkeep: events whose job never ran are queued again; old events are forgotten. */
  inbox: 'sync.inbox',
} as const;

/** Reconciliation runs this often, so a change whose webhook was lost still lands within 10 minutes. */
export const RECONCILE_CRON = '*/5 * * * *';
const INBOX_CRON = '* * * * *';
/** A reconciliation or first sync that finds its connection and flow busy (another process, another job) is queued again this much later. */
const BUSY_RETRY_SECONDS = 5;
/** pg-boss allows a job at most 24 h active; the heartbeat, not this, is what tells a dead worker (queue.ts). */
const MAX_ACTIVE_SECONDS = 24 * 3600;
const INBOX_REPLAY = { neverQueuedMs: 60_000, unprocessedMs: 10 * 60_000, maxReplays: 3 };
const INBOX_RETENTION_MS = 7 * 24 * 3600_000;

/** How many inbox events one pass of a changes run takes (it takes passes until the inbox is empty). */
const INBOX_PASS = 500;

const FlowJobSchema = z.object({ connectionId: z.string(), object: z.string() });
type FlowJob = z.infer<typeof FlowJobSchema>;

export class InvalidSettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'InvalidSettingsError';
  }
}

export class UnknownFlowError extends Error {
  override name = 'UnknownFlowError';
}

export interface RunnerOptions {
  /** Run the queues' handlers and schedules here (role `worker` or `both`); a web-only process only queues work. */
  work: boolean;
  lease: LeaseOptions;
  /** A sync job whose worker stops beating this long is handed to another worker (pg-boss heartbeat, ≥ 10 s). */
  jobHeartbeatSeconds: number;
}

export interface RunnerDeps {
  store: Store;
  jobs: Jobs;
  clients: ProviderClients;
  log: Logger;
  now: () => Date;
  metrics: Metrics;
  flows: readonly Flow[];
}

/** Settings as the runner hands them out: the flow's own, with the server state beside them. */
export interface FlowState<S> {
  enabled: boolean;
  settings: S;
}

/**
 * Runs every flow the same way. A flow declares what it syncs (flow.ts); the runner owns the rest:
 * - one run per connection and flow at a time across every process (a lease in Postgres, renewed by a heartbeat, so a
 *   long run is never run twice; a run that finds it busy is queued again a moment later);
 * - the guard: nothing runs for a sync that is off or not started, or for a connection that needs a reconnect; a dead
 *   connection is marked for the admin and its jobs end instead of retrying;
 * - queues (retries with backoff, dead letters) and schedules (reconciliation every 5 minutes, the inbox's upkeep);
 * - metrics, run logs and first-sync progress; settings, their server state, and deleting a sync.
 */
export class SyncRunner {
  readonly flows: readonly Flow[];
  readonly #store: Store;
  readonly #jobs: Jobs;
  readonly #clients: ProviderClients;
  readonly #log: Logger;
  readonly #now: () => Date;
  readonly #metrics: Metrics;
  readonly #options: RunnerOptions;
  readonly #leases: Leases;
  /** Flows set up (prepare) for a connection by this process. */
  readonly #prepared = new Set<string>();

  constructor(deps: RunnerDeps, options: RunnerOptions) {
    this.flows = deps.flows;
    this.#store = deps.store;
    this.#jobs = deps.jobs;
    this.#clients = deps.clients;
    this.#log = deps.log;
    this.#now = deps.now;
    this.#metrics = deps.metrics;
    this.#options = options;
    this.#leases = new Leases({ store: deps.store.leases, now: deps.now, timers: deps.jobs.clock, log: deps.log }, options.lease);
  }

  flow(name: string): Flow | undefined {
    return this.flows.find((f) => f.name === name);
  }

  /** The syncs an admin sees and sets up: every flow but those that are a direction of another sync. */
  get syncs(): readonly Flow[] {
    return this.flows.filter((f) => !f.directionOf);
  }

  /** The sync a flow belongs to: its own name, or the sync it is a direction of. */
  syncOf(name: string): string | undefined {
    const flow = this.flow(name);
    return flow?.directionOf?.flow ?? flow?.name;
  }

  #flow(name: string): Flow {
    const flow = this.flow(name);
    if (!flow) throw new UnknownFlowError(`There is no "${name}" sync; use one of ${this.flows.map((f) => f.name).join(', ')}.`);
    return flow;
  }

  /** A sync an admin switches and sets up: a flow that is a direction of another sync is set up there. */
  #ownFlow(name: string): Flow {
    const flow = this.#flow(name);
    if (flow.directionOf) throw new UnknownFlowError(`"${name}" is part of the "${flow.directionOf.flow}" sync: change that sync's settings instead.`);
    return flow;
  }

  /** The flows that are directions of this sync. */
  #parts(name: string): Flow[] {
    return this.flows.filter((f) => f.directionOf?.flow === name);
  }

  /** Each direction of this sync that now runs gets a reconciliation (it has no first sync: its first run catches up). */
  async #queueParts(connectionId: string, name: string): Promise<void> {
    for (const part of this.#parts(name)) {
      const { enabled, settings } = await this.settings<{ firstSyncCompletedAt?: string }>(connectionId, part.name);
      if (enabled && settings.firstSyncCompletedAt !== undefined)
        await this.#jobs.send(QUEUES.reconcile, { connectionId, object: part.name }, { singletonKey: `${connectionId}:${part.name}` });
    }
  }

  /** Defines the queues; in a worker, also runs their handlers and the schedules. */
  async start(): Promise<void> {
    // Retried with exponential backoff up to 10 minutes apart, then dead-lettered.
    const retrying = { retryLimit: 8, retryDelaySeconds: 5, retryBackoff: true, retryDelayMaxSeconds: 600 };
    const alive = { expireInSeconds: MAX_ACTIVE_SECONDS, heartbeatSeconds: this.#options.jobHeartbeatSeconds };
    await this.#jobs.define({ name: QUEUES.changes, ...retrying, ...alive, policy: 'stately' });
    await this.#jobs.define({ name: QUEUES.reconcile, ...retrying, ...alive, policy: 'stately' });
    await this.#jobs.define({ name: QUEUES.firstSync, ...retrying, ...alive, policy: 'stately' });
    await this.#jobs.define({ name: QUEUES.tick, retryLimit: 0, retryDelaySeconds: 60, retryBackoff: false });
    await this.#jobs.define({ name: QUEUES.inbox, retryLimit: 0, retryDelaySeconds: 60, retryBackoff: false });
    if (!this.#options.work) return;
    await this.#jobs.work<unknown>(QUEUES.changes, (data) => this.#flowJob(QUEUES.changes, 'changes', FlowJobSchema.parse(data)), { concurrency: 4 });
    await this.#jobs.work<unknown>(QUEUES.reconcile, (data) => this.#flowJob(QUEUES.reconcile, 'reconcile', FlowJobSchema.parse(data)), { concurrency: 2 });
    await this.#jobs.work<unknown>(QUEUES.firstSync, (data) => this.#flowJob(QUEUES.firstSync, 'first_sync', FlowJobSchema.parse(data)));
    await this.#jobs.work(QUEUES.tick, () => this.tick());
    await this.#jobs.work(QUEUES.inbox, () => this.tendInbox());
    await this.#jobs.schedule(QUEUES.tick, RECONCILE_CRON, {});
    await this.#jobs.schedule(QUEUES.inbox, INBOX_CRON, {});
  }

  /** The flows a change to this provider object concerns (what their declarations listen to). */
  listeningTo(side: 'hubspot' | 'qbo', type: string): Flow[] {
    return this.flows.filter((f) => (f.listensTo[side] as readonly string[]).includes(type));
  }

  /**
   * Verified webhook events, each already resolved to the connection and flow it feeds: recorded in the inbox (a
   * provider's redelivery is dropped there), and a run of each flow they feed queued. Returns how many events were new.
   * A crash between recording and queueing loses nothing: the inbox's upkeep queues the run later.
   */
  async intake(events: readonly InboxEvent[]): Promise<number> {
    const fresh = await this.#store.inbox.record(events, this.#now());
    await this.#queueRuns(fresh);
    return fresh.length;
  }

  /** Queues one changes run for each connection and flow these inbox events feed. */
  async #queueRuns(works: readonly InboxWork[]): Promise<void> {
    const targets = new Map<string, { connectionId: string; object: string; ids: number[] }>();
    for (const work of works) {
      const key = `${work.connectionId}:${work.flow}`;
      const target = targets.get(key) ?? { connectionId: work.connectionId, object: work.flow, ids: [] };
      target.ids.push(work.id);
      targets.set(key, target);
    }
    for (const t of targets.values()) {
      await this.#queueChangesRun(t.connectionId, t.object);
      await this.#store.inbox.markEnqueued(t.ids, this.#now());
    }
  }

  /** At most one changes run queued per connection and flow (stately): a run already waiting takes these changes too. */
  #queueChangesRun(connectionId: string, object: string): Promise<string | null> {
    return this.#jobs.send(QUEUES.changes, { connectionId, object } satisfies FlowJob, { singletonKey: `${connectionId}:${object}` });
  }

  // ── settings ──────────────────────────────────────────────────────────────────────────────────────────

  /** The stored settings, with the flow's defaults where an admin never set them. */
  async settings<S extends object = Record<string, unknown>>(connectionId: string, name: string): Promise<FlowState<S>> {
    const flow = this.#flow(name);
    const owner = flow.directionOf ? this.#flow(flow.directionOf.flow) : flow;
    const stored = await this.#store.syncSettings.get(connectionId, owner.name);
    const defaults = owner.settings.defaults();
    if (!stored) return { enabled: false, settings: defaults as S };
    const settings = { ...defaults, ...owner.settings.stored.parse(stored.settings) };
    return { enabled: stored.enabled && (flow.directionOf?.runs(settings) ?? true), settings: settings as S };
  }

  /**
   * Saves what an admin may edit. State the server keeps (when the first sync completed) is never taken from a request:
   * a body that carries it has it ignored, and the stored value is kept.
   */
  async saveSettings(connectionId: string, name: string, input: unknown): Promise<object> {
    const flow = this.#ownFlow(name);
    const parsed = flow.settings.editable.safeParse(withoutServerOwned(input, SERVER_STATE_KEYS));
    if (!parsed.success) throw new InvalidSettingsError(parsed.error.issues.map((i) => `${i.path.join('.') || 'settings'}: ${i.message}`));
    const problems = flow.settings.check?.(parsed.data) ?? [];
    if (problems.length > 0) throw new InvalidSettingsError(problems);
    await this.#store.syncSettings.saveEdits(connectionId, name, parsed.data);
    await this.#queueParts(connectionId, name);
    return (await this.settings(connectionId, name)).settings;
  }

  /** Turning a sync on for the first time starts its first sync; turning it back on resumes from the checkpoints. */
  async setEnabled(connectionId: string, name: string, enabled: boolean): Promise<void> {
    const flow = this.#ownFlow(name);
    await this.#store.syncSettings.setEnabled(connectionId, name, enabled, flow.settings.defaults() as Record<string, unknown>);
    if (!enabled) return;
    const { settings } = await this.settings<{ firstSyncCompletedAt?: string }>(connectionId, name);
    const queue = settings.firstSyncCompletedAt === undefined ? QUEUES.firstSync : QUEUES.reconcile;
    await this.#jobs.send(queue, { connectionId, object: name }, { singletonKey: `${connectionId}:${name}` });
    await this.#queueParts(connectionId, name);
  }

  /** Forgets the sync's settings, links, checkpoints and the flow's own state. Records in HubSpot and QBO are never deleted. */
  async deleteSync(connectionId: string, name: string): Promise<void> {
    const flow = this.#ownFlow(name);
    await this.#store.syncSettings.delete(connectionId, name);
    for (const f of [flow, ...this.#parts(name)]) await f.forget?.(this.#store, connectionId);
  }

  // ── running ───────────────────────────────────────────────────────────────────────────────────────────

  /** Queues a sync of these records (a retry, a record the app just made), through the inbox as a webhook's change. */
  async enqueueChanges(connectionId: string, name: string, changes: ChangeSet): Promise<void> {
    this.#flow(name);
    await this.intake([
      {
        source: 'app',
        eventId: randomUUID(),
        accountId: connectionId,
        connectionId,
        flow: name,
        changes: changes as Record<string, unknown>,
        payload: changes,
      },
    ]);
  }

  /** Queues again the records these failed sync-log entries name, flow by flow; returns how many were queued. */
  async retryFailed(connectionId: string, failed: readonly LoggedSyncEntry[]): Promise<number> {
    let queued = 0;
    for (const flow of this.flows) {
      const changes = await flow.retryOf(
        failed.filter((e) => e.object === (flow.directionOf?.flow ?? flow.name)),
        { store: this.#store, connectionId },
      );
      if (isEmptyChangeSet(changes)) continue;
      await this.enqueueChanges(connectionId, flow.name, changes);
      queued += [changes.hubspot, changes.qbo].reduce((n, side) => n + Object.values(side ?? {}).reduce((m, ids) => m + ids.length, 0), 0);
    }
    return queued;
  }

  async preview<P = unknown>(connectionId: string, name: string): Promise<P> {
    const flow = this.#flow(name);
    const { settings } = await this.settings(connectionId, name);
    return (await flow.preview(this.#context(await this.#activeConnection(connectionId), flow, settings, new AbortController().signal))) as P;
  }

  /**
   * Syncs these records now, in this process, whether or not the sync is on, with its settings adjusted for this run:
   * what "Create invoice" does to link (or create) a deal's contact and products in QBO before it bills them. Under the
   * flow's lease like any run: while another run holds it, RetryLater, for the caller to defer. With a call profile the
   * provider clients fail fast instead of waiting out a rate limit or an outage.
   */
  async syncNow<S extends object>(
    connectionId: string,
    name: string,
    changes: ChangeSet,
    options: { adjust?: (settings: S) => S; profile?: CallProfile } = {},
  ): Promise<object> {
    const flow = this.#flow(name);
    const lease = await this.#leases.acquire({ connectionId, flow: name });
    if (!lease) throw new RetryLater(`the ${name} sync is busy for this connection`);
    try {
      const { settings } = await this.settings<S>(connectionId, name);
      const adjusted = options.adjust ? options.adjust(settings) : settings;
      return await flow.changed(this.#context(await this.#activeConnection(connectionId), flow, adjusted, lease.signal, options.profile), changes);
    } finally {
      await this.#release(lease, connectionId, name);
    }
  }

  /**
   * Runs a first sync now, in this process (sandbox set-up, tests, the benchmark), whether or not the sync is on or has
   * had one (run again, it pairs by the links it made); a queued first sync runs the same way, for a sync that is on and
   * has not had one. Without a progress callback, progress goes to the log every tenth of the way.
   */
  async runFirstSync<C extends object = Record<string, number>>(connectionId: string, name: string, progress?: Progress): Promise<C> {
    const flow = this.#flow(name);
    const outcome = await this.#run('first_sync', connectionId, flow, { progress, anyState: true });
    if (outcome === 'busy') throw new RetryLater(`another ${name} run is in progress for this connection; try again when it has finished`);
    if (outcome === 'disconnected') throw new ReconnectRequired('the first sync stopped: reconnect HubSpot or QuickBooks on the settings page');
    return outcome as C;
  }

  /**
   * The scheduler's tick: connections a provider refused are asked again (their tokens may work again: the connection
   * comes back by itself), then one reconciliation per active connection and enabled, started sync.
   */
  async tick(): Promise<void> {
    for (const connection of await this.#store.connections.refusedTokens()) {
      const keeper = connection.reauthProvider === 'hubspot' ? this.#clients.hubspotTokens : this.#clients.qboTokens;
      if (await keeper.revive(connection.id))
        this.#log.info({ connectionId: connection.id, provider: connection.reauthProvider }, 'tokens work again; the connection is active and syncs resume');
    }
    for (const connection of await this.#store.connections.active()) {
      for (const flow of this.flows) {
        const { enabled, settings } = await this.settings<{ firstSyncCompletedAt?: string }>(connection.id, flow.name);
        if (!enabled || settings.firstSyncCompletedAt === undefined) continue;
        await this.#jobs.send(QUEUES.reconcile, { connectionId: connection.id, object: flow.name }, { singletonKey: `${connection.id}:${flow.name}` });
      }
    }
  }

  /** The inbox's upkeep: flows with events whose run never came are queued again; events older than a week are forgotten. */
  async tendInbox(): Promise<void> {
    const now = this.#now();
    const due = await this.#store.inbox.takeForReplay(now, INBOX_REPLAY);
    if (due.length > 0) this.#log.warn({ events: due.length }, 'webhook events whose run never came are queued again');
    await this.#queueRuns(due);
    const pruned = await this.#store.inbox.prune(new Date(now.getTime() - INBOX_RETENTION_MS));
    if (pruned.unprocessed > 0) this.#log.warn(pruned, 'forgot webhook events never processed after a week (reconciliation covered them)');
  }

  async #flowJob(queue: string, kind: SyncRunKind, job: FlowJob): Promise<void> {
    const flow = this.flow(job.object);
    if (!flow) return;
    const outcome = await this.#run(kind, job.connectionId, flow);
    // A changes run that finds the flow busy just ends: the run holding it queues one for the inbox when it lets go.
    if (outcome === 'busy' && kind !== 'changes')
      await this.#jobs.send(queue, job, { singletonKey: `${job.connectionId}:${job.object}`, startAfterSeconds: BUSY_RETRY_SECONDS });
    // A sync that is off, or a connection that is not active, has nothing to do with the changes it was sent:
    // reconciliation catches up once it runs again.
    if (kind === 'changes' && (outcome === 'off' || outcome === 'disconnected'))
      await this.#store.inbox.markAllProcessed(job.connectionId, job.object, this.#now());
  }

  /**
   * A changes run: what the inbox holds for the connection and flow, in passes of at most INBOX_PASS events, each marked
   * processed once synced. A short pass ends the run: what arrives meanwhile (mostly QBO's and HubSpot's notifications
   * of the run's own writes) waits for the next run, which the release queues, and is read together with whatever
   * else has arrived by then instead of in a pass of its own: QBO meters reads.
   */
  async #syncInbox(ctx: FlowContext<object>, flow: Flow): Promise<object> {
    let total: Record<string, number> = {};
    for (;;) {
      const pass = await this.#store.inbox.pending(ctx.connectionId, flow.name, INBOX_PASS);
      if (pass.length === 0) return total;
      const changes = pass.reduce<ChangeSet>((all, w) => {
        const parsed = ChangeSetSchema.safeParse(w.changes);
        return parsed.success ? mergeChanges(all, parsed.data as ChangeSet) : all;
      }, {});
      total = addCounts(total, runCounts(await flow.changed(ctx, changes)));
      await this.#store.inbox.markProcessed(
        pass.map((w) => w.id),
        this.#now(),
      );
      if (pass.length < INBOX_PASS) return total;
    }
  }

  /**
   * One run under the flow's lease: `busy` while another run holds it, `off` when the sync is off (or not started, or
   * a first sync already done; `anyState` runs it anyway), `disconnected` when the connection is not active or needs a
   * reconnect; else the run's counts.
   */
  async #run(
    kind: SyncRunKind,
    connectionId: string,
    flow: Flow,
    run: { progress?: Progress | undefined; anyState?: boolean } = {},
  ): Promise<object | 'busy' | 'off' | 'disconnected'> {
    const { progress } = run;
    const lease = await this.#leases.acquire({ connectionId, flow: flow.name });
    if (!lease) return 'busy';
    try {
      // Read under the lease: what the previous run (or an admin meanwhile) left is what this run starts from.
      const { enabled, settings } = await this.settings<{ firstSyncCompletedAt?: string }>(connectionId, flow.name);
      const started = settings.firstSyncCompletedAt !== undefined;
      if (!run.anyState && (!enabled || (kind === 'first_sync' ? started : !started))) return 'off';
      const counts = await this.#guarded(connectionId, flow, lease, settings, async (ctx) => {
        if (kind === 'first_sync') return flow.firstSync(ctx, progress ?? this.#logProgress(connectionId, flow.name));
        if (kind === 'reconcile') return flow.reconcile(ctx);
        return this.#syncInbox(ctx, flow);
      });
      if (counts === undefined) return 'disconnected';
      if (kind === 'first_sync') {
        await this.#store.syncSettings.markFirstSyncCompleted(connectionId, flow.name, this.#now(), flow.settings.defaults() as Record<string, unknown>);
        await this.#queueParts(connectionId, flow.name);
      }
      await this.#store.syncRuns.record(connectionId, { object: flow.name, kind, finishedAt: this.#now(), counts: runCounts(counts) });
      recordSyncCounts(this.#metrics, flow.name, counts);
      this.#log.info({ connectionId, object: flow.name, kind, ...counts }, kind === 'first_sync' ? 'first sync finished' : 'sync run finished');
      return counts;
    } finally {
      await this.#release(lease, connectionId, flow.name);
    }
  }

  /**
   * Ends a run. Changes that arrived while it held the lease, whose own run found the flow busy and ended, are still in
   * the inbox: a changes run is queued for them (at most one waits per flow, so this costs nothing when one already does).
   */
  async #release(lease: HeldLease, connectionId: string, flow: string): Promise<void> {
    await lease.release();
    if ((await this.#store.inbox.pending(connectionId, flow, 1)).length > 0) await this.#queueChangesRun(connectionId, flow);
  }

  /**
   * Runs a flow's work for an active connection; a connection that is not (disconnected, or waiting for a reconnect) is
   * left as it is and nothing runs (undefined). A connection found dead during the run is not worth retrying: it is
   * marked for the admin and the run ends (undefined); reconciliation catches up once it is reconnected. Anything else,
   * RetryLater included, fails the job so pg-boss retries it with backoff.
   */
  async #guarded<T>(
    connectionId: string,
    flow: Flow,
    lease: HeldLease,
    settings: object,
    work: (ctx: FlowContext<object>) => Promise<T>,
  ): Promise<T | undefined> {
    const connection = await this.#store.connections.get(connectionId);
    if (!connection || connection.status !== 'active') return undefined;
    try {
      const ctx = this.#context(connection, flow, settings, lease.signal);
      if (flow.prepare && !this.#prepared.has(`${connectionId}:${flow.name}`)) {
        await flow.prepare(ctx);
        this.#prepared.add(`${connectionId}:${flow.name}`);
      }
      return await work(ctx);
    } catch (err) {
      if (!(err instanceof ReconnectRequired)) throw err;
      await this.#store.connections.setStatus(connectionId, 'reauth_required', err.message);
      this.#log.warn({ connectionId, object: flow.name, reason: err.message }, 'sync stopped: the connection needs to be reconnected');
      return undefined;
    }
  }

  #context(connection: Connection, flow: Flow, settings: object, signal: AbortSignal, profile?: CallProfile): FlowContext<never> {
    return {
      connectionId: connection.id,
      settings: settings as never,
      store: this.#store,
      hubspot: this.#clients.hubspot(connection, profile),
      qbo: this.#clients.qbo(connection, profile),
      log: this.#log.child({ connectionId: connection.id, object: flow.name }),
      now: this.#now,
      environment: this.#clients.settings.quickbooks.environment,
      signal,
      syncOther: async (name, changes, adjust) => {
        await this.syncNow(connection.id, name, changes, { adjust, ...(profile === undefined ? {} : { profile }) });
      },
      enqueue: (name, changes) => this.enqueueChanges(connection.id, name, changes),
    };
  }

  /** The connection a run works for, only while both providers are connected and healthy. */
  async #activeConnection(connectionId: string): Promise<Connection> {
    const connection = await this.#store.connections.get(connectionId);
    if (!connection || connection.status !== 'active') {
      throw new ReconnectRequired(`connection ${connectionId} is ${connection?.status ?? 'missing'}: connect HubSpot and QuickBooks on the settings page`);
    }
    return connection;
  }

  #logProgress(connectionId: string, object: string): Progress {
    let logged = 0;
    return ({ phase, done, total }) => {
      if (done < total && done - logged < total / 10) return;
      logged = done;
      this.#log.info({ connectionId, object, phase, done, total }, `first sync of ${object}: ${done}/${total}`);
    };
  }
}

/** Two runs' counts in one: each outcome summed. */
function addCounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out = { ...a };
  for (const [k, n] of Object.entries(b)) out[k] = (out[k] ?? 0) + n;
  return out;
}
