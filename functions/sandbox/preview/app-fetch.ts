import { z } from 'zod';
import type { SignedFetchOptions } from '../../../emulators/hubspot/signed-fetch';
import type { Logger } from '../../log';

/**
 * `hubspot.fetch` as HubSpot's proxy carries it, for the preview. The browser cannot sign (the signature needs the
 * client secret), so the extension's request comes here and goes on to the backend signed by the HubSpot emulator,
 * the same way a request from a real card arrives: v2 and v3 signatures over the full URL, with `appId` appended (the
 * portal and user are in the URL because the extension put them there, as the app's own extensions do). The proxy's rules (https://developers.hubspot.com/docs/apps/developer-platform/add-features/ui-extensibility/fetching-data,
 * and HubSpot's local development proxy in @hubspot/ui-extensions-dev-server):
 * - only origins in `permittedUrls.fetch`; each is served by the local backend, as `hs project dev`'s `local.json`
 *   proxy maps a production origin onto a local server;
 * - JSON bodies only, no headers but `Authorization`, requests and responses of at most 1 MB;
 * - 15 s at most per request (`timeout` may lower it), one retry after a connection failure or a 5xx inside that
 *   window, no redirects followed, and at most 20 requests in flight per app and account.
 */
export const FETCH_LIMITS = { maxBytes: 1024 * 1024, defaultTimeoutMs: 15_000, maxTimeoutMs: 15_000, maxInFlight: 20 } as const;

export const AppFetchRequest = z.strictObject({
  url: z.string().min(1),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
  timeout: z.number().int().positive().optional(),
  body: z.record(z.string(), z.unknown()).optional(),
  headers: z.record(z.string(), z.string()).optional(),
});
export type AppFetchRequest = z.input<typeof AppFetchRequest>;

export interface AppFetchUser {
  id: number;
  email: string;
}

export interface AppFetchProxyOptions {
  /** Origins the app may call (`permittedUrls.fetch` in every profile); the local backend is always one of them. */
  permittedOrigins: string[];
  /** Where every permitted origin is served in sandbox mode. */
  backendUrl: string;
  /** HubSpot's side of the proxy: signs and sends (the HubSpot emulator's `signedFetch`). */
  sign: (url: string, opts: SignedFetchOptions) => Promise<Response>;
  log: Logger;
  /** A signal that aborts after `ms`; tests replace it to end a request without waiting. */
  deadline?: (ms: number) => AbortSignal;
}

export type AppFetchProxy = (request: unknown, user: AppFetchUser) => Promise<Response>;

export function createAppFetchProxy(options: AppFetchProxyOptions): AppFetchProxy {
  const backend = new URL(options.backendUrl);
  const permitted = new Set([backend.origin, ...options.permittedOrigins]);
  const deadline = options.deadline ?? ((ms: number) => AbortSignal.timeout(ms));
  let inFlight = 0;

  return async (raw, user) => {
    const parsed = AppFetchRequest.safeParse(raw);
    if (!parsed.success) return proxyError(400, 'VALIDATION_ERROR', `Invalid hubspot.fetch request: ${z.prettifyError(parsed.error)}`);
    const request = parsed.data;

    let requested: URL;
    try {
      requested = new URL(request.url);
    } catch {
      return proxyError(400, 'VALIDATION_ERROR', `URL is malformed: "${request.url}". hubspot.fetch needs a full URL; relative paths do not work.`);
    }
    if (!permitted.has(requested.origin)) {
      return proxyError(
        403,
        'VALIDATION_ERROR',
        `'${requested.origin}' is not in permittedUrls.fetch of app-hsmeta.json (permitted: ${[...permitted].join(', ')}).`,
      );
    }
    const headerNames = Object.keys(request.headers ?? {});
    if (headerNames.length > 1 || headerNames.some((h) => h.toLowerCase() !== 'authorization')) {
      return proxyError(400, 'VALIDATION_ERROR', "Invalid Request Headers provided. Only 'Authorization' header is allowed from hubspot.fetch()");
    }
    const body = request.method === 'GET' ? undefined : request.body;
    if (body !== undefined && Buffer.byteLength(JSON.stringify(body)) > FETCH_LIMITS.maxBytes) {
      return proxyError(413, 'VALIDATION_ERROR', 'The request body is larger than 1 MB, the most hubspot.fetch sends.');
    }
    if (inFlight >= FETCH_LIMITS.maxInFlight) {
      return proxyError(429, 'RATE_LIMITS', `More than ${FETCH_LIMITS.maxInFlight} hubspot.fetch requests are in flight for this app and account; try again.`);
    }

    // The production origin is served locally, as `local.json` maps it in `hs project dev`.
    const target = new URL(`${requested.pathname}${requested.search}`, backend).toString();
    const authorization = request.headers ? Object.values(request.headers)[0] : undefined;
    const timeoutMs = Math.min(request.timeout ?? FETCH_LIMITS.defaultTimeoutMs, FETCH_LIMITS.maxTimeoutMs);
    const signal = deadline(timeoutMs);
    const send = () =>
      options.sign(target, {
        method: request.method,
        signal,
        ...(body !== undefined ? { body } : {}),
        ...(authorization !== undefined ? { headers: { Authorization: authorization } } : {}),
      });

    inFlight++;
    const started = performance.now();
    try {
      const response = await sendWithOneRetry(send, signal);
      const text = await readCapped(response, FETCH_LIMITS.maxBytes);
      options.log.info(
        { method: request.method, url: target, userId: user.id, status: response.status, ms: Math.round(performance.now() - started) },
        'preview hubspot.fetch',
      );
      if (text === undefined) return proxyError(502, 'BAD_GATEWAY', `The response from ${request.url} is larger than 1 MB, the most hubspot.fetch returns.`);
      const contentType = response.headers.get('content-type');
      return new Response(text === '' ? null : text, { status: response.status, headers: contentType ? { 'content-type': contentType } : {} });
    } catch (err) {
      if (signal.aborted) return proxyError(504, 'GATEWAY_TIMEOUT', `Gateway took too long to respond: ${request.url} gave no answer within ${timeoutMs} ms.`);
      options.log.warn({ err, url: target }, 'preview hubspot.fetch could not reach the backend');
      return proxyError(502, 'BAD_GATEWAY', `Network error: could not reach ${request.url} (${err instanceof Error ? err.message : String(err)}).`);
    } finally {
      inFlight--;
    }
  };
}

async function sendWithOneRetry(send: () => Promise<Response>, signal: AbortSignal): Promise<Response> {
  try {
    const first = await send();
    if (first.status < 500 || signal.aborted) return first;
    await first.body?.cancel();
  } catch (err) {
    if (signal.aborted) throw err;
  }
  return send();
}

/** The body as text, or undefined once it passes `max` bytes (the rest is not read). */
async function readCapped(response: Response, max: number): Promise<string | undefined> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The error body shape of HubSpot's proxy (`status`, `category`, `message`). */
function proxyError(status: number, category: string, message: string): Response {
  return Response.json({ status: 'error', category, message }, { status });
}
