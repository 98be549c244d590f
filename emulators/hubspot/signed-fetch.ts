import type { Clock } from '../shared/clock';
import { signatureHeaders } from './signatures';

/**
 * Sends a request to the app's backend the way `hubspot.fetch` from a card or settings page arrives there
 * (reference hubspot-platform.md §4, hubspot-api.md §10): HubSpot appends `appId` (and, per third-party reports,
 * `portalId`, `userId`, `userEmail`) to the query, signs v2 and v3 with the client secret over `JSON.stringify(body)`
 * (or `''`), sends JSON bodies as `application/json`, and does not follow redirects.
 */
export interface SignedFetchOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: Record<string, unknown>;
  userId?: number;
  userEmail?: string;
  /** Only `Authorization` may be set from `hubspot.fetch` (local proxy rule, reference §10). */
  headers?: { Authorization?: string };
  /** Ends the request early (the proxy's timeout). */
  signal?: AbortSignal;
}

export async function signedFetch(
  ctx: { fetch: typeof fetch; clock: Clock; portalId: number; appId: number; clientSecret: string; userId: number; userEmail: string },
  url: string,
  opts: SignedFetchOptions = {},
): Promise<Response> {
  const method = opts.method ?? 'GET';
  const target = new URL(url);
  target.searchParams.append('appId', String(ctx.appId));
  target.searchParams.append('portalId', String(ctx.portalId));
  target.searchParams.append('userId', String(opts.userId ?? ctx.userId));
  target.searchParams.append('userEmail', opts.userEmail ?? ctx.userEmail);
  const body = opts.body === undefined ? '' : JSON.stringify(opts.body);
  const uri = target.toString();
  const headers: Record<string, string> = {
    ...signatureHeaders('v2', ctx.clientSecret, method, uri, body, ctx.clock.now().getTime()),
    ...(body !== '' ? { 'Content-Type': 'application/json' } : {}),
    ...(opts.headers?.Authorization ? { Authorization: opts.headers.Authorization } : {}),
  };
  return ctx.fetch(uri, { method, headers, redirect: 'manual', ...(body !== '' ? { body } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
}
