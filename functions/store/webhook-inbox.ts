import type { Queryable } from './db';

export type WebhookSource = 'hubspot' | 'quickbooks';

export interface InboxEvent {
  source: WebhookSource;
  /** The provider's own id for the notification: a redelivery carries the same one. */
  eventId: string;
  /** HubSpot portal id or QBO realm id, as the verified notification names it. */
  accountId: string;
  payload: unknown;
}

export interface StoredInboxEvent extends InboxEvent {
  id: number;
  receivedAt: Date;
}

interface Row {
  id: string | number;
  source: WebhookSource;
  event_id: string;
  account_id: string;
  payload: unknown;
  received_at: Date;
}

export function webhookInboxStore(db: Queryable) {
  return {
    /** Returns the events that were new; duplicates of earlier deliveries are dropped here. */
    async record(events: readonly InboxEvent[]): Promise<{ id: number; eventId: string }[]> {
      const fresh: { id: number; eventId: string }[] = [];
      for (const e of events) {
        const rows = await db.query<{ id: string | number }>(
          `INSERT INTO webhook_inbox (source, event_id, account_id, payload) VALUES ($1, $2, $3, $4)
           ON CONFLICT (source, event_id) DO NOTHING RETURNING id`,
          [e.source, e.eventId, e.accountId, JSON.stringify(e.payload)],
        );
        for (const r of rows) fresh.push({ id: Number(r.id), eventId: e.eventId });
      }
      return fresh;
    },

    async unprocessed(limit = 500): Promise<StoredInboxEvent[]> {
      const rows = await db.query<Row>(
        'SELECT * FROM webhook_inbox WHERE processed_at IS NULL ORDER BY received_at, id LIMIT $1',
        [limit],
      );
      return rows.map((r) => ({
        id: Number(r.id),
        source: r.source,
        eventId: r.event_id,
        accountId: r.account_id,
        payload: r.payload,
        receivedAt: new Date(r.received_at),
      }));
    },

    async markProcessed(ids: readonly number[]): Promise<void> {
      if (ids.length === 0) return;
      await db.query('UPDATE webhook_inbox SET processed_at = now() WHERE id = ANY($1::bigint[])', [ids]);
    },
  };
}

export type WebhookInboxStore = ReturnType<typeof webhookInboxStore>;
