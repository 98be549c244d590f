import { randomBytes } from 'node:crypto';
import type { Queryable } from './db';

export type OAuthProvider = 'hubspot' | 'quickbooks';

export interface OAuthState {
  provider: OAuthProvider;
  connectionId: string | undefined;
  returnTo: string | undefined;
}

/** Unguessable, single-use, short-lived: the CSRF defence of both OAuth flows (RFC 6749 §10.12). */
export function oauthStateStore(db: Queryable) {
  return {
    async issue(provider: OAuthProvider, now: Date, ttlMs: number, bind: { connectionId?: string; returnTo?: string } = {}): Promise<string> {
      const state = randomBytes(24).toString('base64url');
      await db.query(
        'INSERT INTO oauth_states (state, provider, connection_id, return_to, expires_at) VALUES ($1, $2, $3, $4, $5)',
        [state, provider, bind.connectionId ?? null, bind.returnTo ?? null, new Date(now.getTime() + ttlMs)],
      );
      return state;
    },

    /** Consumes the state: a second callback with the same value, or one after expiry, gets undefined. */
    async consume(state: string, provider: OAuthProvider, now: Date): Promise<OAuthState | undefined> {
      const [row] = await db.query<{ connection_id: string | null; return_to: string | null; expires_at: Date }>(
        'DELETE FROM oauth_states WHERE state = $1 AND provider = $2 RETURNING connection_id, return_to, expires_at',
        [state, provider],
      );
      if (row === undefined || new Date(row.expires_at).getTime() <= now.getTime()) return undefined;
      return { provider, connectionId: row.connection_id ?? undefined, returnTo: row.return_to ?? undefined };
    },
  };
}

export type OAuthStateStore = ReturnType<typeof oauthStateStore>;
