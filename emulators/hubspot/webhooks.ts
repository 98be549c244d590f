import type { Clock } from '../shared/clock';
import type { CrmChange } from './objects/records';
import { OBJECT_TYPES } from './objects/types';
import { signatureHeaders } from './signatures';

/**
 * Webhook delivery as HubSpot does it (https://developers.hubspot.com/docs/api/webhooks): a JSON array of up to 100
 * events per POST to the app's target URL, signed v1 + v3; retried up to 10 times over 24 h when the connection fails,
 * the response takes longer than 5 s, or the status is 4xx/5xx. Retries are scheduled on the emulator clock.
 */
export interface WebhookSubscription {
  subscriptionId: number;
  /** `contact.creation`-style (legacy) or `object.creation`-style (project apps). */
  subscriptionType: string;
  /** Required for `object.*` types: `contact`, `deal`, … */
  objectType?: string;
  /** For propertyChange: the one property to watch; absent = every property (emulator convenience). */
  propertyName?: string;
  active: boolean;
}

export type WebhookEvent = Record<string, unknown> & { eventId: number; subscriptionType: string; attemptNumber: number };

export interface DeliveryAttempt {
  at: string;
  url: string;
  attemptNumber: number;
  events: WebhookEvent[];
  status: number | 'network-error' | 'timeout' | 'dropped';
}

interface PendingBatch {
  events: WebhookEvent[];
  attemptNumber: number;
  dueAt: number;
}

export const MAX_BATCH = 100;
export const MAX_ATTEMPTS = 10;
export const RESPONSE_TIMEOUT_MS = 5000;
/** Retry delays after attempt n (ms): doubling from 1 minute, the 10 attempts spread over roughly 24 hours. */
export const RETRY_DELAYS_MS = [60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000, 28_800_000, 28_800_000];

const KINDS = new Set(['creation', 'deletion', 'propertyChange', 'merge']);

export function defaultSubscriptions(): WebhookSubscription[] {
  const subs: WebhookSubscription[] = [];
  let id = 1_000;
  for (const info of Object.values(OBJECT_TYPES)) {
    for (const kind of ['creation', 'propertyChange', 'deletion', 'merge']) {
      if (info.webhookPrefix) {
        subs.push({ subscriptionId: id++, subscriptionType: `${info.webhookPrefix}.${kind}`, active: true });
      } else {
        subs.push({ subscriptionId: id++, subscriptionType: `object.${kind}`, objectType: info.singular, active: true });
      }
    }
  }
  return subs;
}

export interface WebhookOptions {
  clock: Clock;
  fetch: typeof fetch;
  portalId: number;
  appId: number;
  clientSecret: string;
  /** Deliver on a macrotask after each change (standalone mode); tests can leave it on and still call flush(). */
  autoDeliver: boolean;
}

export class WebhookDispatcher {
  target: string | undefined;
  subscriptions: WebhookSubscription[] = defaultSubscriptions();
  /** `true`: events are generated and logged but never delivered (proves reconciliation catches lost webhooks). */
  dropMode = false;
  readonly emitted: WebhookEvent[] = [];
  readonly attempts: DeliveryAttempt[] = [];
  private queue: WebhookEvent[] = [];
  private pending: PendingBatch[] = [];
  private inFlight = new Set<Promise<void>>();
  private nextEventId = 1;
  private scheduled = false;

  constructor(private readonly opts: WebhookOptions) {}

  reset(): void {
    this.target = undefined;
    this.subscriptions = defaultSubscriptions();
    this.dropMode = false;
    this.emitted.length = 0;
    this.attempts.length = 0;
    this.queue = [];
    this.pending = [];
  }

