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

/** A token pair as stored, with the version a refresh must name to replace it (compare-and-swap across processes). */
export interface StoredTokens extends TokenSet {
  version: number;
}

export type TokenProvider = 'hubspot' | 'quickbooks';

export interface Connection {
  id: string;
  hubspotPortalId: number;
  hubspotTokens: StoredTokens | undefined;
  qboRealmId: string | undefined;
  /** CompanyInfo.CompanyName when the company was connected (the admin's name for it, not an id). */
  qboCompanyName: string | undefined;
  qboTokens: StoredTokens | undefined;
  /** The previous company's ids are still being cleared from HubSpot records after a switch of company. */
  qboIdCleanupPending: boolean;
  status: ConnectionStatus;
  statusReason: string | undefined;
  /** Set when the connection needs a reconnect because this provider refused its saved authorization. */
  reauthProvider: TokenProvider | undefined;
  createdAt: Date;
  updatedAt: Date;
}

interface ConnectionRow {
  id: string;
  hubspot_portal_id: string | number;
  hubspot_access_token: string | null;
  hubspot_refresh_token: string | null;
  hubspot_token_expires_at: Date | null;
  hubspot_token_version: number;
  qbo_realm_id: string | null;
  qbo_company_name: string | null;
  qbo_access_token: string | null;
  qbo_refresh_token: string | null;
  qbo_token_expires_at: Date | null;
  qbo_refresh_expires_at: Date | null;
  qbo_token_version: number;
  qbo_id_cleanup_pending: boolean;
  status: ConnectionStatus;
  status_reason: string | null;
  reauth_provider: TokenProvider | null;
  created_at: Date;
  updated_at: Date;
}

