/**
 * Intuit OAuth 2.0 on Intuit's own paths: authorize (auto-consent, redirect with code, state and
 * realmId), the token endpoint (authorization_code and refresh_token grants, HTTP Basic client auth,
 * form body), revoke, userinfo. Access tokens live 1 h on the emulator clock; refresh tokens 100 days,
 * rolling, and their value rotates once it is 24 h old, after which the superseded one is `invalid_grant`.
 * https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-2.0
 * https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/faq
 */
import { randomBytes } from 'node:crypto';
import type { Context, Hono } from 'hono';
import type { Clock } from '../shared/clock';

export const OAUTH_PATHS = {
  authorize: '/connect/oauth2',
  token: '/oauth2/v1/tokens/bearer',
  revoke: '/v2/oauth2/tokens/revoke',
  userInfo: '/v1/openid_connect/userinfo',
} as const;

export const ACCESS_TOKEN_TTL_S = 3600;
export const REFRESH_TOKEN_TTL_S = 100 * 24 * 3600;
export const REFRESH_ROTATION_MS = 24 * 3600 * 1000;
const CODE_TTL_MS = 5 * 60 * 1000;

export const SCOPES = ['com.intuit.quickbooks.accounting', 'com.intuit.quickbooks.payment', 'openid', 'profile', 'email', 'phone', 'address'];

export interface OAuthApp {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

export interface TokenResponse {
  token_type: 'bearer';
  access_token: string;
  refresh_token: string;
  expires_in: number;
  x_refresh_token_expires_in: number;
}

interface Grant {
  realmId: string;
  refreshToken: string;
  refreshIssuedAt: number;
  refreshExpiresAt: number;
  revoked: boolean;
}

export type Authentication = { ok: true; realmId: string } | { ok: false; detail: string };

const token = (prefix: string, bytes: number): string => `${prefix}${randomBytes(bytes).toString('base64url')}`;

export class OAuthServer {
  #grants = new Set<Grant>();
  #access = new Map<string, { grant: Grant; expiresAt: number }>();
  #refresh = new Map<string, { grant: Grant; superseded: boolean }>();
  #codes = new Map<string, { realmId: string; redirectUri: string; expiresAt: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly app: OAuthApp,
    private readonly realmId: () => string,
  ) {}

