/**
 * Intuit OAuth 2.0 for connecting a QBO company, over intuit-oauth
 * (https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/faq).
 * Access tokens live 1 h; refresh tokens 100 days, rolling, and their value rotates: always store
 * the newest. A superseded or revoked refresh token answers `invalid_grant`, which means the admin
 * must reconnect. Refreshes must be serialized per realm by the caller.
 */
import OAuthClient from 'intuit-oauth';
import { z } from 'zod';
import type { TokenSet } from '../store/connections';
import { classifyQboError, QboApiError } from './errors';

export interface QboOAuthEndpoints {
  authorizeEndpoint: string;
  tokenEndpoint: string;
  revokeEndpoint: string;
}

export interface QboOAuthOptions {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  environment: 'sandbox' | 'production';
  /** The emulator's endpoints; Intuit's by default. */
  endpoints?: QboOAuthEndpoints;
  now?: () => Date;
}

export interface QboOAuth {
  authorizeUrl(state: string): string;
  /** `callbackUrl` is the full redirect Intuit sent the admin back with (`?code&state&realmId`). */
  exchangeCode(callbackUrl: string): Promise<{ tokens: TokenSet; realmId: string }>;
  refresh(refreshToken: string): Promise<TokenSet>;
  revoke(token: string): Promise<void>;
}

/** The only scope the sync needs. */
export const QBO_SCOPE = OAuthClient.scopes.Accounting;

// intuit-oauth keeps its endpoints in static class properties (setAuthorizeURLs mutates them for the whole process,
// https://github.com/intuit/oauth-jsclient/blob/master/src/OAuthClient.js). Captured once here, and pinned again right
// before every call, so clients with different endpoints (production and the emulator) can live in one process: each
// call reads them synchronously while building its request.
const INTUIT_ENDPOINTS: QboOAuthEndpoints = {
  authorizeEndpoint: OAuthClient.authorizeEndpoint,
  tokenEndpoint: OAuthClient.tokenEndpoint,
  revokeEndpoint: OAuthClient.revokeEndpoint,
};

const tokenResponse = z.looseObject({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: z.number().positive(),
  x_refresh_token_expires_in: z.number().positive().optional(),
});

/** intuit-oauth rejects with an Error carrying the OAuth `error` code and the AuthResponse (status, body). */
const oauthFailure = z.looseObject({
  error: z.string().optional(),
  error_description: z.string().optional(),
  intuit_tid: z.string().optional(),
  authResponse: z.looseObject({ response: z.looseObject({ status: z.number().optional() }).optional() }).optional(),
});

function classifyOAuthError(err: unknown): QboApiError {
  const parsed = oauthFailure.safeParse(err);
  if (!parsed.success || parsed.data.error === undefined) return classifyQboError(err);
  const { error, error_description: description, intuit_tid: intuitTid } = parsed.data;
  const status = parsed.data.authResponse?.response?.status;
  const detail = description ? `${error}: ${description}` : error;
  if (error === 'invalid_grant') return new QboApiError({ kind: 'reauth_required', status, code: error, detail, intuitTid, cause: err });
  if (status !== undefined && status >= 500) return new QboApiError({ kind: 'unavailable', status, code: error, detail, intuitTid, cause: err });
  if (status === 429) return new QboApiError({ kind: 'rate_limited', status, code: error, detail, intuitTid, cause: err });
  return new QboApiError({ kind: 'validation', status, code: error, detail, intuitTid, cause: err });
}

export function createQboOAuth(opts: QboOAuthOptions): QboOAuth {
  const endpoints = opts.endpoints ?? INTUIT_ENDPOINTS;
  const now = opts.now ?? (() => new Date());

  const client = (): OAuthClient => {
    const c = new OAuthClient({ clientId: opts.clientId, clientSecret: opts.clientSecret, environment: opts.environment, redirectUri: opts.redirectUri });
    // userInfo is not used (no openid scope); intuit-oauth's setter requires a value, so keep the current one.
    c.setAuthorizeURLs({
      ...endpoints,
      userInfoEndpoint: opts.environment === 'sandbox' ? OAuthClient.userinfo_endpoint_sandbox : OAuthClient.userinfo_endpoint_production,
    });
    return c;
  };

  const toTokenSet = (json: unknown): TokenSet => {
    const t = tokenResponse.safeParse(json);
    if (!t.success) throw new QboApiError({ kind: 'unavailable', detail: `Intuit returned an unexpected token response: ${z.prettifyError(t.error)}` });
    const at = now().getTime();
    const set: TokenSet = {
      accessToken: t.data.access_token,
      refreshToken: t.data.refresh_token,
      expiresAt: new Date(at + t.data.expires_in * 1000),
    };
    if (t.data.x_refresh_token_expires_in !== undefined) set.refreshExpiresAt = new Date(at + t.data.x_refresh_token_expires_in * 1000);
    return set;
  };

  return {
    authorizeUrl(state) {
      return client().authorizeUri({ scope: [QBO_SCOPE], state });
    },

    async exchangeCode(callbackUrl) {
      const realmId = new URL(callbackUrl, 'http://callback.invalid').searchParams.get('realmId');
      if (!realmId) throw new QboApiError({ kind: 'validation', detail: 'The QuickBooks callback has no realmId' });
      const res = await client()
        .createToken(callbackUrl)
        .catch((e: unknown) => Promise.reject(classifyOAuthError(e)));
      return { tokens: toTokenSet(res.json), realmId };
    },

    async refresh(refreshToken) {
      // intuit-oauth retries 429/5xx by itself
      // (https://github.com/intuit/oauth-jsclient/blob/master/src/OAuthClient.js); a lost response can still burn a
      // rotated token, which then surfaces here as invalid_grant → reauth_required after the caller re-reads its store.
      const res = await client()
        .refreshUsingToken(refreshToken)
        .catch((e: unknown) => Promise.reject(classifyOAuthError(e)));
      return toTokenSet(res.json);
    },

    async revoke(token) {
      await client()
        .revoke({ refresh_token: token })
        .catch((e: unknown) => Promise.reject(classifyOAuthError(e)));
    },
  };
}
