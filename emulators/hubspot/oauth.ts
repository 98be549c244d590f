import { randomBytes, randomUUID } from 'node:crypto';
import { Hono, type MiddlewareHandler } from 'hono';
import { HubSpotError, objectNotFound } from './errors';
import type { AuthContext, HubSpotEnv } from './http';
import type { AccessToken, ChangeActor } from './state';
import type { Core } from './core';

/**
 * OAuth 2.0 as HubSpot runs it (https://developers.hubspot.com/docs/api-reference/legacy/authentication/oauth-tokens/v1/guide):
 * authorize → redirect with `code` and `state`; `POST /oauth/v1/token` (form-encoded) for the authorization-code and
 * refresh grants; `GET /oauth/v1/access-tokens/{token}` metadata. Access tokens live 30 minutes on the emulator clock.
 */
export const ACCESS_TOKEN_TTL_SECONDS = 1800;
const AUTH_CODE_TTL_MS = 10 * 60 * 1000;

/**
 * Token-endpoint errors carry both the RFC 6749 pair and HubSpot's legacy `status`/`message`
 * (https://developers.hubspot.com/docs/api-reference/legacy/authentication/oauth-tokens/v1/guide).
 */
const tokenError = (status: string, message: string, error = 'invalid_grant') =>
  new HubSpotError(400, { status, message, error, error_description: message, category: 'VALIDATION_ERROR' });

export function issueAccessToken(emu: Pick<Core, 'clock' | 'state'>, refreshToken: string, scopes: string[], userId: number, user: string): AccessToken {
  // HubSpot access tokens are opaque base64 strings up to 512 characters
  // (https://developers.hubspot.com/docs/api-reference/legacy/authentication/oauth-tokens/v1/guide).
  const token: AccessToken = {
    token: `CK${randomBytes(48).toString('base64url')}`,
    refreshToken,
    scopes,
    userId,
    user,
    expiresAt: emu.clock.now().getTime() + ACCESS_TOKEN_TTL_SECONDS * 1000,
  };
  emu.state.accessTokens.set(token.token, token);
  return token;
}

export function issueRefreshToken(emu: Pick<Core, 'state'>, scopes: string[], userId: number, user: string): string {
  const token = randomUUID();
  emu.state.refreshTokens.set(token, { token, scopes, userId, user, revoked: false });
  return token;
}

const tokenResponse = (t: AccessToken) => ({
  token_type: 'bearer',
  refresh_token: t.refreshToken,
  access_token: t.token,
  expires_in: ACCESS_TOKEN_TTL_SECONDS,
});

