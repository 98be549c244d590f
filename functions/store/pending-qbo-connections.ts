import type { TokenCipher } from '../security/token-cipher';
import type { TokenSet } from './connections';
import type { Db, Queryable } from './db';

/** A consent that came back for another QuickBooks company than the connected one, waiting for an admin's choice. */
export interface PendingQboConnection {
  connectionId: string;
  realmId: string;
  companyName: string | undefined;
  tokens: TokenSet;
  startedByUserId: number;
  expiresAt: Date;
}

interface Row {
  connection_id: string;
  realm_id: string;
  company_name: string | null;
  access_token: string;
  refresh_token: string;
  token_expires_at: Date;
  refresh_expires_at: Date | null;
  started_by_user_id: string | number;
  expires_at: Date;
}

/**
 * Settings keys that name something inside one QBO company (an account or item id) or record its sync's progress:
 * they mean nothing in another company, so starting fresh drops them and keeps the rest (mappings, options).
 */
export const COMPANY_SPECIFIC_SETTINGS = ['firstSyncCompletedAt', 'incomeAccountId', 'defaultItemId'] as const;

/**
 * Every table that holds QBO ids or QBO-derived state of a connection. Starting fresh with another company empties
 * them: a link or a checkpoint of company A applied to company B would write B's ids onto unrelated HubSpot records.
 */
const COMPANY_STATE_TABLES = ['links', 'checkpoints', 'invoice_states', 'payment_applications', 'invoice_origins', 'sync_log', 'sync_runs'] as const;

export function pendingQboConnectionStore(db: Db, cipher: TokenCipher) {
  const fromRow = (r: Row): PendingQboConnection => {
    const tokens: TokenSet = {
      accessToken: cipher.decrypt(r.access_token),
      refreshToken: cipher.decrypt(r.refresh_token),
      expiresAt: new Date(r.token_expires_at),
    };
    if (r.refresh_expires_at !== null) tokens.refreshExpiresAt = new Date(r.refresh_expires_at);
    return {
      connectionId: r.connection_id,
      realmId: r.realm_id,
      companyName: r.company_name ?? undefined,
      tokens,
      startedByUserId: Number(r.started_by_user_id),
      expiresAt: new Date(r.expires_at),
    };
  };

  const read = async (q: Queryable, connectionId: string, now: Date): Promise<PendingQboConnection | undefined> => {
    const [row] = await q.query<Row>('SELECT * FROM pending_qbo_connections WHERE connection_id = $1 AND expires_at > $2', [connectionId, now]);
    return row === undefined ? undefined : fromRow(row);
  };

  return {
    /** One pending choice per connection: a newer consent replaces an older one. */
    async save(p: PendingQboConnection): Promise<void> {
      await db.query(
        `INSERT INTO pending_qbo_connections (connection_id, realm_id, company_name, access_token, refresh_token, token_expires_at,
           refresh_expires_at, started_by_user_id, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (connection_id) DO UPDATE SET realm_id = EXCLUDED.realm_id, company_name = EXCLUDED.company_name,
           access_token = EXCLUDED.access_token, refresh_token = EXCLUDED.refresh_token, token_expires_at = EXCLUDED.token_expires_at,
           refresh_expires_at = EXCLUDED.refresh_expires_at, started_by_user_id = EXCLUDED.started_by_user_id,
           expires_at = EXCLUDED.expires_at, created_at = now()`,
        [
          p.connectionId,
          p.realmId,
          p.companyName ?? null,
          cipher.encrypt(p.tokens.accessToken),
          cipher.encrypt(p.tokens.refreshToken),
          p.tokens.expiresAt,
          p.tokens.refreshExpiresAt ?? null,
          p.startedByUserId,
          p.expiresAt,
        ],
      );
    },

    /** The live pending choice; an expired one counts as none. */
    get: (connectionId: string, now: Date) => read(db, connectionId, now),

    async cancel(connectionId: string): Promise<boolean> {
      return (await db.query('DELETE FROM pending_qbo_connections WHERE connection_id = $1 RETURNING connection_id', [connectionId])).length > 0;
    },

    /**
     * The admin chose the new company: in one transaction the connection takes the new realm and grant, and every
     * link, checkpoint, invoice state, payment record and log entry of the old company is forgotten. Syncs are
     * turned off with their first sync to run again, so the admin previews the new company before syncing it, and
     * marked as waiting for the old company's ids to be cleared from HubSpot records. Records in HubSpot and in either
     * QuickBooks company are not otherwise touched. Returns the company switched to.
     */
    async startFresh(connectionId: string, now: Date): Promise<PendingQboConnection | undefined> {
      return db.transaction(async (tx) => {
        const pending = await read(tx, connectionId, now);
        if (pending === undefined) return undefined;
        for (const table of COMPANY_STATE_TABLES) await tx.query(`DELETE FROM ${table} WHERE connection_id = $1`, [connectionId]);
        const dropped = COMPANY_SPECIFIC_SETTINGS.map((k) => ` - '${k}'`).join('');
        await tx.query(`UPDATE sync_settings SET enabled = false, settings = settings${dropped}, updated_at = now() WHERE connection_id = $1`, [connectionId]);
        const t = pending.tokens;
        await tx.query(
          `UPDATE connections SET qbo_realm_id = $2, qbo_company_name = $3, qbo_access_token = $4, qbo_refresh_token = $5,
             qbo_token_expires_at = $6, qbo_refresh_expires_at = $7, qbo_token_version = qbo_token_version + 1, qbo_id_cleanup_pending = true,
             status = 'active', status_reason = NULL, reauth_provider = NULL, updated_at = now()
           WHERE id = $1`,
          [
            connectionId,
            pending.realmId,
            pending.companyName ?? null,
            cipher.encrypt(t.accessToken),
            cipher.encrypt(t.refreshToken),
            t.expiresAt,
            t.refreshExpiresAt ?? null,
          ],
        );
        await tx.query('DELETE FROM pending_qbo_connections WHERE connection_id = $1', [connectionId]);
        return pending;
      });
    },
  };
}

export type PendingQboConnectionStore = ReturnType<typeof pendingQboConnectionStore>;
