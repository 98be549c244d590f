import type { Db, Queryable } from './db';
import type { SyncObject } from './sync-settings';

/** Fields one side cleared while the other kept its value: field → the side that holds it empty. */
export type ClearedFields = Record<string, 'hubspot' | 'qbo'>;

export interface Link {
  connectionId: string;
  object: SyncObject;
  hubspotId: string;
  qboId: string;
  /** Content hash of what each side held after our last sync: a matching event is our own echo. */
  hubspotHash: string | undefined;
  qboHash: string | undefined;
  qboSyncToken: string | undefined;
  /** Field values both sides held after the last sync (keyed by mapping); undefined before the first. */
  syncedValues: Record<string, string> | undefined;
  clearedOn?: ClearedFields | undefined;
  /**
   * The QBO entity as our last sync left it: the answer to our own write, or what we last read. A change from HubSpot is
   * planned against it and written with its SyncToken (QBO refuses a stale one with 5010), without reading first.
   */
  qboEntity?: Record<string, unknown> | undefined;
  lastSyncedAt: Date | undefined;
}

interface Row {
  connection_id: string;
  object: SyncObject;
  hubspot_id: string;
  qbo_id: string;
  hubspot_hash: string | null;
  qbo_hash: string | null;
  qbo_sync_token: string | null;
  synced_values: Record<string, string> | null;
  cleared_on: ClearedFields | null;
  qbo_entity: Record<string, unknown> | null;
  last_synced_at: Date | null;
}

const fromRow = (r: Row): Link => ({
  connectionId: r.connection_id,
  object: r.object,
  hubspotId: r.hubspot_id,
  qboId: r.qbo_id,
  hubspotHash: r.hubspot_hash ?? undefined,
  qboHash: r.qbo_hash ?? undefined,
  qboSyncToken: r.qbo_sync_token ?? undefined,
  syncedValues: r.synced_values ?? undefined,
  clearedOn: r.cleared_on ?? undefined,
  qboEntity: r.qbo_entity ?? undefined,
  lastSyncedAt: r.last_synced_at === null ? undefined : new Date(r.last_synced_at),
});

/**
 * A pair, once linked, stays linked: saving the same pair again only refreshes hashes and the SyncToken. Linking
 * either id to a different partner violates a unique key and throws, by design.
 */
async function saveLink(db: Queryable, link: Omit<Link, 'lastSyncedAt'>, syncedAt: Date): Promise<void> {
  await db.query(
    `INSERT INTO links (connection_id, object, hubspot_id, qbo_id, hubspot_hash, qbo_hash, qbo_sync_token, synced_values, cleared_on, qbo_entity, last_synced_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (connection_id, object, hubspot_id) DO UPDATE SET
       hubspot_hash = EXCLUDED.hubspot_hash, qbo_hash = EXCLUDED.qbo_hash, qbo_sync_token = EXCLUDED.qbo_sync_token,
       synced_values = EXCLUDED.synced_values, cleared_on = EXCLUDED.cleared_on, qbo_entity = EXCLUDED.qbo_entity, last_synced_at = EXCLUDED.last_synced_at
     WHERE links.qbo_id = EXCLUDED.qbo_id`,
    [
      link.connectionId,
      link.object,
      link.hubspotId,
      link.qboId,
      link.hubspotHash ?? null,
      link.qboHash ?? null,
      link.qboSyncToken ?? null,
      link.syncedValues === undefined ? null : JSON.stringify(link.syncedValues),
      link.clearedOn === undefined || Object.keys(link.clearedOn).length === 0 ? null : JSON.stringify(link.clearedOn),
      link.qboEntity === undefined ? null : JSON.stringify(link.qboEntity),
      syncedAt,
    ],
  );
}

export function linkStore(db: Db) {
  const one = async (sql: string, params: unknown[]) => {
    const [row] = await db.query<Row>(sql, params);
    return row === undefined ? undefined : fromRow(row);
  };
  return {
    async save(link: Omit<Link, 'lastSyncedAt'>, syncedAt: Date): Promise<void> {
      await saveLink(db, link, syncedAt);
    },

    /**
     * Moves a QBO entity's link to another HubSpot record, when the record it was linked to no longer exists (deleted,
     * or merged into the other): the old link is forgotten and the new one saved, in one transaction.
     */
    async relink(from: Pick<Link, 'connectionId' | 'object' | 'hubspotId' | 'qboId'>, link: Omit<Link, 'lastSyncedAt'>, syncedAt: Date): Promise<void> {
      await db.transaction(async (tx) => {
        await tx.query('DELETE FROM links WHERE connection_id = $1 AND object = $2 AND hubspot_id = $3 AND qbo_id = $4', [
          from.connectionId,
          from.object,
          from.hubspotId,
          from.qboId,
        ]);
        await saveLink(tx, link, syncedAt);
      });
    },

    byHubspotId: (connectionId: string, object: SyncObject, hubspotId: string) =>
      one('SELECT * FROM links WHERE connection_id = $1 AND object = $2 AND hubspot_id = $3', [connectionId, object, hubspotId]),

    byQboId: (connectionId: string, object: SyncObject, qboId: string) =>
      one('SELECT * FROM links WHERE connection_id = $1 AND object = $2 AND qbo_id = $3', [connectionId, object, qboId]),

    /** The links of many records at once, by either side's ids (one query, not one per record). */
    async forIds(connectionId: string, object: SyncObject, side: 'hubspot' | 'qbo', ids: readonly string[]): Promise<Link[]> {
      if (ids.length === 0) return [];
      const column = side === 'hubspot' ? 'hubspot_id' : 'qbo_id';
      const rows = await db.query<Row>(`SELECT * FROM links WHERE connection_id = $1 AND object = $2 AND ${column} = ANY($3::text[])`, [
        connectionId,
        object,
        [...ids],
      ]);
      return rows.map(fromRow);
    },

    async list(connectionId: string, object: SyncObject): Promise<Link[]> {
      return (await db.query<Row>('SELECT * FROM links WHERE connection_id = $1 AND object = $2 ORDER BY id', [connectionId, object])).map(fromRow);
    },

    async count(connectionId: string, object: SyncObject): Promise<number> {
      const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM links WHERE connection_id = $1 AND object = $2', [connectionId, object]);
      return row?.n ?? 0;
    },
  };
}

export type LinkStore = ReturnType<typeof linkStore>;
