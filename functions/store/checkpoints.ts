import type { Queryable } from './db';
import type { SyncObject } from './sync-settings';

export type Side = 'hubspot' | 'qbo';

export function checkpointStore(db: Queryable) {
  return {
    async get(connectionId: string, object: SyncObject, side: Side): Promise<string | undefined> {
      const [row] = await db.query<{ cursor: string }>('SELECT cursor FROM checkpoints WHERE connection_id = $1 AND object = $2 AND side = $3', [
        connectionId,
        object,
        side,
      ]);
      return row?.cursor;
    },

    async set(connectionId: string, object: SyncObject, side: Side, cursor: string): Promise<void> {
      await db.query(
        `INSERT INTO checkpoints (connection_id, object, side, cursor) VALUES ($1, $2, $3, $4)
         ON CONFLICT (connection_id, object, side) DO UPDATE SET cursor = EXCLUDED.cursor, updated_at = now()`,
        [connectionId, object, side, cursor],
      );
    },
  };
}

export type CheckpointStore = ReturnType<typeof checkpointStore>;
