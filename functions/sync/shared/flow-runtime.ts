import type { Jobs } from '../../jobs/queue';
import type { Logger } from '../../log';
import type { Connection } from '../../store/connections';
import type { Store } from '../../store/store';
import { ReconnectRequired } from './failures';

export interface FlowQueues {
  /** Records named by webhooks (or a retry from the settings page). */
  changes: string;
  /** Reconciliation polling: at most one queued and one running per singleton key (pg-boss `stately`). */
  reconcile: string;
  firstSync: string;
  /** The scheduler's tick that fans out reconciliation jobs. */
  tick: string;
}

/** Every flow's queues: retried with exponential backoff up to 10 minutes apart, then dead-lettered. */
export async function defineFlowQueues(jobs: Jobs, q: FlowQueues): Promise<void> {
  const retrying = { retryLimit: 8, retryDelaySeconds: 5, retryBackoff: true, retryDelayMaxSeconds: 600 };
  await jobs.define({ name: q.changes, ...retrying });
  await jobs.define({ name: q.reconcile, ...retrying, policy: 'stately' });
  await jobs.define({ name: q.firstSync, ...retrying, policy: 'stately', expireInSeconds: 3600 });
  await jobs.define({ name: q.tick, retryLimit: 0, retryDelaySeconds: 60, retryBackoff: false });
}

/** The connection a run works for, only while both providers are connected and healthy. */
export async function activeConnection(store: Store, connectionId: string): Promise<Connection> {
  const connection = await store.connections.get(connectionId);
  if (!connection || connection.status !== 'active') {
    throw new ReconnectRequired(`connection ${connectionId} is ${connection?.status ?? 'missing'}: connect HubSpot and QuickBooks on the settings page`);
  }
  return connection;
}

/**
 * Runs a flow's work for a connection. A dead connection is not worth retrying: it is marked for the admin
 * and the job ends (undefined); reconciliation catches up once it is reconnected. Anything else, RetryLater
 * included, fails the job so pg-boss retries it with backoff.
 */
export async function runUnlessDisconnected<T>(deps: { store: Store; log: Logger }, connectionId: string, object: string, work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof ReconnectRequired)) throw err;
    await deps.store.connections.setStatus(connectionId, 'reauth_required', err.message);
    deps.log.warn({ connectionId, object, reason: err.message }, 'sync stopped: the connection needs to be reconnected');
    return undefined;
  }
}

/**
 * One run at a time per key (connection and flow) in this process: a webhook job and a reconciliation that
 * both meet the same new record must not both create its twin. QBO creates are also protected by request
 * ids; HubSpot has no idempotency key, so this lock is what keeps a product from being created twice.
 */
export class KeyedLock {
  readonly #tails = new Map<string, Promise<unknown>>();

  /** A run holds the key or waits for it. */
  busy(key: string): boolean {
    return this.#tails.has(key);
  }

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const current = previous.then(fn, fn);
    const tail = current.catch(() => undefined);
    this.#tails.set(key, tail);
    try {
      return await current;
    } finally {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}
