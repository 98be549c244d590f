import type { Clock } from 'pg-boss';
import type { Logger } from '../log';
import type { LeaseKey, LeaseStore } from '../store/leases';
import { RetryLater } from './shared/failures';

export interface LeaseOptions {
  /** How long a lease lasts unless renewed: far longer than any pause of a live process, short enough for a dead one. */
  ttlMs: number;
  /** This process's name among the holders; each run holds under its own name within it. */
  holder: string;
}

/** A lease held for one run: renewed on a timer while the run works; its signal aborts if another run took it over. */
export interface HeldLease {
  signal: AbortSignal;
  release(): Promise<void>;
}

/**
 * One run per connection and flow across every process sharing the database. The holder's heartbeat renews the
 * lease every third of its length, so a run of any duration keeps it; a process that died stops renewing and its
 * lease expires for the next run to take. Should a run ever stall past its lease's end (a frozen event loop) and
 * another take over, the heartbeat finds the lease gone and aborts the stalled run before its next step.
 */
export class Leases {
  readonly #store: LeaseStore;
  readonly #options: LeaseOptions;
  readonly #now: () => Date;
  readonly #timers: Pick<Clock, 'setInterval' | 'clearInterval'>;
  readonly #log: Logger;
  #runs = 0;

  constructor(deps: { store: LeaseStore; now: () => Date; timers: Pick<Clock, 'setInterval' | 'clearInterval'>; log: Logger }, options: LeaseOptions) {
    this.#store = deps.store;
    this.#now = deps.now;
    this.#timers = deps.timers;
    this.#log = deps.log;
    this.#options = options;
  }

  /** The lease, with its heartbeat running; undefined while another run (of this process or another) holds it. */
  async acquire(key: LeaseKey): Promise<HeldLease | undefined> {
    const { ttlMs } = this.#options;
    const holder = `${this.#options.holder}#${++this.#runs}`;
    if (!(await this.#store.acquire(key, holder, this.#now(), ttlMs))) return undefined;
    const lost = new AbortController();
    let beating = false;
    const heartbeat = this.#timers.setInterval(
      () => {
        if (beating || lost.signal.aborted) return;
        beating = true;
        this.#store
          .renew(key, holder, this.#now(), ttlMs)
          .then((held) => {
            if (held) return;
            this.#log.error({ ...key, holder }, 'sync run lost its lease to another run; stopping it');
            lost.abort(new RetryLater(`the ${key.flow} run stalled past its lease and another run took over`));
          })
          .catch((err: unknown) => this.#log.warn({ err, ...key }, 'could not renew the sync lease; trying again on the next beat'))
          .finally(() => (beating = false));
      },
      Math.max(1_000, Math.floor(ttlMs / 3)),
    );
    return {
      signal: lost.signal,
      release: async () => {
        this.#timers.clearInterval(heartbeat);
        await this.#store.release(key, holder);
      },
    };
  }
}
