import type { Db } from './db';
import { syncLogStore } from './sync-log';

export const SYNC_OBJECTS = ['contacts', 'products', 'invoices'] as const;
export type SyncObject = (typeof SYNC_OBJECTS)[number];

export interface StoredSyncSettings {
  object: SyncObject;
  enabled: boolean;
  /** Validated by the sync flow that owns it; the store keeps it as opaque JSON. */
  settings: Record<string, unknown>;
  updatedAt: Date;
}

interface Row {
  object: SyncObject;
  enabled: boolean;
  settings: Record<string, unknown>;
  updated_at: Date;
}

const fromRow = (r: Row): StoredSyncSettings => ({
  object: r.object,
  enabled: r.enabled,
  settings: r.settings,
  updatedAt: new Date(r.updated_at),
});

export function syncSettingsStore(db: Db) {
  return {
    async get(connectionId: string, object: SyncObject): Promise<StoredSyncSettings | undefined> {
      const [row] = await db.query<Row>('SELECT * FROM sync_settings WHERE connection_id = $1 AND object = $2', [connectionId, object]);
      return row === undefined ? undefined : fromRow(row);
    },

    async list(connectionId: string): Promise<StoredSyncSettings[]> {
      return (await db.query<Row>('SELECT * FROM sync_settings WHERE connection_id = $1 ORDER BY object', [connectionId])).map(fromRow);
    },

    async save(connectionId: string, object: SyncObject, enabled: boolean, settings: Record<string, unknown>): Promise<void> {
      await db.query(
        `INSERT INTO sync_settings (connection_id, object, enabled, settings) VALUES ($1, $2, $3, $4)
         ON CONFLICT (connection_id, object) DO UPDATE SET enabled = EXCLUDED.enabled, settings = EXCLUDED.settings, updated_at = now()`,
        [connectionId, object, enabled, JSON.stringify(settings)],
      );
    },

    async setEnabled(connectionId: string, object: SyncObject, enabled: boolean): Promise<boolean> {
      const rows = await db.query(
        'UPDATE sync_settings SET enabled = $3, updated_at = now() WHERE connection_id = $1 AND object = $2 RETURNING object',
        [connectionId, object, enabled],
      );
      return rows.length > 0;
    },

    /**
     * Deleting a sync forgets its settings, links, checkpoints and last run; records on either side are never touched.
     * Its log is kept, with its failures answered: a deleted sync has nothing to retry, and a failure its links had
     * settled would otherwise stand again in the sync health once they are gone.
     */
    async delete(connectionId: string, object: SyncObject): Promise<void> {
      await db.transaction(async (tx) => {
        await syncLogStore(tx).settleFailures(connectionId, object, 'sync_deleted', 'Not retried: the sync was deleted.');
        for (const table of ['links', 'checkpoints', 'sync_runs', 'sync_settings']) {
          await tx.query(`DELETE FROM ${table} WHERE connection_id = $1 AND object = $2`, [connectionId, object]);
        }
      });
    },
  };
}

export type SyncSettingsStore = ReturnType<typeof syncSettingsStore>;