  /** Turns one CRM change into events for every matching active subscription. */
  record(change: CrmChange): void {
    const info = OBJECT_TYPES[change.type];
    for (const sub of this.subscriptions) {
      if (!sub.active || !this.matches(sub, change)) continue;
      const event: WebhookEvent = {
        eventId: this.nextEventId++,
        subscriptionId: sub.subscriptionId,
        portalId: this.opts.portalId,
        appId: this.opts.appId,
        occurredAt: change.at.getTime(),
        subscriptionType: sub.subscriptionType,
        attemptNumber: 0,
        objectId: Number(change.id),
        ...(sub.subscriptionType.startsWith('object.') ? { objectTypeId: info.typeId } : {}),
        ...this.details(change),
        changeSource: change.actor.changeSource,
        ...(change.actor.sourceId !== undefined ? { sourceId: change.actor.sourceId } : {}),
      };
      this.emitted.push(event);
      this.queue.push(event);
    }
    if (this.opts.autoDeliver && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        void this.flush();
      });
    }
  }

  /** Attempts every queued batch and every retry due at the current clock, and waits for them. */
  async flush(): Promise<void> {
    for (;;) {
      this.batchQueue();
      const now = this.opts.clock.now().getTime();
      const due = this.pending.filter((b) => b.dueAt <= now);
      this.pending = this.pending.filter((b) => b.dueAt > now);
      for (const batch of due) {
        const p = this.deliver(batch).finally(() => this.inFlight.delete(p));
        this.inFlight.add(p);
      }
      if (this.inFlight.size === 0) return;
      await Promise.all([...this.inFlight]);
    }
  }

  /** Batches waiting for a later retry, for assertions. */
  pendingRetries(): { dueAt: string; attemptNumber: number; events: number }[] {
    return this.pending.map((b) => ({ dueAt: new Date(b.dueAt).toISOString(), attemptNumber: b.attemptNumber, events: b.events.length }));
  }

  private batchQueue() {
    const now = this.opts.clock.now().getTime();
    while (this.queue.length > 0) {
      this.pending.push({ events: this.queue.splice(0, MAX_BATCH), attemptNumber: 0, dueAt: now });
    }
  }

  private matches(sub: WebhookSubscription, change: CrmChange): boolean {
    const info = OBJECT_TYPES[change.type];
    const [prefix, kind] = sub.subscriptionType.split('.') as [string, string];
    if (!KINDS.has(kind) || kind !== change.kind) return false;
    if (prefix === 'object') {
      if (sub.objectType !== info.singular) return false;
    } else if (prefix !== info.webhookPrefix) {
      return false;
    }
    if (change.kind === 'propertyChange' && sub.propertyName !== undefined && sub.propertyName !== change.propertyName) return false;
    return true;
  }

  private details(change: CrmChange): Record<string, unknown> {
    switch (change.kind) {
      case 'creation':
        return { changeFlag: 'CREATED' };
      case 'deletion':
        return { changeFlag: 'DELETED' };
      case 'propertyChange':
        return { propertyName: change.propertyName, propertyValue: change.propertyValue };
      case 'merge':
        // Merge events (https://developers.hubspot.com/changelog/new-subscription-types-for-webhooks): the surviving record and the ones merged into it.
        return {
          primaryObjectId: Number(change.id),
          mergedObjectIds: change.mergedObjectIds.map(Number),
          newObjectId: Number(change.id),
          numberOfPropertiesMoved: change.numberOfPropertiesMoved,
        };
    }
  }

  private async deliver(batch: PendingBatch): Promise<void> {
    const url = this.target;
    const events = batch.events.map((e) => ({ ...e, attemptNumber: batch.attemptNumber }));
    const at = this.opts.clock.now();
    if (!url || this.dropMode) {
      this.attempts.push({ at: at.toISOString(), url: url ?? '', attemptNumber: batch.attemptNumber, events, status: 'dropped' });
      return;
    }
    const body = JSON.stringify(events);
    const headers = { 'Content-Type': 'application/json', ...signatureHeaders('v1', this.opts.clientSecret, 'POST', url, body, at.getTime()) };
    let status: DeliveryAttempt['status'];
    try {
      const res = await this.opts.fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(RESPONSE_TIMEOUT_MS) });
      await res.arrayBuffer().catch(() => undefined);
      status = res.status;
    } catch (err) {
      status = (err as Error).name === 'TimeoutError' ? 'timeout' : 'network-error';
    }
    this.attempts.push({ at: at.toISOString(), url, attemptNumber: batch.attemptNumber, events, status });
    const failed = typeof status !== 'number' || status >= 400;
    if (failed && batch.attemptNumber + 1 < MAX_ATTEMPTS) {
      const delay = RETRY_DELAYS_MS[batch.attemptNumber] ?? RETRY_DELAYS_MS[RETRY_DELAYS_MS.length - 1]!;
      this.pending.push({ events: batch.events, attemptNumber: batch.attemptNumber + 1, dueAt: this.opts.clock.now().getTime() + delay });
    }
  }
}
