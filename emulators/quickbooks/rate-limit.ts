/**
 * Per-realm throttling: at most `perMinute` requests in any 60 s of the emulator
 * clock and at most `maxInFlight` concurrent requests; past either, QBO answers 429 with code 3001.
 * https://developer.intuit.com/app/developer/qbo/docs/learn/limits-and-throttles
 * https://blogs.intuit.com/2016/08/08/idg-concurrent-api-use-changes-coming-soon/
 */
import type { Clock } from '../shared/clock';

export class RateLimiter {
  #recent = new Map<string, number[]>();
  #inFlight = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    public perMinute: number,
    public maxInFlight: number,
  ) {}

  /** Counts the request and reports whether it is within the budget; call `release` when it finishes. */
  admit(realmId: string): boolean {
    const now = this.clock.now().getTime();
    const recent = (this.#recent.get(realmId) ?? []).filter((t) => t > now - 60_000);
    const inFlight = this.#inFlight.get(realmId) ?? 0;
    if (recent.length >= this.perMinute || inFlight >= this.maxInFlight) {
      this.#recent.set(realmId, recent);
      return false;
    }
    recent.push(now);
    this.#recent.set(realmId, recent);
    this.#inFlight.set(realmId, inFlight + 1);
    return true;
  }

  release(realmId: string): void {
    this.#inFlight.set(realmId, Math.max(0, (this.#inFlight.get(realmId) ?? 0) - 1));
  }

  inFlight(realmId: string): number {
    return this.#inFlight.get(realmId) ?? 0;
  }

  reset(): void {
    this.#recent.clear();
    this.#inFlight.clear();
  }
}
