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
  /** When it happened, on the sync's clock (the database's when absent): compared with links' last sync time. */
  at?: Date;
}

export interface LoggedSyncEntry extends Omit<SyncLogEntry, 'at'> {
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

/**
 * A failure (`f`) no later entry settles: none about the same record (known by either side's id), or, for one that
 * names no record (a whole batch), none of the same step.
 */
const UNANSWERED_FAILURE = `f.outcome = 'failed' AND NOT EXISTS (
    SELECT 1 FROM sync_log l
    WHERE l.connection_id = f.connection_id AND l.object = f.object AND (l.created_at, l.id) > (f.created_at, f.id)
      AND ((f.hubspot_id IS NOT NULL AND l.hubspot_id = f.hubspot_id) OR (f.qbo_id IS NOT NULL AND l.qbo_id = f.qbo_id)
          OR (f.hubspot_id IS NULL AND f.qbo_id IS NULL AND l.action = f.action AND l.direction = f.direction)))`;

/** A failure that still stands: unanswered in the log, and the record's link has not synced since (successes are not logged). */
const OPEN_FAILURE = `${UNANSWERED_FAILURE} AND NOT EXISTS (
    SELECT 1 FROM links k
    WHERE k.connection_id = f.connection_id AND k.object = f.object AND k.last_synced_at >= f.created_at
      AND (k.hubspot_id = f.hubspot_id OR k.qbo_id = f.qbo_id))`;

export function syncLogStore(db: Queryable) {
  return {
    async record(e: SyncLogEntry): Promise<void> {
      await db.query(
        `INSERT INTO sync_log (connection_id, object, direction, hubspot_id, qbo_id, action, outcome, error_code, message, details, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, COALESCE($11, now()))`,
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
          e.at ?? null,
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

    async recent(connectionId: string, filter: { object?: SyncObject; outcome?: SyncOutcome; limit?: number } = {}): Promise<LoggedSyncEntry[]> {
      const rows = await db.query<Row>(
        `SELECT * FROM sync_log
         WHERE connection_id = $1 AND ($2::text IS NULL OR object = $2) AND ($3::text IS NULL OR outcome = $3)
         ORDER BY created_at DESC, id DESC LIMIT $4`,
        [connectionId, filter.object ?? null, filter.outcome ?? null, Math.min(filter.limit ?? 50, 500)],
      );
      return rows.map(fromRow);
    },

    async byId(connectionId: string, id: number): Promise<LoggedSyncEntry | undefined> {
      const [row] = await db.query<Row>('SELECT * FROM sync_log WHERE connection_id = $1 AND id = $2', [connectionId, id]);
      return row === undefined ? undefined : fromRow(row);
    },

    /** Records whose latest word is a failure (see OPEN_FAILURE), newest first. */
    async openFailures(connectionId: string, limit: number): Promise<LoggedSyncEntry[]> {
      const rows = await db.query<Row>(
        `SELECT f.* FROM sync_log f WHERE f.connection_id = $1 AND ${OPEN_FAILURE} ORDER BY f.created_at DESC, f.id DESC LIMIT $2`,
        [connectionId, Math.min(limit, 500)],
      );
      return rows.map(fromRow);
    },

    /**
     * Answers every failure of one sync the log has not answered with a `skipped` entry of the same step that says why
     * (`errorCode`, `message`), whether or not a link has synced since: a deleted sync forgets its links and has
     * nothing to retry. The failures themselves stay in the log. Each answer is dated as its failure (and follows it by
     * id), so it answers that failure only, whichever clock later entries are written on.
     */
    async settleFailures(connectionId: string, object: SyncObject, errorCode: string, message: string): Promise<number> {
      const rows = await db.query(
        `INSERT INTO sync_log (connection_id, object, direction, hubspot_id, qbo_id, action, outcome, error_code, message, created_at)
         SELECT f.connection_id, f.object, f.direction, f.hubspot_id, f.qbo_id, f.action, 'skipped', $3, $4, f.created_at
         FROM sync_log f WHERE f.connection_id = $1 AND f.object = $2 AND ${UNANSWERED_FAILURE}
         ORDER BY f.created_at, f.id
         RETURNING id`,
        [connectionId, object, errorCode, message],
      );
      return rows.length;
    },
  };
}

export type SyncLogStore = ReturnType<typeof syncLogStore>;
