import type { Queryable } from './db';

/** Who named the change: a provider's webhook, or the app itself (a retry from the settings page, a record it just made). */
export type WebhookSource = 'hubspot' | 'quickbooks' | 'app';

export interface InboxEvent {
  source: WebhookSource;
  /** The provider's own id for the notification: a redelivery carries the same one. */
  eventId: string;
  /** HubSpot portal id or QBO realm id, as the verified notification names it. */
  accountId: string;
  /** The connection and flow the event feeds: one row for each, so each is marked processed by its own job. */
  connectionId: string;
  flow: string;
  /** What the flow is to sync for it (the flow's change set, as JSON). */
  changes: Record<string, unknown>;
  payload: unknown;
}

/** A recorded event's work: which connection and flow, and what to sync. */
export interface InboxWork {
  id: number;
  connectionId: string;
  flow: string;
  changes: unknown;
}

interface WorkRow {
  id: string | number;
  connection_id: string;
  flow: string;
  changes: unknown;
}

const toWork = (r: WorkRow): InboxWork => ({ id: Number(r.id), connectionId: r.connection_id, flow: r.flow, changes: r.changes });

export interface ReplayPolicy {
  /** An event recorded but never queued (the process stopped in between) is queued after this long. */
  neverQueuedMs: number;
  /** An event queued but still not processed (its job was lost or dead-lettered) is queued again after this long. */
  unprocessedMs: number;
  maxReplays: number;
}

/**
 * Verified webhook events (and changes the app itself asks for), recorded before any work, each for the connection and
 * flow it feeds: a provider's redelivery is a no-op; the flow's next run takes every event still unprocessed and marks
 * them processed once it has synced them; events whose run never came are replayed. Times come from the caller's clock.
 */
export function webhookInboxStore(db: Queryable) {
  return {
    /** Records the events; returns those that were new (duplicates of earlier deliveries are dropped here). */
    async record(events: readonly InboxEvent[], now: Date): Promise<InboxWork[]> {
      const fresh: InboxWork[] = [];
      for (const e of events) {
        const rows = await db.query<WorkRow>(
          `INSERT INTO webhook_inbox (source, event_id, account_id, connection_id, flow, changes, payload, received_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (source, event_id, connection_id, flow) DO NOTHING RETURNING id, connection_id, flow, changes`,
          [e.source, e.eventId, e.accountId, e.connectionId, e.flow, JSON.stringify(e.changes), JSON.stringify(e.payload), now],
        );
        fresh.push(...rows.map(toWork));
      }
      return fresh;
    },

    async markEnqueued(ids: readonly number[], now: Date): Promise<void> {
      if (ids.length === 0) return;
      await db.query('UPDATE webhook_inbox SET enqueued_at = $2 WHERE id = ANY($1::bigint[])', [ids, now]);
    },

    /** What a connection's flow has still to sync, oldest first. */
    async pending(connectionId: string, flow: string, limit: number): Promise<InboxWork[]> {
      const rows = await db.query<WorkRow>(
        'SELECT id, connection_id, flow, changes FROM webhook_inbox WHERE connection_id = $1 AND flow = $2 AND processed_at IS NULL ORDER BY id LIMIT $3',
        [connectionId, flow, limit],
      );
      return rows.map(toWork);
    },

    /** Everything a connection's flow had still to sync is done with (the sync is off: reconciliation catches up when it is on). */
    async markAllProcessed(connectionId: string, flow: string, now: Date): Promise<void> {
      await db.query('UPDATE webhook_inbox SET processed_at = $3 WHERE connection_id = $1 AND flow = $2 AND processed_at IS NULL', [connectionId, flow, now]);
    },

    async markProcessed(ids: readonly number[], now: Date): Promise<void> {
      if (ids.length === 0) return;
      await db.query('UPDATE webhook_inbox SET processed_at = $2 WHERE id = ANY($1::bigint[]) AND processed_at IS NULL', [ids, now]);
    },

    /** Unprocessed events whose run never came (never queued, or its job was lost), oldest first, each counted as replayed. */
    async takeForReplay(now: Date, policy: ReplayPolicy, limit = 500): Promise<InboxWork[]> {
      const rows = await db.query<WorkRow>(
        `UPDATE webhook_inbox SET enqueued_at = $1, replays = replays + 1
         WHERE id IN (
           SELECT id FROM webhook_inbox
           WHERE processed_at IS NULL AND connection_id IS NOT NULL AND replays < $4
             AND ((enqueued_at IS NULL AND received_at <= $2) OR enqueued_at <= $3)
           ORDER BY received_at, id LIMIT $5)
         RETURNING id, connection_id, flow, changes`,
        [now, new Date(now.getTime() - policy.neverQueuedMs), new Date(now.getTime() - policy.unprocessedMs), policy.maxReplays, limit],
      );
      return rows.map(toWork).sort((a, b) => a.id - b.id);
    },

    /** Forgets events received before `before`; returns how many of them had never been processed. */
    async prune(before: Date): Promise<{ deleted: number; unprocessed: number }> {
      const rows = await db.query<{ processed: boolean }>('DELETE FROM webhook_inbox WHERE received_at < $1 RETURNING processed_at IS NOT NULL AS processed', [
        before,
      ]);
      return { deleted: rows.length, unprocessed: rows.filter((r) => !r.processed).length };
    },

    async unprocessed(): Promise<InboxWork[]> {
      const rows = await db.query<WorkRow>('SELECT id, connection_id, flow, changes FROM webhook_inbox WHERE processed_at IS NULL ORDER BY received_at, id');
      return rows.map(toWork);
    },
  };
}

export type WebhookInboxStore = ReturnType<typeof webhookInboxStore>;
