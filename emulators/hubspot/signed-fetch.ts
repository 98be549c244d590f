import type { Clock } from '../shared/clock';
import { signatureHeaders } from './signatures';

/**
 * Sends a request to the app's backend the way `hubspot.fetch` from a card or settings page arrives there
 * (https://developers.hubspot.com/docs/apps/developer-platform/add-features/ui-extensibility/fetching-data): HubSpot
 * appends `appId` to the query (the only parameter a HubSpot source documents as added automatically), signs v2 and
 * v3 with the client secret over `JSON.stringify(body)` (or `''`), sends JSON bodies as `application/json`, and does
 * not follow redirects. Anything else in the URL (`portalId`, `userId`…) is what the extension itself put there.
 */
export interface SignedFetchOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: Record<string, unknown>;
  /** Only `Authorization` may be set from `hubspot.fetch` (the local dev proxy refuses any other header). */
  headers?: { Authorization?: string };
  /** Ends the request early (the proxy's timeout). */
  signal?: AbortSignal;
}

export async function signedFetch(
  ctx: { fetch: typeof fetch; clock: Clock; appId: number; clientSecret: string },
  url: string,
  opts: SignedFetchOptions = {},
): Promise<Response> {
  const method = opts.method ?? 'GET';
  const target = new URL(url);
  target.searchParams.append('appId', String(ctx.appId));
  const body = opts.body === undefined ? '' : JSON.stringify(opts.body);
  const uri = target.toString();
  const headers: Record<string, string> = {
    ...signatureHeaders('v2', ctx.clientSecret, method, uri, body, ctx.clock.now().getTime()),
    ...(body !== '' ? { 'Content-Type': 'application/json' } : {}),
    ...(opts.headers?.Authorization ? { Authorization: opts.headers.Authorization } : {}),
  };
  return ctx.fetch(uri, { method, headers, redirect: 'manual', ...(body !== '' ? { body } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
}
