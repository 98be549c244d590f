/**
 * Client-side throttle per realm, so we stay under QBO's limits instead of discovering them as 429s
 * (https://developer.intuit.com/app/developer/qbo/docs/learn/limits-and-throttles;
 * https://blogs.intuit.com/2016/08/08/idg-concurrent-api-use-changes-coming-soon/): at most 10 requests in flight and
 * at most 500 started in any rolling 60 s. Waiters are served first come, first served. One process only: many workers
 * on one realm share QBO's budget, which is why the client still backs off on 429.
 */
export interface LimiterClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface RateLimits {
  maxInFlight: number;
  perMinute: number;
}

export const QBO_LIMITS: RateLimits = { maxInFlight: 10, perMinute: 500 };
/**
 * The batch endpoint's own throttle: 40 batch requests a minute per company and app
 * (https://developer.intuit.com/app/developer/qbo/docs/learn/limits-and-throttles). A batch also takes a turn of the
 * realm's limiter, as one request of its 500.
 */
export const QBO_BATCH_LIMITS: RateLimits = { maxInFlight: 10, perMinute: 40 };

const WINDOW_MS = 60_000;

const systemClock: LimiterClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export class QboRateLimiter {
  readonly #clock: LimiterClock;
  readonly #limits: RateLimits;
  #inFlight = 0;
  /** Start times within the last minute, oldest first. */
  #starts: number[] = [];
  /** The previous caller's turn: acquisitions are chained so they are granted in arrival order. */
  #queue: Promise<void> = Promise.resolve();
  #onRelease: (() => void) | undefined;

  constructor(options: { clock?: LimiterClock; limits?: RateLimits } = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#limits = options.limits ?? QBO_LIMITS;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** Runs `task` once there is room, holding a slot until it settles. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await task();
    } finally {
      release();
    }
  }

  /** Waits for a slot; call the returned function exactly once when the request has finished. */
  acquire(): Promise<() => void> {
    const turn = this.#queue.then(() => this.#waitForRoom());
    this.#queue = turn.catch(() => undefined);
    return turn.then(() => {
      let released = false;
      return () => {
        if (released) return;
        released = true;
        this.#inFlight -= 1;
        const wake = this.#onRelease;
        this.#onRelease = undefined;
        wake?.();
      };
    });
  }

  async #waitForRoom(): Promise<void> {
    for (;;) {
      if (this.#inFlight >= this.#limits.maxInFlight) {
        await new Promise<void>((resolve) => (this.#onRelease = resolve));
        continue;
      }
      const now = this.#clock.now();
      while (this.#starts.length > 0 && (this.#starts[0] ?? 0) <= now - WINDOW_MS) this.#starts.shift();
      const oldest = this.#starts[0];
      if (oldest !== undefined && this.#starts.length >= this.#limits.perMinute) {
        await this.#clock.sleep(oldest + WINDOW_MS - now);
        continue;
      }
      this.#inFlight += 1;
      this.#starts.push(now);
      return;
    }
  }
}

const limiters = new Map<string, QboRateLimiter>();

/** The process-wide limiter for a realm (or for its batch requests): every client for that company shares it. */
export function limiterForRealm(realmId: string, kind: 'requests' | 'batches' = 'requests'): QboRateLimiter {
  const key = `${kind}:${realmId}`;
  let limiter = limiters.get(key);
  if (!limiter) {
    limiter = new QboRateLimiter(kind === 'batches' ? { limits: QBO_BATCH_LIMITS } : {});
    limiters.set(key, limiter);
  }
  return limiter;
}
