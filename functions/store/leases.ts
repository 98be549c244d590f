import type { Queryable } from './db';

export interface LeaseKey {
  connectionId: string;
  flow: string;
}

/**
 * One holder at a time per connection and flow, across every process sharing the database. A lease lasts until its
 * `expires_at`, which the holder pushes forward while it works; a holder that died (SIGKILL, a lost machine) stops
 * renewing, and once its lease has expired the next caller takes it over. Times come from the caller's clock, the
 * same one on every process (NTP), so a lease's length must be far longer than any skew between them.
 */
export function leaseStore(db: Queryable) {
  return {
    /** Takes the lease if it is free or expired; false while another holder's is live. */
    async acquire(key: LeaseKey, holder: string, now: Date, ttlMs: number): Promise<boolean> {
      const rows = await db.query(
        `INSERT INTO sync_leases (connection_id, flow, holder, acquired_at, expires_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (connection_id, flow) DO UPDATE SET holder = EXCLUDED.holder, acquired_at = EXCLUDED.acquired_at, expires_at = EXCLUDED.expires_at
         WHERE sync_leases.expires_at <= $4
         RETURNING holder`,
        [key.connectionId, key.flow, holder, now, new Date(now.getTime() + ttlMs)],
      );
      return rows.length > 0;
    },

    /** Pushes this holder's lease forward; false when it is no longer this holder's (it expired and was taken over). */
    async renew(key: LeaseKey, holder: string, now: Date, ttlMs: number): Promise<boolean> {
      const rows = await db.query('UPDATE sync_leases SET expires_at = $4 WHERE connection_id = $1 AND flow = $2 AND holder = $3 RETURNING holder', [
        key.connectionId,
        key.flow,
        holder,
        new Date(now.getTime() + ttlMs),
      ]);
      return rows.length > 0;
    },

    async release(key: LeaseKey, holder: string): Promise<void> {
      await db.query('DELETE FROM sync_leases WHERE connection_id = $1 AND flow = $2 AND holder = $3', [key.connectionId, key.flow, holder]);
    },

    async holder(key: LeaseKey, now: Date): Promise<string | undefined> {
      const [row] = await db.query<{ holder: string }>('SELECT holder FROM sync_leases WHERE connection_id = $1 AND flow = $2 AND expires_at > $3', [
        key.connectionId,
        key.flow,
        now,
      ]);
      return row?.holder;
    },
  };
}

export type LeaseStore = ReturnType<typeof leaseStore>;
