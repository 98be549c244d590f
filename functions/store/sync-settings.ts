import type { Db } from './db';
import { syncLogStore } from './sync-log';

/** A sync flow's name (the registry in functions/sync/registry.ts lists them): the store keeps any. */
export type SyncObject = string;

/** Keys of a sync's stored settings that the server owns: an admin's save keeps them as they are. */
const SERVER_OWNED = ['firstSyncCompletedAt'];

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

    /** Saves a sync's settings whole (server state included): sandbox set-up and tests. */
    async save(connectionId: string, object: SyncObject, enabled: boolean, settings: Record<string, unknown>): Promise<void> {
      await db.query(
        `INSERT INTO sync_settings (connection_id, object, enabled, settings) VALUES ($1, $2, $3, $4)
         ON CONFLICT (connection_id, object) DO UPDATE SET enabled = EXCLUDED.enabled, settings = EXCLUDED.settings, updated_at = now()`,
        [connectionId, object, enabled, JSON.stringify(settings)],
      );
    },

    /**
     * An admin's edit: the settings are replaced, the server's own keys in them (when the first sync completed) and
     * whether the sync is on are kept as stored at that moment, in one statement, so a run finishing meanwhile is not undone.
     */
    async saveEdits(connectionId: string, object: SyncObject, settings: Record<string, unknown>): Promise<void> {
      await db.query(
        `INSERT INTO sync_settings (connection_id, object, enabled, settings) VALUES ($1, $2, false, $3)
         ON CONFLICT (connection_id, object) DO UPDATE SET
           settings = EXCLUDED.settings || jsonb_strip_nulls(jsonb_build_object(${SERVER_OWNED.map((k) => `'${k}', sync_settings.settings->'${k}'`).join(', ')})),
           updated_at = now()`,
        [connectionId, object, JSON.stringify(settings)],
      );
    },

    /** Turns a sync on or off, keeping its settings; a sync never saved starts from `defaults`. */
    async setEnabled(connectionId: string, object: SyncObject, enabled: boolean, defaults: Record<string, unknown> = {}): Promise<void> {
      await db.query(
        `INSERT INTO sync_settings (connection_id, object, enabled, settings) VALUES ($1, $2, $3, $4)
         ON CONFLICT (connection_id, object) DO UPDATE SET enabled = EXCLUDED.enabled, updated_at = now()`,
        [connectionId, object, enabled, JSON.stringify(defaults)],
      );
    },

    /** Records that the first sync completed, touching nothing else: what an admin changed while it ran stays. */
    async markFirstSyncCompleted(connectionId: string, object: SyncObject, at: Date, defaults: Record<string, unknown>): Promise<void> {
      await db.query(
        `INSERT INTO sync_settings (connection_id, object, enabled, settings) VALUES ($1, $2, false, $3 || jsonb_build_object('firstSyncCompletedAt', $4::text))
         ON CONFLICT (connection_id, object) DO UPDATE SET
           settings = sync_settings.settings || jsonb_build_object('firstSyncCompletedAt', $4::text), updated_at = now()`,
        [connectionId, object, JSON.stringify(defaults), at.toISOString()],
      );
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
