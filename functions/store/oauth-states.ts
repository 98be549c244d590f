import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from './db';

export type OAuthProvider = 'hubspot' | 'quickbooks';

export interface OAuthState {
  provider: OAuthProvider;
  connectionId: string | undefined;
  /** The HubSpot user who started the flow (QBO consents are started by a portal admin). */
  userId: number | undefined;
  returnTo: string | undefined;
  /** Hash of the browser secret set when the consent was opened; undefined until then. */
  browserBinding: string | undefined;
}

interface Row {
  connection_id: string | null;
  user_id: string | number | null;
  return_to: string | null;
  browser_binding: string | null;
  expires_at: Date;
}

const hash = (secret: string) => createHash('sha256').update(secret, 'utf8').digest('base64url');

/**
 * Unguessable, single-use, short-lived: the CSRF defence of both OAuth flows
 * (https://www.rfc-editor.org/rfc/rfc6749#section-10.12). A QBO consent is also bound to the browser that opened it (a
 * secret cookie whose hash is kept here), so a consent link that leaks cannot be completed by someone else with their
 * own QuickBooks company.
 */
export function oauthStateStore(db: Queryable) {
  return {
    async issue(provider: OAuthProvider, now: Date, ttlMs: number, bind: { connectionId?: string; userId?: number; returnTo?: string } = {}): Promise<string> {
      const state = randomBytes(24).toString('base64url');
      await db.query('INSERT INTO oauth_states (state, provider, connection_id, user_id, return_to, expires_at) VALUES ($1, $2, $3, $4, $5, $6)', [
        state,
        provider,
        bind.connectionId ?? null,
        bind.userId ?? null,
        bind.returnTo ?? null,
        new Date(now.getTime() + ttlMs),
      ]);
      return state;
    },

    /**
     * Binds a live, not yet opened state to this browser: returns the secret to set as a cookie, or undefined when
     * the state is unknown, expired or was already opened (in this browser or another).
     */
    async bindBrowser(state: string, provider: OAuthProvider, now: Date): Promise<string | undefined> {
      const secret = randomBytes(24).toString('base64url');
      const rows = await db.query<{ state: string }>(
        `UPDATE oauth_states SET browser_binding = $3
         WHERE state = $1 AND provider = $2 AND browser_binding IS NULL AND expires_at > $4 RETURNING state`,
        [state, provider, hash(secret), now],
      );
      return rows.length === 1 ? secret : undefined;
    },

    /** Consumes the state: a second callback with the same value, or one after expiry, gets undefined. */
    async consume(state: string, provider: OAuthProvider, now: Date): Promise<OAuthState | undefined> {
      const [row] = await db.query<Row>(
        'DELETE FROM oauth_states WHERE state = $1 AND provider = $2 RETURNING connection_id, user_id, return_to, browser_binding, expires_at',
        [state, provider],
      );
      if (row === undefined || new Date(row.expires_at).getTime() <= now.getTime()) return undefined;
      return {
        provider,
        connectionId: row.connection_id ?? undefined,
        userId: row.user_id === null ? undefined : Number(row.user_id),
        returnTo: row.return_to ?? undefined,
        browserBinding: row.browser_binding ?? undefined,
      };
    },
  };
}

/** Whether the cookie a callback arrived with is the secret its state was bound to. */
export function matchesBrowserBinding(state: OAuthState, cookieSecret: string | undefined): boolean {
  return state.browserBinding !== undefined && cookieSecret !== undefined && hash(cookieSecret) === state.browserBinding;
}

export type OAuthStateStore = ReturnType<typeof oauthStateStore>;
