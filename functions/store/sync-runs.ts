import type { Queryable } from './db';
import type { SyncObject } from './sync-settings';

export type SyncRunKind = 'first_sync' | 'changes' | 'reconcile';

export interface SyncRun {
  object: SyncObject;
  kind: SyncRunKind;
  finishedAt: Date;
  /** The flow's own counts (linked, created…, failed): what the run did. */
  counts: Record<string, number>;
}

/** A flow's counts object (SyncCounts, InvoiceCounts) as stored: its numeric fields. */
export const runCounts = (counts: object): Record<string, number> =>
  Object.fromEntries(Object.entries(counts).filter((e): e is [string, number] => typeof e[1] === 'number'));

interface Row {
  object: SyncObject;
  kind: SyncRunKind;
  finished_at: Date;
  counts: Record<string, number>;
}

/** Each sync's latest finished run, for the settings page's sync health (one row per connection and sync). */
export function syncRunStore(db: Queryable) {
  return {
    async record(connectionId: string, run: SyncRun): Promise<void> {
      await db.query(
        `INSERT INTO sync_runs (connection_id, object, kind, finished_at, counts) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (connection_id, object) DO UPDATE SET kind = EXCLUDED.kind, finished_at = EXCLUDED.finished_at, counts = EXCLUDED.counts`,
        [connectionId, run.object, run.kind, run.finishedAt, JSON.stringify(run.counts)],
      );
    },

    async latest(connectionId: string): Promise<SyncRun[]> {
      const rows = await db.query<Row>('SELECT object, kind, finished_at, counts FROM sync_runs WHERE connection_id = $1 ORDER BY object', [connectionId]);
      return rows.map((r) => ({ object: r.object, kind: r.kind, finishedAt: new Date(r.finished_at), counts: r.counts }));
    },
  };
}

export type SyncRunStore = ReturnType<typeof syncRunStore>;
