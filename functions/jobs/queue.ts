import { PgBoss, fromPglite, systemClock, type Clock, type Job } from 'pg-boss';
import type { Db } from '../store/db';
import type { Logger } from '../log';

export interface QueueDefinition {
  name: string;
  /** Attempts after the first; then the job moves to `<name>.dead`. */
  retryLimit: number;
  retryDelaySeconds: number;
  /** Exponential backoff with jitter from pg-boss: retryDelay × 2^n, capped by retryDelayMaxSeconds. */
  retryBackoff: boolean;
  retryDelayMaxSeconds?: number;
  /** How long a job may stay active, however alive its worker (pg-boss allows at most 24 h). */
  expireInSeconds?: number;
  /**
   * A job whose worker stops sending heartbeats for this long (it was killed, its machine lost) is failed and retried
   * by another worker; a live worker sends them on its own (pg-boss queue option `heartbeatSeconds`, at least 10).
   */
  heartbeatSeconds?: number;
  /**
   * `stately` keeps at most one queued and one running job per singleton key: one sync run per
   * connection and object, with one follow-up queued behind it (pg-boss docs, queue policies).
   */
  policy?: 'standard' | 'stately';
}

export interface SendOptions {
  singletonKey?: string;
  startAfterSeconds?: number;
  /** A caller-chosen id makes a send idempotent. */
  id?: string;
}

export interface DeadLetter<T> {
  id: string;
  data: T;
  failedAt: Date;
}

export type JobHandler<T> = (data: T, job: { id: string; retryCount: number }) => Promise<void>;

export interface JobsOptions {
  db: Db;
  /** pg-boss's own schema; tests give each suite its own. */
  schema?: string;
  /** A pg-boss TestClock in tests: retries and schedules advance with `tick`, never with sleeps. */
  clock?: Clock;
  spies?: boolean;
  pollingIntervalSeconds?: number;
  /**
   * Whether this process runs pg-boss's supervision (expiring jobs whose worker died, retries) and its cron: a worker
   * does; a web-only process, which only sends jobs, does not.
   */
  supervise?: boolean;
  /** How often supervision looks for jobs to expire; a fraction of the shortest heartbeat, so a dead worker's job moves on soon. */
  superviseIntervalSeconds?: number;
  log: Logger;
  /** Told how long each handler call took (wall clock): the benchmark sums the product's own work with it. */
  onHandled?: (queue: string, ms: number) => void;
}

const deadLetterOf = (name: string) => `${name}.dead`;

/** The product's only door to pg-boss: definitions, send, work, schedules and dead letters. */
export class Jobs {
  readonly boss: PgBoss;
  /** pg-boss's clock: the system's, or a test's TestClock. The runner times its lease heartbeats on it too. */
  readonly clock: Clock;
  readonly #log: Logger;
  readonly #onHandled: ((queue: string, ms: number) => void) | undefined;
  readonly #polling: number;
  readonly #schema: string;
  #started = false;
  #running = 0;
  readonly #stately = new Set<string>();
  #idleWaiters: (() => void)[] = [];

