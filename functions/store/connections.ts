import type { TokenCipher } from '../security/token-cipher';
import type { Queryable } from './db';

export type ConnectionStatus = 'pending' | 'active' | 'reauth_required' | 'disconnected';

export interface TokenSet {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
  /** QBO refresh tokens expire too (100 days, rolling); HubSpot's do not. */
  refreshExpiresAt?: Date;
}

export interface Connection {
  id: string;
  hubspotPortalId: number;
  hubspotTokens: TokenSet | undefined;
  qboRealmId: string | undefined;
  /** CompanyInfo.CompanyName when the company was connected (the admin's name for it, not an id). */
  qboCompanyName: string | undefined;
  qboTokens: TokenSet | undefined;
  /** The previous company's ids are still being cleared from HubSpot records after a switch of company. */
  qboIdCleanupPending: boolean;
  status: ConnectionStatus;
  statusReason: string | undefined;
  createdAt: Date;
  updatedAt: Date;
}

interface ConnectionRow {
  id: string;
  hubspot_portal_id: string | number;
  hubspot_access_token: string | null;
  hubspot_refresh_token: string | null;
  hubspot_token_expires_at: Date | null;
  qbo_realm_id: string | null;
  qbo_company_name: string | null;
  qbo_access_token: string | null;
  qbo_refresh_token: string | null;
  qbo_token_expires_at: Date | null;
  qbo_refresh_expires_at: Date | null;
  qbo_id_cleanup_pending: boolean;
  status: ConnectionStatus;
  status_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

/** Tokens are sealed on the way in and opened on the way out: nothing else in the product sees ciphertext. */
export function connectionStore(db: Queryable, cipher: TokenCipher) {
  const open = (sealed: string | null) => (sealed === null ? undefined : cipher.decrypt(sealed));

  const tokens = (access: string | null, refresh: string | null, expires: Date | null, refreshExpires: Date | null) => {
    const accessToken = open(access);
    const refreshToken = open(refresh);
    if (accessToken === undefined || refreshToken === undefined || expires === null) return undefined;
    const set: TokenSet = { accessToken, refreshToken, expiresAt: new Date(expires) };
    if (refreshExpires !== null) set.refreshExpiresAt = new Date(refreshExpires);
    return set;
  };

  const fromRow = (r: ConnectionRow): Connection => ({
    id: r.id,
    hubspotPortalId: Number(r.hubspot_portal_id),
    hubspotTokens: tokens(r.hubspot_access_token, r.hubspot_refresh_token, r.hubspot_token_expires_at, null),
    qboRealmId: r.qbo_realm_id ?? undefined,
    qboCompanyName: r.qbo_company_name ?? undefined,
    qboTokens: tokens(r.qbo_access_token, r.qbo_refresh_token, r.qbo_token_expires_at, r.qbo_refresh_expires_at),
    qboIdCleanupPending: r.qbo_id_cleanup_pending,
    status: r.status,
    statusReason: r.status_reason ?? undefined,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  });

  const one = async (sql: string, params: unknown[]) => {
    const [row] = await db.query<ConnectionRow>(sql, params);
    return row === undefined ? undefined : fromRow(row);
  };

  return {
    /** A (re)install of the HubSpot app: one connection per portal, tokens replaced. */
    async saveHubspotInstall(portalId: number, t: TokenSet): Promise<Connection> {
      const c = await one(
        `INSERT INTO connections (hubspot_portal_id, hubspot_access_token, hubspot_refresh_token, hubspot_token_expires_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (hubspot_portal_id) DO UPDATE SET
           hubspot_access_token = EXCLUDED.hubspot_access_token,
           hubspot_refresh_token = EXCLUDED.hubspot_refresh_token,
           hubspot_token_expires_at = EXCLUDED.hubspot_token_expires_at,
           updated_at = now()
         RETURNING *`,
        [portalId, cipher.encrypt(t.accessToken), cipher.encrypt(t.refreshToken), t.expiresAt],
      );
      if (c === undefined) throw new Error('connection upsert returned no row');
      return c;
    },

    async saveHubspotTokens(id: string, t: TokenSet): Promise<void> {
      await db.query(
        `UPDATE connections SET hubspot_access_token = $2, hubspot_refresh_token = $3, hubspot_token_expires_at = $4,
           updated_at = now() WHERE id = $1`,
        [id, cipher.encrypt(t.accessToken), cipher.encrypt(t.refreshToken), t.expiresAt],
      );
    },

    /**
     * Connects a QBO company, or renews the grant of the one already connected. Switching a connection to another
     * company goes through `pendingQboConnections.startFresh`, which also forgets the old company's sync state.
     */
    async saveQboConnection(id: string, realmId: string, t: TokenSet, companyName?: string): Promise<void> {
      await db.query(
        `UPDATE connections SET qbo_realm_id = $2, qbo_access_token = $3, qbo_refresh_token = $4,
           qbo_token_expires_at = $5, qbo_refresh_expires_at = $6, qbo_company_name = COALESCE($7, qbo_company_name),
           status = 'active', status_reason = NULL, updated_at = now() WHERE id = $1`,
        [id, realmId, cipher.encrypt(t.accessToken), cipher.encrypt(t.refreshToken), t.expiresAt, t.refreshExpiresAt ?? null, companyName ?? null],
      );
    },

    /**
     * The admin disconnected QuickBooks: the grant is dropped and syncing stops. The company stays recorded, so
     * reconnecting the same company resumes where it left off and another company is recognised as a change.
     */
    async disconnectQbo(id: string): Promise<void> {
      await db.query(
        `UPDATE connections SET qbo_access_token = NULL, qbo_refresh_token = NULL, qbo_token_expires_at = NULL,
           qbo_refresh_expires_at = NULL, status = 'disconnected', status_reason = $2, updated_at = now() WHERE id = $1`,
        [id, 'QuickBooks was disconnected on the settings page.'],
      );
    },

    async saveQboTokens(id: string, t: TokenSet): Promise<void> {
      await db.query(
        `UPDATE connections SET qbo_access_token = $2, qbo_refresh_token = $3, qbo_token_expires_at = $4,
           qbo_refresh_expires_at = $5, updated_at = now() WHERE id = $1`,
        [id, cipher.encrypt(t.accessToken), cipher.encrypt(t.refreshToken), t.expiresAt, t.refreshExpiresAt ?? null],
      );
    },

    async finishQboIdCleanup(id: string): Promise<void> {
      await db.query('UPDATE connections SET qbo_id_cleanup_pending = false, updated_at = now() WHERE id = $1', [id]);
    },

    async setStatus(id: string, status: ConnectionStatus, reason?: string): Promise<void> {
      await db.query('UPDATE connections SET status = $2, status_reason = $3, updated_at = now() WHERE id = $1', [
        id,
        status,
        reason ?? null,
      ]);
    },

    get: (id: string) => one('SELECT * FROM connections WHERE id = $1', [id]),
    byPortal: (portalId: number) => one('SELECT * FROM connections WHERE hubspot_portal_id = $1', [portalId]),

    async byRealm(realmId: string): Promise<Connection[]> {
      return (await db.query<ConnectionRow>('SELECT * FROM connections WHERE qbo_realm_id = $1 ORDER BY created_at', [realmId])).map(fromRow);
    },

    async active(): Promise<Connection[]> {
      return (await db.query<ConnectionRow>("SELECT * FROM connections WHERE status = 'active' ORDER BY created_at")).map(fromRow);
    },
  };
}

export type ConnectionStore = ReturnType<typeof connectionStore>;
