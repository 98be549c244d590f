/**
 * Outbound change notifications: CloudEvents (a JSON array, `qbo.<entity>.<verb>.v1`)
 * or the legacy `eventNotifications` payload, signed with `intuit-signature` =
 * base64(HMAC-SHA256(verifier token, raw body)), retried on any non-200 answer on Intuit's schedule.
 * https://developer.intuit.com/app/developer/qbo/docs/develop/webhooks
 * https://blogs.a.intuit.com/2025/11/12/upcoming-change-to-webhooks-payload-structure
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { Clock } from '../shared/clock';
import type { Change, Operation } from './entities/types';

export type WebhookFormat = 'cloudevents' | 'legacy';

export interface WebhookTarget {
  url: string;
  format: WebhookFormat;
}

export interface DeliveryAttempt {
  url: string;
  body: string;
  signature: string;
  attempt: number;
  at: Date;
  status: number | 'network-error';
}

/** Retries follow at 10 s, 20 s, 30 s, 5 min, 20 min, 2 h, 4 h, 6 h (https://developer.intuit.com/app/developer/qbo/docs/develop/webhooks/best-practices). */
export const RETRY_DELAYS_MS = [10_000, 20_000, 30_000, 300_000, 1_200_000, 7_200_000, 14_400_000, 21_600_000];

/** Up to 100 events per POST (https://github.com/IntuitDeveloper/SampleApp-Webhooks-Java-Cloudevents/blob/HEAD/webinar-qa/2025-02-05-webhooks-webinar.md). */
const MAX_EVENTS_PER_POST = 100;

const VERBS: Record<Operation, string> = { Create: 'created', Update: 'updated', Delete: 'deleted', Void: 'voided', Emailed: 'emailed' };

interface Delivery {
  target: WebhookTarget;
  body: string;
  attempts: number;
  nextAt: number;
}

export function signPayload(body: string, verifierToken: string): string {
  return createHmac('sha256', verifierToken).update(body).digest('base64');
}

export function cloudEvent(change: Change): Record<string, unknown> {
  return {
    specversion: '1.0',
    id: randomUUID(),
    source: `intuit.${Buffer.from(change.realmId).toString('base64')}`,
    type: `qbo.${change.entity.toLowerCase()}.${VERBS[change.operation]}.v1`,
    datacontenttype: 'application/json',
    time: change.at.toISOString(),
    intuitentityid: change.id,
    intuitaccountid: change.realmId,
    data: {},
  };
}

export function legacyPayload(changes: readonly Change[]): Record<string, unknown> {
  // "Event notifications are sent one realm ID at a time" (https://developer.intuit.com/app/developer/qbo/docs/develop/webhooks/best-practices).
  const realms = [...new Set(changes.map((c) => c.realmId))];
  return {
    eventNotifications: realms.map((realmId) => ({
      realmId,
      dataChangeEvent: {
        entities: changes
          .filter((c) => c.realmId === realmId)
          .map((c) => ({ id: c.id, operation: c.operation, name: c.entity, lastUpdated: c.at.toISOString() })),
      },
    })),
  };
}

export class WebhookEmitter {
  target: WebhookTarget | undefined;
  dropping = false;
  readonly attempts: DeliveryAttempt[] = [];
  readonly dropped: Change[] = [];
  #pending: Change[] = [];
  #deliveries: Delivery[] = [];
  #running: Promise<void> | undefined;
  #timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly clock: Clock,
    private readonly fetchImpl: typeof fetch,
    private readonly verifierToken: () => string,
  ) {}

  enqueue(change: Change): void {
    if (this.dropping || !this.target) {
      this.dropped.push(change);
      return;
    }
    this.#pending.push(change);
    this.#wake(0);
  }

  /** Resolves when every pending delivery, including retries due at the current clock, has been attempted. */
  async flush(): Promise<void> {
    for (;;) {
      if (this.#running) await this.#running;
      const now = this.clock.now().getTime();
      if (this.#pending.length === 0 && !this.#deliveries.some((d) => d.nextAt <= now)) return;
      await this.#run();
    }
  }

  pendingDeliveries(): number {
    return this.#pending.length + this.#deliveries.length;
  }

  reset(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.#pending = [];
    this.#deliveries = [];
    this.attempts.length = 0;
    this.dropped.length = 0;
  }

  #wake(ms: number): void {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      void this.#run();
    }, ms);
    t.unref();
    this.#timers.add(t);
  }

  #run(): Promise<void> {
    if (!this.#running) {
      this.#running = this.#deliverDue().finally(() => {
        this.#running = undefined;
      });
    }
    return this.#running;
  }

  #batch(): void {
    const target = this.target;
    if (!target || this.#pending.length === 0) return;
    const changes = this.#pending.splice(0);
    for (let i = 0; i < changes.length; i += MAX_EVENTS_PER_POST) {
      const chunk = changes.slice(i, i + MAX_EVENTS_PER_POST);
      const body = JSON.stringify(target.format === 'cloudevents' ? chunk.map(cloudEvent) : legacyPayload(chunk));
      this.#deliveries.push({ target, body, attempts: 0, nextAt: this.clock.now().getTime() });
    }
  }

  async #deliverDue(): Promise<void> {
    this.#batch();
    const now = this.clock.now().getTime();
    const due = this.#deliveries.filter((d) => d.nextAt <= now);
    for (const d of due) {
      const signature = signPayload(d.body, this.verifierToken());
      let status: DeliveryAttempt['status'];
      try {
        const res = await this.fetchImpl(d.target.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'intuit-signature': signature },
          body: d.body,
        });
        status = res.status;
        await res.body?.cancel();
      } catch {
        status = 'network-error';
      }
      d.attempts += 1;
      this.attempts.push({ url: d.target.url, body: d.body, signature, attempt: d.attempts, at: this.clock.now(), status });
      const delay = RETRY_DELAYS_MS[d.attempts - 1];
      if (status === 200 || delay === undefined) {
        this.#deliveries = this.#deliveries.filter((x) => x !== d);
      } else {
        d.nextAt = this.clock.now().getTime() + delay;
        this.#wake(delay);
      }
    }
  }
}
