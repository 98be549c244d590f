import type { Queryable } from './db';
import type { SyncObject } from './sync-settings';

export type SyncOutcome = 'succeeded' | 'skipped' | 'failed';

export interface SyncLogEntry {
  connectionId: string;
  object: SyncObject;
  direction: 'to_hubspot' | 'to_qbo';
  hubspotId?: string;
  qboId?: string;
  action: string;
  outcome: SyncOutcome;
  errorCode?: string;
  /** Plain language, written for an admin: what happened and what to do. */
  message?: string;
  details?: Record<string, unknown>;
}

export interface LoggedSyncEntry extends SyncLogEntry {
  id: number;
  createdAt: Date;
}

interface Row {
  id: string | number;
  connection_id: string;
  object: SyncObject;
  direction: 'to_hubspot' | 'to_qbo';
  hubspot_id: string | null;
  qbo_id: string | null;
  action: string;
  outcome: SyncOutcome;
  error_code: string | null;
  message: string | null;
  details: Record<string, unknown> | null;
  created_at: Date;
}

const fromRow = (r: Row): LoggedSyncEntry => {
  const e: LoggedSyncEntry = {
    id: Number(r.id),
    connectionId: r.connection_id,
    object: r.object,
    direction: r.direction,
    action: r.action,
    outcome: r.outcome,
    createdAt: new Date(r.created_at),
  };
  if (r.hubspot_id !== null) e.hubspotId = r.hubspot_id;
  if (r.qbo_id !== null) e.qboId = r.qbo_id;
  if (r.error_code !== null) e.errorCode = r.error_code;
  if (r.message !== null) e.message = r.message;
  if (r.details !== null) e.details = r.details;
  return e;
};

export function syncLogStore(db: Queryable) {
  return {
    async record(e: SyncLogEntry): Promise<void> {
      await db.query(
        `INSERT INTO sync_log (connection_id, object, direction, hubspot_id, qbo_id, action, outcome, error_code, message, details)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          e.connectionId,
          e.object,
          e.direction,
          e.hubspotId ?? null,
          e.qboId ?? null,
          e.action,
          e.outcome,
          e.errorCode ?? null,
          e.message ?? null,
          e.details === undefined ? null : JSON.stringify(e.details),
        ],
      );
    },

    /** Which of these QBO records already have an entry for `action`: what is logged once is not logged again. */
    async loggedQboIds(connectionId: string, object: SyncObject, action: string, qboIds: readonly string[]): Promise<Set<string>> {
      if (qboIds.length === 0) return new Set();
      const rows = await db.query<{ qbo_id: string }>(
        'SELECT DISTINCT qbo_id FROM sync_log WHERE connection_id = $1 AND object = $2 AND action = $3 AND qbo_id = ANY($4::text[])',
        [connectionId, object, action, [...qboIds]],
      );
      return new Set(rows.map((r) => r.qbo_id));
    },

    async recent(
      connectionId: string,
      filter: { object?: SyncObject; outcome?: SyncOutcome; limit?: number } = {},
    ): Promise<LoggedSyncEntry[]> {
      const rows = await db.query<Row>(
        `SELECT * FROM sync_log
         WHERE connection_id = $1 AND ($2::text IS NULL OR object = $2) AND ($3::text IS NULL OR outcome = $3)
         ORDER BY created_at DESC, id DESC LIMIT $4`,
        [connectionId, filter.object ?? null, filter.outcome ?? null, Math.min(filter.limit ?? 50, 500)],
      );
      return rows.map(fromRow);
    },
  };
}

export type SyncLogStore = ReturnType<typeof syncLogStore>;