export function oauthRoutes(): Hono<HubSpotEnv> {
  const app = new Hono<HubSpotEnv>();

  /** The consent screen, auto-approved: the installing user grants `scope` (+ `optional_scope`) and is redirected. */
  app.get('/oauth/authorize', (c) => {
    const emu = c.get('core');
    const q = c.req.query();
    if (q.client_id !== emu.config.clientId) throw tokenError('BAD_CLIENT_ID', 'missing or unknown client id', 'invalid_request');
    if (!q.redirect_uri) throw tokenError('BAD_REDIRECT_URI', 'missing redirect_uri', 'invalid_request');
    if (emu.config.redirectUri && q.redirect_uri !== emu.config.redirectUri) {
      throw tokenError('BAD_REDIRECT_URI', `redirect_uri ${q.redirect_uri} does not match the app's redirect URLs`, 'invalid_request');
    }
    const requested = (q.scope ?? '').split(/[\s+]+/).filter(Boolean);
    const unknown = requested.filter((s) => !emu.config.scopes.includes(s));
    if (requested.length === 0 || unknown.length > 0) {
      throw tokenError('BAD_SCOPES', `Invalid scopes requested: ${unknown.join(' ') || '(none)'}`, 'invalid_scope');
    }
    const optional = (q.optional_scope ?? '').split(/[\s+]+/).filter((s) => s && emu.config.scopes.includes(s));
    const code = randomUUID();
    emu.state.authCodes.set(code, {
      code,
      redirectUri: q.redirect_uri,
      scopes: [...new Set([...requested, ...optional])],
      expiresAt: emu.clock.now().getTime() + AUTH_CODE_TTL_MS,
      used: false,
    });
    const target = new URL(q.redirect_uri);
    target.searchParams.set('code', code);
    if (q.state !== undefined) target.searchParams.set('state', q.state);
    return c.redirect(target.toString(), 302);
  });

  app.post('/oauth/v1/token', async (c) => {
    const emu = c.get('core');
    const type = c.req.header('content-type') ?? '';
    if (!type.startsWith('application/x-www-form-urlencoded') && !type.startsWith('multipart/form-data')) {
      throw new HubSpotError(415, {
        message: `Unsupported Content-Type ${type || '(none)'}; send application/x-www-form-urlencoded`,
        category: 'VALIDATION_ERROR',
      });
    }
    const form = await c.req.parseBody();
    const field = (k: string) => (typeof form[k] === 'string' ? form[k] : undefined);
    if (field('client_id') !== emu.config.clientId) throw tokenError('BAD_CLIENT_ID', 'missing or unknown client id', 'invalid_request');
    if (field('client_secret') !== emu.config.clientSecret) throw tokenError('BAD_CLIENT_SECRET', 'missing or invalid client secret', 'invalid_client');
    const grant = field('grant_type');
    if (grant === 'authorization_code') {
      const auth = emu.state.authCodes.get(field('code') ?? '');
      if (!auth || auth.used) throw tokenError('BAD_AUTH_CODE', 'missing or unknown auth code');
      if (auth.expiresAt <= emu.clock.now().getTime()) throw tokenError('EXPIRED_AUTH_CODE', 'auth code is expired');
      if (field('redirect_uri') !== auth.redirectUri) throw tokenError('BAD_REDIRECT_URI', 'redirect_uri does not match the one used to authorize');
      auth.used = true;
      const refresh = issueRefreshToken(emu, auth.scopes, emu.config.userId, emu.config.userEmail);
      return c.json(tokenResponse(issueAccessToken(emu, refresh, auth.scopes, emu.config.userId, emu.config.userEmail)));
    }
    if (grant === 'refresh_token') {
      const refresh = emu.state.refreshTokens.get(field('refresh_token') ?? '');
      if (!refresh || refresh.revoked) throw tokenError('BAD_REFRESH_TOKEN', 'refresh token is invalid, expired or revoked');
      // The same refresh token is returned: HubSpot's docs do not say whether it rotates.
      return c.json(tokenResponse(issueAccessToken(emu, refresh.token, refresh.scopes, refresh.userId, refresh.user)));
    }
    throw tokenError('BAD_GRANT_TYPE', `unsupported grant_type ${grant ?? '(none)'}`, 'unsupported_grant_type');
  });

  app.get('/oauth/v1/access-tokens/:token', (c) => {
    const emu = c.get('core');
    const t = emu.state.accessTokens.get(c.req.param('token'));
    const now = emu.clock.now().getTime();
    if (!t || t.expiresAt <= now) throw objectNotFound('Access token not found or expired');
    return c.json({
      token: t.token,
      user: t.user,
      hub_domain: emu.config.hubDomain,
      scopes: t.scopes,
      signed_access_token: {
        expiresAt: t.expiresAt,
        scopes: Buffer.from(t.scopes.join(' ')).toString('base64'),
        hubId: emu.config.portalId,
        userId: t.userId,
        appId: emu.config.appId,
        signature: randomBytes(16).toString('base64'),
        scopeToScopeGroupPks: '',
        newSignature: '',
        hublet: 'na1',
        trialScopes: '',
        trialScopeToScopeGroupPks: '',
        isUserLevel: false,
        installingUserId: t.userId,
        isServiceAccount: false,
        isPrivateDistribution: false,
      },
      is_private_distribution: false,
      hub_id: emu.config.portalId,
      app_id: emu.config.appId,
      expires_in: Math.floor((t.expiresAt - now) / 1000),
      user_id: t.userId,
      token_type: 'access',
    });
  });

  app.get('/oauth/v1/refresh-tokens/:token', (c) => {
    const emu = c.get('core');
    const r = emu.state.refreshTokens.get(c.req.param('token'));
    if (!r || r.revoked) throw objectNotFound('Refresh token not found');
    return c.json({
      token: r.token,
      user: r.user,
      hub_domain: emu.config.hubDomain,
      scopes: r.scopes,
      hub_id: emu.config.portalId,
      client_id: emu.config.clientId,
      user_id: r.userId,
      token_type: 'refresh',
    });
  });

  app.delete('/oauth/v1/refresh-tokens/:token', (c) => {
    const r = c.get('core').state.refreshTokens.get(c.req.param('token'));
    if (!r || r.revoked) throw objectNotFound('Refresh token not found');
    // Deleting a refresh token does not revoke access tokens already issued
    // (https://developers.hubspot.com/docs/api-reference/legacy/authentication/oauth-tokens/v1/guide).
    r.revoked = true;
    return c.body(null, 204);
  });

  return app;
}

const MISSING_AUTH_MESSAGE =
  'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview';

/**
 * Bearer-token check for the API routes: 401 INVALID_AUTHENTICATION for unknown tokens, 401 EXPIRED_AUTHENTICATION
 * with the age in seconds for expired ones (as reported in https://github.com/segment-boneyard/segment-docs/pull/6244),
 * and a scope checker that answers 403 MISSING_SCOPES.
 */
export function requireBearer(): MiddlewareHandler<HubSpotEnv> {
  return async (c, next) => {
    const emu = c.get('core');
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer (.+)$/i.exec(header);
    const token = match ? emu.state.accessTokens.get(match[1]!) : undefined;
    if (!token) throw new HubSpotError(401, { message: MISSING_AUTH_MESSAGE, category: 'INVALID_AUTHENTICATION' });
    const now = emu.clock.now().getTime();
    if (token.expiresAt <= now) {
      const ago = Math.max(1, Math.floor((now - token.expiresAt) / 1000));
      throw new HubSpotError(401, { message: `The OAuth token used to make this call expired ${ago} second(s) ago.`, category: 'EXPIRED_AUTHENTICATION' });
    }
    // Writes made with the app's OAuth token appear as `changeSource: INTEGRATION` with the app id as `sourceId`
    // in webhooks and property history (real payloads: see fixtures/README.md).
    const actor: ChangeActor = { changeSource: 'INTEGRATION', sourceId: String(emu.config.appId) };
    const auth: AuthContext = {
      tokenScopes: token.scopes,
      actor,
      require(anyOf) {
        if (anyOf.some((s) => token.scopes.includes(s))) return;
        throw new HubSpotError(403, {
          message:
            "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
          errors: [{ message: 'One or more of the following scopes are required.', context: { requiredGranularScopes: [...anyOf] } }],
          links: { scopes: 'https://developers.hubspot.com/scopes' },
          category: 'MISSING_SCOPES',
        });
      },
    };
    c.set('auth', auth);
    await next();
  };
}
