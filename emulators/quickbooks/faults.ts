/**
 * Fault injection for the control plane: the next N matching
 * data-API calls fail with 429 (JSON or XML body), 500, 503, a stale SyncToken (5010), run slowly, or
 * run and then hold their response (a client-side timeout after the server did the work).
 */
import { z } from 'zod';

export const faultSpec = z
  .object({
    kind: z.enum(['429', '429-xml', '500', '503', 'slow', 'timeout', 'stale-sync-token']),
    count: z.number().int().min(1).default(1),
    /** Only calls whose method and path (after `/v3/company/<realm>`) match are affected. */
    method: z.enum(['GET', 'POST']).optional(),
    pathIncludes: z.string().optional(),
    /** For `slow`: real milliseconds to wait before answering. */
    delayMs: z.number().int().min(0).default(0),
    /** For 429: the `Retry-After` header to send, in seconds (QBO may omit it; Intuit does not document it). */
    retryAfterSeconds: z.number().int().min(0).optional(),
  })
  .strict();

export type FaultSpec = z.input<typeof faultSpec>;
type ArmedFault = z.output<typeof faultSpec> & { remaining: number };

export class FaultInjector {
  #armed: ArmedFault[] = [];
  #held = new Set<() => void>();
  #heldWaiters: (() => void)[] = [];

  inject(spec: FaultSpec): void {
    const parsed = faultSpec.parse(spec);
    this.#armed.push({ ...parsed, remaining: parsed.count });
  }

  /** Takes the first armed fault matching the call (stale-sync-token only matches writes of existing objects). */
  take(method: string, path: string, isUpdateLike: boolean): ArmedFault | undefined {
    const f = this.#armed.find(
      (a) =>
        (a.method === undefined || a.method === method) &&
        (a.pathIncludes === undefined || path.includes(a.pathIncludes)) &&
        (a.kind !== 'stale-sync-token' || isUpdateLike),
    );
    if (!f) return undefined;
    f.remaining -= 1;
    if (f.remaining <= 0) this.#armed = this.#armed.filter((a) => a !== f);
    return f;
  }

  pending(): number {
    return this.#armed.reduce((n, a) => n + a.remaining, 0);
  }

  /** Holds a finished response until `releaseHeld` (or `clear`). */
  hold(): Promise<void> {
    return new Promise((resolve) => {
      this.#held.add(resolve);
      for (const w of this.#heldWaiters.splice(0)) w();
    });
  }

  /** Resolves once at least one response is being held. */
  whenHeld(): Promise<void> {
    if (this.#held.size > 0) return Promise.resolve();
    return new Promise((resolve) => this.#heldWaiters.push(resolve));
  }

  releaseHeld(): number {
    const n = this.#held.size;
    for (const r of this.#held) r();
    this.#held.clear();
    return n;
  }

  clear(): void {
    this.#armed = [];
    this.releaseHeld();
  }
}