  constructor(options: JobsOptions) {
    const { db, schema = 'pgboss', clock, spies = false, log, supervise = true } = options;
    const common = {
      schema,
      __test__enableSpies: spies,
      supervise,
      schedule: supervise,
      // Heartbeats are checked in each queue's monitor pass, which runs at most every monitorIntervalSeconds.
      ...(options.superviseIntervalSeconds === undefined
        ? {}
        : { superviseIntervalSeconds: options.superviseIntervalSeconds, monitorIntervalSeconds: options.superviseIntervalSeconds }),
      ...(clock === undefined ? {} : { clock }),
    };
    this.clock = clock ?? systemClock;
    this.boss =
      db.kind === 'pglite' ? new PgBoss({ ...common, db: fromPglite(db.pglite) }) : new PgBoss({ ...common, connectionString: db.connectionString, max: 4 });
    this.#log = log;
    this.#onHandled = options.onHandled;
    this.#schema = schema;
    this.#polling = options.pollingIntervalSeconds ?? 1;
    this.boss.on('error', (err) => this.#log.error({ err }, 'job queue error'));
  }

  async start(): Promise<void> {
    await this.boss.start();
    this.#started = true;
  }

  async define(def: QueueDefinition): Promise<void> {
    const options = {
      retryLimit: def.retryLimit,
      retryDelay: def.retryDelaySeconds,
      retryBackoff: def.retryBackoff,
      ...(def.retryDelayMaxSeconds === undefined ? {} : { retryDelayMax: def.retryDelayMaxSeconds }),
      ...(def.expireInSeconds === undefined ? {} : { expireInSeconds: def.expireInSeconds }),
      ...(def.heartbeatSeconds === undefined ? {} : { heartbeatSeconds: def.heartbeatSeconds }),
    };
    await this.boss.createQueue(deadLetterOf(def.name), { retryLimit: 0 });
    await this.boss.createQueue(def.name, { ...options, policy: def.policy ?? 'standard', deadLetter: deadLetterOf(def.name) });
    // createQueue leaves a queue that already exists as it was: a deployment that changed its retry, expiry or heartbeat
    // options gets them here (a queue's policy cannot change).
    await this.boss.updateQueue(def.name, options);
    if (def.policy === 'stately') this.#stately.add(def.name);
  }

  send<T extends object>(name: string, data: T, options: SendOptions = {}): Promise<string | null> {
    return this.boss.send(name, data, {
      ...(options.singletonKey === undefined ? {} : { singletonKey: options.singletonKey }),
      ...(options.startAfterSeconds === undefined ? {} : { startAfter: options.startAfterSeconds }),
      ...(options.id === undefined ? {} : { id: options.id }),
    });
  }

  /** One job per handler call; a thrown error fails the attempt and pg-boss schedules the retry. */
  async work<T>(name: string, handler: JobHandler<T>, options: { concurrency?: number } = {}): Promise<void> {
    await this.boss.work<T>(
      name,
      { batchSize: 1, localConcurrency: options.concurrency ?? 1, pollingIntervalSeconds: this.#polling },
      async (jobs: Job<T>[]) => {
        this.#running++;
        const started = performance.now();
        try {
          for (const job of jobs) {
            try {
              await handler(job.data, { id: job.id, retryCount: job.retryCount });
            } catch (err) {
              this.#log.warn({ err, queue: name, jobId: job.id, attempt: job.retryCount + 1 }, 'job attempt failed');
              throw err;
            }
          }
        } finally {
          this.#onHandled?.(name, performance.now() - started);
          if (--this.#running === 0) for (const wake of this.#idleWaiters.splice(0)) wake();
        }
      },
    );
  }

  /**
   * Cron in UTC; `key` lets one queue carry a schedule per connection. Occurrences missed while no process
   * was running are made up once, not skipped: a reconciliation owed is still owed after a restart.
   */
  schedule(name: string, cron: string, data: object, key?: string): Promise<void> {
    return this.boss.schedule(name, cron, data, { missed: 'once', ...(key === undefined ? {} : { key }) });
  }

  unschedule(name: string, key?: string): Promise<void> {
    return this.boss.unschedule(name, key);
  }

  async deadLetters<T>(name: string): Promise<DeadLetter<T>[]> {
    const jobs = await this.boss.findJobs<T>(deadLetterOf(name), { queued: true });
    return jobs.map((j) => ({ id: j.id, data: j.data, failedAt: new Date(j.createdOn) }));
  }

  /**
   * Moves dead letters back to the queue they failed in, as fresh jobs (an admin's "retry failed"), and returns how
   * many were moved. `data` narrows it to jobs whose payload contains that object, e.g. one connection's. A `stately`
   * queue holds one queued job per key, so letters left behind are the same work as the one just queued: discarded.
   */
  async retryDeadLetters(name: string, filter: { ids?: string[]; data?: object } = {}): Promise<number> {
    const moved = await this.boss.redrive(deadLetterOf(name), filter);
    if (this.#stately.has(name)) {
      const wanted = Object.entries(filter.data ?? {});
      const left = (await this.deadLetters<Record<string, unknown>>(name)).filter(
        (d) => (filter.ids === undefined || filter.ids.includes(d.id)) && wanted.every(([k, v]) => d.data[k] === v),
      );
      if (left.length > 0)
        await this.boss.deleteJob(
          deadLetterOf(name),
          left.map((d) => d.id),
        );
    }
    return moved;
  }

  /**
   * Jobs not yet settled (created, retry or active) across every queue. Reads pg-boss's job table directly:
   * its stats API is a cache refreshed on an interval, too coarse for tests and progress output.
   */
  async pending(): Promise<number> {
    const { rows } = await this.boss
      .getDb()
      .executeSql(`SELECT count(*)::int AS n FROM ${this.#schema}.job WHERE state IN ('created', 'retry', 'active') AND name NOT LIKE '%.dead'`);
    return (rows[0] as { n: number }).n;
  }

  /** Resolves when no handler of this process is running (tests and progress output wait on it, not on time). */
  whenHandlersIdle(): Promise<void> {
    if (this.#running === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  async healthy(): Promise<boolean> {
    return this.#started && (await this.boss.isInstalled());
  }

  async stop(): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    await this.boss.stop({ graceful: true, timeout: 10_000 });
  }
}