/** Tokens are sealed on the way in and opened on the way out: nothing else in the product sees ciphertext. */
export function connectionStore(db: Queryable, cipher: TokenCipher) {
  const open = (sealed: string | null) => (sealed === null ? undefined : cipher.decrypt(sealed));

  const tokens = (access: string | null, refresh: string | null, expires: Date | null, refreshExpires: Date | null, version: number) => {
    const accessToken = open(access);
    const refreshToken = open(refresh);
    if (accessToken === undefined || refreshToken === undefined || expires === null) return undefined;
    const set: StoredTokens = { accessToken, refreshToken, expiresAt: new Date(expires), version };
    if (refreshExpires !== null) set.refreshExpiresAt = new Date(refreshExpires);
    return set;
  };

  const fromRow = (r: ConnectionRow): Connection => ({
    id: r.id,
    hubspotPortalId: Number(r.hubspot_portal_id),
    hubspotTokens: tokens(r.hubspot_access_token, r.hubspot_refresh_token, r.hubspot_token_expires_at, null, r.hubspot_token_version),
    qboRealmId: r.qbo_realm_id ?? undefined,
    qboCompanyName: r.qbo_company_name ?? undefined,
    qboTokens: tokens(r.qbo_access_token, r.qbo_refresh_token, r.qbo_token_expires_at, r.qbo_refresh_expires_at, r.qbo_token_version),
    qboIdCleanupPending: r.qbo_id_cleanup_pending,
    status: r.status,
    statusReason: r.status_reason ?? undefined,
    reauthProvider: r.reauth_provider ?? undefined,
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
           hubspot_token_version = connections.hubspot_token_version + 1,
           status = CASE WHEN connections.reauth_provider = 'hubspot' THEN 'active' ELSE connections.status END,
           status_reason = CASE WHEN connections.reauth_provider = 'hubspot' THEN NULL ELSE connections.status_reason END,
           reauth_provider = CASE WHEN connections.reauth_provider = 'hubspot' THEN NULL ELSE connections.reauth_provider END,
           updated_at = now()
         RETURNING *`,
        [portalId, cipher.encrypt(t.accessToken), cipher.encrypt(t.refreshToken), t.expiresAt],
      );
      if (c === undefined) throw new Error('connection upsert returned no row');
      return c;
    },

    /**
     * Connects a QBO company, or renews the grant of the one already connected (a new token pair: a new version).
     * Switching a connection to another company goes through `pendingQboConnections.startFresh`, which also forgets the
     * old company's sync state.
     */
    async saveQboConnection(id: string, realmId: string, t: TokenSet, companyName?: string): Promise<void> {
      await db.query(
        `UPDATE connections SET qbo_realm_id = $2, qbo_access_token = $3, qbo_refresh_token = $4,
           qbo_token_expires_at = $5, qbo_refresh_expires_at = $6, qbo_company_name = COALESCE($7, qbo_company_name),
           qbo_token_version = qbo_token_version + 1, status = 'active', status_reason = NULL, reauth_provider = NULL,
           updated_at = now() WHERE id = $1`,
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
           qbo_refresh_expires_at = NULL, qbo_token_version = qbo_token_version + 1, status = 'disconnected', status_reason = $2,
           reauth_provider = NULL, updated_at = now() WHERE id = $1`,
        [id, 'QuickBooks was disconnected on the settings page.'],
      );
    },

    /**
     * Saves a refreshed token pair over the version it replaced, and only over it: false when another process saved a
     * newer pair first (compare-and-swap). A connection that needed a reconnect because this provider refused its
     * tokens works again, and is active again.
     */
    async saveRefreshedTokens(id: string, provider: TokenProvider, t: TokenSet, replacing: number): Promise<boolean> {
      const p = provider === 'hubspot' ? 'hubspot' : 'qbo';
      const rows = await db.query(
        `UPDATE connections SET ${p}_access_token = $2, ${p}_refresh_token = $3, ${p}_token_expires_at = $4,
           ${p}_token_version = ${p}_token_version + 1,
           qbo_refresh_expires_at = CASE WHEN $7 = 'quickbooks' THEN $6::timestamptz ELSE qbo_refresh_expires_at END,
           status = CASE WHEN reauth_provider = $7 THEN 'active' ELSE status END,
           status_reason = CASE WHEN reauth_provider = $7 THEN NULL ELSE status_reason END,
           reauth_provider = CASE WHEN reauth_provider = $7 THEN NULL ELSE reauth_provider END,
           updated_at = now()
         WHERE id = $1 AND ${p}_token_version = $5 RETURNING id`,
        [
          id,
          cipher.encrypt(t.accessToken),
          cipher.encrypt(t.refreshToken),
          t.expiresAt,
          replacing,
          provider === 'quickbooks' ? (t.refreshExpiresAt ?? null) : null,
          provider,
        ],
      );
      return rows.length > 0;
    },

    /**
     * The provider refused the refresh token of this version: the connection needs a reconnect, unless another process
     * has saved a newer pair meanwhile (false then: use that pair).
     */
    async markTokensRefused(id: string, provider: TokenProvider, version: number, reason: string): Promise<boolean> {
      const p = provider === 'hubspot' ? 'hubspot' : 'qbo';
      const rows = await db.query(
        `UPDATE connections SET status = 'reauth_required', status_reason = $3, reauth_provider = $4, updated_at = now()
         WHERE id = $1 AND ${p}_token_version = $2 AND status IN ('active', 'reauth_required') RETURNING id`,
        [id, version, reason, provider],
      );
      return rows.length > 0;
    },

    /** Connections waiting for a reconnect because a provider refused their saved tokens: worth asking again. */
    async refusedTokens(): Promise<Connection[]> {
      return (
        await db.query<ConnectionRow>("SELECT * FROM connections WHERE status = 'reauth_required' AND reauth_provider IS NOT NULL ORDER BY created_at")
      ).map(fromRow);
    },

    async finishQboIdCleanup(id: string): Promise<void> {
      await db.query('UPDATE connections SET qbo_id_cleanup_pending = false, updated_at = now() WHERE id = $1', [id]);
    },

    async setStatus(id: string, status: ConnectionStatus, reason?: string): Promise<void> {
      await db.query('UPDATE connections SET status = $2, status_reason = $3, reauth_provider = NULL, updated_at = now() WHERE id = $1', [
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