  #now(): number {
    return this.clock.now().getTime();
  }

  /** Issues a fresh grant for the realm, as if the admin had consented (tests and sandbox mode). */
  issue(realmId = this.realmId()): TokenResponse {
    const now = this.#now();
    const grant: Grant = { realmId, refreshToken: token('RT1-', 24), refreshIssuedAt: now, refreshExpiresAt: now + REFRESH_TOKEN_TTL_S * 1000, revoked: false };
    this.#grants.add(grant);
    this.#refresh.set(grant.refreshToken, { grant, superseded: false });
    return this.#accessFor(grant);
  }

  #accessFor(grant: Grant): TokenResponse {
    const now = this.#now();
    const access = token('eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0..', 48);
    this.#access.set(access, { grant, expiresAt: now + ACCESS_TOKEN_TTL_S * 1000 });
    return {
      token_type: 'bearer',
      access_token: access,
      refresh_token: grant.refreshToken,
      expires_in: ACCESS_TOKEN_TTL_S,
      x_refresh_token_expires_in: Math.round((grant.refreshExpiresAt - now) / 1000),
    };
  }

  /** Every access token issued so far reaches its end now, as after an hour without a refresh; returns how many. */
  expireAccessTokens(): number {
    const now = this.#now();
    for (const entry of this.#access.values()) entry.expiresAt = Math.min(entry.expiresAt, now);
    return this.#access.size;
  }

  authenticate(authorization: string | undefined): Authentication {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!m?.[1]) return { ok: false, detail: 'Token invalid: no bearer token in the Authorization header' };
    const entry = this.#access.get(m[1]);
    if (!entry || entry.grant.revoked) return { ok: false, detail: 'Token revoked or invalid' };
    if (entry.expiresAt <= this.#now()) return { ok: false, detail: `Token expired: ${m[1].slice(0, 20)}...` };
    return { ok: true, realmId: entry.grant.realmId };
  }

  #clientOk(c: Context): boolean {
    const m = /^Basic\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
    if (!m?.[1]) return false;
    const [id, secret] = Buffer.from(m[1], 'base64').toString('utf8').split(':');
    return id === this.app.clientId && secret === this.app.clientSecret;
  }

  #refreshGrant(refreshToken: string): TokenResponse | undefined {
    const entry = this.#refresh.get(refreshToken);
    const now = this.#now();
    if (!entry || entry.superseded || entry.grant.revoked || entry.grant.refreshExpiresAt <= now) return undefined;
    const grant = entry.grant;
    if (now - grant.refreshIssuedAt >= REFRESH_ROTATION_MS) {
      entry.superseded = true;
      grant.refreshToken = token('RT1-', 24);
      grant.refreshIssuedAt = now;
      this.#refresh.set(grant.refreshToken, { grant, superseded: false });
    }
    // Rolling: each use extends the refresh token's life (https://blogs.intuit.com/2024/06/03/oauth-token-management-done-the-right-way/).
    grant.refreshExpiresAt = now + REFRESH_TOKEN_TTL_S * 1000;
    return this.#accessFor(grant);
  }

  reset(): void {
    this.#grants.clear();
    this.#access.clear();
    this.#refresh.clear();
    this.#codes.clear();
  }

  routes(app: Hono): void {
    app.get(OAUTH_PATHS.authorize, (c) => {
      const q = c.req.query();
      if (q.client_id !== this.app.clientId) return c.json({ error: 'invalid_client', error_description: 'Unknown client_id' }, 400);
      if (q.redirect_uri !== this.app.redirectUri) {
        return c.json({ error: 'invalid_request', error_description: 'The redirect_uri does not match a redirect URI registered for the app' }, 400);
      }
      const back = new URL(this.app.redirectUri);
      if (q.state !== undefined) back.searchParams.set('state', q.state);
      const scopes = (q.scope ?? '').split(/[ +]/).filter(Boolean);
      let error: string | undefined;
      if (q.response_type !== 'code') error = 'unsupported_response_type';
      else if (scopes.length === 0 || scopes.some((s) => !SCOPES.includes(s))) error = 'invalid_scope';
      if (error) {
        back.searchParams.set('error', error);
        return c.redirect(back.toString(), 302);
      }
      const code = token('AB1', 32);
      this.#codes.set(code, { realmId: this.realmId(), redirectUri: this.app.redirectUri, expiresAt: this.#now() + CODE_TTL_MS });
      back.searchParams.set('code', code);
      back.searchParams.set('realmId', this.realmId());
      return c.redirect(back.toString(), 302);
    });

    app.post(OAUTH_PATHS.token, async (c) => {
      if (!this.#clientOk(c)) return c.json({ error: 'invalid_client' }, 401);
      if (!(c.req.header('content-type') ?? '').includes('application/x-www-form-urlencoded')) {
        return c.json({ error: 'invalid_request', error_description: 'Content-Type must be application/x-www-form-urlencoded' }, 400);
      }
      const form = new URLSearchParams(await c.req.text());
      const grantType = form.get('grant_type');
      if (grantType === 'authorization_code') {
        const code = form.get('code') ?? '';
        const entry = this.#codes.get(code);
        // Codes are single-use.
        this.#codes.delete(code);
        if (!entry || entry.expiresAt <= this.#now() || form.get('redirect_uri') !== entry.redirectUri) return c.json({ error: 'invalid_grant' }, 400);
        return c.json(this.issue(entry.realmId));
      }
      if (grantType === 'refresh_token') {
        const res = this.#refreshGrant(form.get('refresh_token') ?? '');
        return res ? c.json(res) : c.json({ error: 'invalid_grant' }, 400);
      }
      return c.json({ error: 'unsupported_grant_type' }, 400);
    });

    app.post(OAUTH_PATHS.revoke, async (c) => {
      if (!this.#clientOk(c)) return c.json({ error: 'invalid_client' }, 401);
      const raw = await c.req.text();
      // intuit-oauth sends JSON `{"token"}`; node-quickbooks sends a form body.
      let value: string | undefined;
      if ((c.req.header('content-type') ?? '').includes('application/json')) {
        try {
          const parsed: unknown = JSON.parse(raw);
          if (typeof parsed === 'object' && parsed !== null && 'token' in parsed && typeof parsed.token === 'string') value = parsed.token;
        } catch {
          value = undefined;
        }
      } else {
        value = new URLSearchParams(raw).get('token') ?? undefined;
      }
      if (!value) return c.json({ error: 'invalid_request', error_description: 'token is required' }, 400);
      const grant = this.#access.get(value)?.grant ?? this.#refresh.get(value)?.grant;
      // Revoking either token disconnects the app: the whole grant stops working.
      if (grant) grant.revoked = true;
      return c.body(null, 200);
    });

    app.get(OAUTH_PATHS.userInfo, (c) => {
      const auth = this.authenticate(c.req.header('authorization'));
      if (!auth.ok) return c.json({ error: 'invalid_token' }, 401);
      return c.json({
        sub: `emulated-user-${auth.realmId}`,
        email: 'admin@quickbooks.example',
        emailVerified: true,
        givenName: 'Emulated',
        familyName: 'Admin',
      });
    });
  }
}
