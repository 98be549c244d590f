import { Client } from '@hubspot/api-client';
import { z } from 'zod';
import type { TokenSet } from '../store/connections';
import { classifyHubSpotError } from './errors';

/**
 * HubSpot OAuth for a marketplace app, through the official client's oauth APIs
 * (https://developers.hubspot.com/docs/api-reference/legacy/authentication/oauth-tokens/v1/guide): authorize URL → code
 * → tokens; the portal comes from the access-token metadata (`GET /oauth/v1/access-tokens/{token}` → `hub_id`). A
 * revoked or bad refresh token (`BAD_REFRESH_TOKEN`, `invalid_grant`) surfaces as HubSpotApiError `reauth_required`.
 */
export interface HubSpotOAuthOptions {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** API origin for the token and introspection endpoints (`https://api.hubapi.com` or the emulator). */
  basePath: string;
  authorizeUrl?: string;
  scopes: string[];
  now?: () => Date;
}

export interface HubSpotOAuth {
  authorizeUrl(state: string): string;
  /** The installing user comes with the portal: the access-token metadata names both. */
  exchangeCode(code: string): Promise<{ tokens: TokenSet; portalId: number; userId: number; scopes: string[] }>;
  refresh(refreshToken: string): Promise<TokenSet>;
}

const DEFAULT_AUTHORIZE_URL = 'https://app.hubspot.com/oauth/authorize';

/**
 * `TokenResponseIF` as the SDK deserialises it (camelCase of `access_token`, `refresh_token`, `expires_in`; SDK
 * `lib/codegen/oauth/models/TokenResponseIF.js`). Access tokens may be up to 512 characters
 * (https://developers.hubspot.com/docs/api-reference/legacy/authentication/oauth-tokens/v1/guide).
 */
const tokenResponseRaw = z.object({
  accessToken: z.string().min(1).max(512),
  refreshToken: z.string().min(1),
  expiresIn: z.number().int().positive(),
});

/** `AccessTokenInfoResponse` as the SDK deserialises it (`hub_id` → `hubId`). */
const accessTokenInfoRaw = z.object({
  hubId: z.number().int().positive(),
  userId: z.number().int().positive(),
  scopes: z.array(z.string()),
});

export function createHubSpotOAuth(opts: HubSpotOAuthOptions): HubSpotOAuth {
  const now = opts.now ?? (() => new Date());
  const oauth = () => new Client({ basePath: opts.basePath }).oauth;

  /** SDK exceptions become HubSpotApiError; anything else is a bug and propagates as is. */
  const hubspot = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      throw classifyHubSpotError(err) ?? err;
    }
  };

  const toTokenSet = (raw: unknown): TokenSet => {
    const t = tokenResponseRaw.parse(raw);
    return { accessToken: t.accessToken, refreshToken: t.refreshToken, expiresAt: new Date(now().getTime() + t.expiresIn * 1000) };
  };

  return {
    authorizeUrl(state) {
      // The same query the SDK's getAuthorizationUrl builds (client_id, redirect_uri, space-separated scope, state),
      // on a configurable origin so sandbox mode can point at the emulator's consent screen.
      const url = new URL(opts.authorizeUrl ?? DEFAULT_AUTHORIZE_URL);
      url.searchParams.set('client_id', opts.clientId);
      url.searchParams.set('redirect_uri', opts.redirectUri);
      url.searchParams.set('scope', opts.scopes.join(' '));
      url.searchParams.set('state', state);
      return url.toString();
    },

    async exchangeCode(code) {
      const tokens = toTokenSet(await hubspot(() => oauth().tokensApi.create('authorization_code', code, opts.redirectUri, opts.clientId, opts.clientSecret)));
      const info = accessTokenInfoRaw.parse(await hubspot(() => oauth().accessTokensApi.get(tokens.accessToken)));
      return { tokens, portalId: info.hubId, userId: info.userId, scopes: info.scopes };
    },

    async refresh(refreshToken) {
      return toTokenSet(await hubspot(() => oauth().tokensApi.create('refresh_token', undefined, undefined, opts.clientId, opts.clientSecret, refreshToken)));
    },
  };
}
