import { z } from 'zod';
import { parseRetryAfter } from '../transport/retry-after';

/**
 * The closed vocabulary every HubSpot failure is reduced to. The sync engine and the job runner act only on these
 * kinds; nothing outside this folder looks at HTTP statuses or HubSpot categories.
 */
export type HubSpotErrorKind = 'reauth_required' | 'forbidden' | 'rate_limited' | 'unavailable' | 'timeout' | 'validation' | 'conflict' | 'not_found';

const RETRYABLE: ReadonlySet<HubSpotErrorKind> = new Set(['rate_limited', 'unavailable', 'timeout']);

const USER_MESSAGES: Record<HubSpotErrorKind, string> = {
  reauth_required: 'HubSpot no longer accepts this connection. Reinstall the app from the HubSpot marketplace to reconnect.',
  forbidden: 'The app is missing a HubSpot permission it needs. Reinstall the app and approve every requested permission.',
  rate_limited: 'HubSpot is limiting how fast the app may call it. The sync slows down and resumes on its own.',
  unavailable: 'HubSpot is temporarily unavailable. The sync retries on its own.',
  timeout: 'HubSpot took too long to answer. The sync retries on its own.',
  validation: 'HubSpot rejected a value the app sent. Check the record and the field mapping shown with this error.',
  conflict: 'A HubSpot record with the same unique value (for example the email address) already exists. Merge or fix the duplicate.',
  not_found: 'The HubSpot record no longer exists; it may have been deleted or merged.',
};

export interface HubSpotApiErrorInit {
  kind: HubSpotErrorKind;
  status?: number | undefined;
  category?: string | undefined;
  detail: string;
  retryAfterMs?: number | undefined;
}

export class HubSpotApiError extends Error {
  readonly kind: HubSpotErrorKind;
  readonly status: number | undefined;
  /** HubSpot's `category` (`VALIDATION_ERROR`, `MISSING_SCOPES`…) or the token endpoint's `status` (`BAD_REFRESH_TOKEN`). */
  readonly category: string | undefined;
  /** HubSpot's own message, for logs and the sync-health view; never shown as the headline. */
  readonly detail: string;
  /** How long HubSpot asked us to wait (Retry-After or the rate-limit window), when it said. */
  readonly retryAfterMs: number | undefined;
  /** Plain language for an admin: what happened and what to do. */
  readonly userMessage: string;

  constructor(init: HubSpotApiErrorInit) {
    super(`HubSpot ${init.kind}${init.status === undefined ? '' : ` (${init.status})`}: ${init.detail}`);
    this.name = 'HubSpotApiError';
    this.kind = init.kind;
    this.status = init.status;
    this.category = init.category;
    this.detail = init.detail;
    this.retryAfterMs = init.retryAfterMs;
    this.userMessage = USER_MESSAGES[init.kind];
  }

  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }
}

/**
 * HubSpot error bodies (https://developers.hubspot.com/docs/api-reference/error-handling): `{status, message,
 * correlationId, category, …}` on the API, `{status, message, error, error_description}` on the OAuth token endpoint
 * (https://developers.hubspot.com/docs/api-reference/legacy/authentication/oauth-tokens/v1/guide), `{message,
 * policyName, errorType}` on 429. Every field is optional in practice.
 */
const errorBodyRaw = z.looseObject({
  status: z.string().optional(),
  message: z.string().optional(),
  errors: z.array(z.looseObject({ message: z.string().optional() })).optional(),
  category: z.string().optional(),
  error: z.string().optional(),
  error_description: z.string().optional(),
  policyName: z.string().optional(),
});
type ErrorBodyRaw = z.infer<typeof errorBodyRaw>;

/** What @hubspot/api-client's generated `ApiException` carries (`lib/codegen/*\/apis/exception.js`). */
const apiExceptionRaw = z.object({
  code: z.number().int(),
  body: z.unknown(),
  headers: z.record(z.string(), z.string()).optional(),
});

/**
 * Token-endpoint statuses meaning the grant is gone: the portal must reinstall
 * (https://developers.hubspot.com/docs/api-reference/legacy/authentication/oauth-tokens/v1/guide, "refresh errors").
 */
const REAUTH_TOKEN_STATUSES = new Set(['BAD_REFRESH_TOKEN']);

/**
 * Maps an @hubspot/api-client exception (`code` + `body` + `headers`) or a network failure to a HubSpotApiError.
 * Anything else (a bug in our code, an SDK deserialisation failure) is not a HubSpot condition: `undefined`, and
 * the caller rethrows it unchanged.
 */
export function classifyHubSpotError(err: unknown): HubSpotApiError | undefined {
  if (err instanceof HubSpotApiError) return err;
  const api = apiExceptionRaw.safeParse(err);
  if (api.success) return fromResponse(api.data.code, parseBody(api.data.body), lowerKeys(api.data.headers ?? {}));
  return fromNetworkError(err);
}

/** The same mapping for a raw `Response` (calls the SDK has no generated API for). */
export async function classifyResponse(res: Response): Promise<HubSpotApiError> {
  const text = await res.text();
  return fromResponse(res.status, parseBody(text), lowerKeys(Object.fromEntries(res.headers.entries())));
}

/**
 * HubSpot's own words for a refusal, as plainly as it says them: the per-property messages of `errors[]` ("Email
 * address bob@builder is invalid") rather than the top-level message, which embeds them as JSON for property
 * validation failures (https://developers.hubspot.com/docs/api-reference/error-handling).
 */
export function plainDetail(body: { message?: string | undefined; errors?: { message?: string | undefined }[] | undefined }): string | undefined {
  const details = (body.errors ?? []).flatMap((e) => (e.message ? [e.message] : []));
  return details.length > 0 ? details.join('; ') : body.message;
}

function fromResponse(status: number, body: ErrorBodyRaw, headers: Record<string, string>): HubSpotApiError {
  const detail = plainDetail(body) ?? body.error_description ?? `HTTP ${status}`;
  // The token endpoint's `status` (BAD_REFRESH_TOKEN…) is more specific than its generic category; API bodies say "error".
  const category = body.status !== undefined && body.status !== 'error' ? body.status : body.category;
  const make = (kind: HubSpotErrorKind, retryAfterMs?: number) => new HubSpotApiError({ kind, status, category, detail, retryAfterMs });

  if (status === 400 && (REAUTH_TOKEN_STATUSES.has(body.status ?? '') || (body.error === 'invalid_grant' && body.status === undefined))) {
    return make('reauth_required');
  }
  switch (status) {
    case 401:
      return make('reauth_required');
    case 403:
      return make('forbidden');
    case 404:
      return make('not_found');
    case 409:
      return make('conflict');
    case 408:
      return make('timeout');
    case 423:
      // "Locked" during high-volume syncs: wait at least 2 s
      // (https://developers.hubspot.com/docs/api-reference/error-handling).
      return make('unavailable', retryAfter(headers) ?? 2_000);
    case 429:
      return make('rate_limited', retryAfter(headers) ?? rateLimitWait(body, headers));
    case 477:
      // Account migration; Retry-After is in seconds and may be up to 24 h
      // (https://developers.hubspot.com/docs/api-reference/error-handling).
      return make('unavailable', retryAfter(headers));
    case 504:
    case 524:
      // 524 = HubSpot got no response within 100 s (https://developers.hubspot.com/docs/api-reference/error-handling).
      return make('timeout', retryAfter(headers));
  }
  if (status >= 500) return make('unavailable', retryAfter(headers));
  return make('validation');
}

/**
 * 429 without Retry-After (HubSpot's docs do not say it is sent): the search limit is per second
 * (https://developers.hubspot.com/docs/api-reference/latest/crm/search-the-crm: 5 requests/s); the burst limit is a
 * rolling window reported in `X-HubSpot-RateLimit-Interval-Milliseconds`
 * (https://developers.hubspot.com/docs/developer-tooling/platform/usage-guidelines), and the SDK's own retry waits 10 s
 * for it.
 */
function rateLimitWait(body: ErrorBodyRaw, headers: Record<string, string>): number | undefined {
  if (body.message === 'You have reached your secondly limit.' || body.policyName === 'SECONDLY') return 1_000;
  const interval = Number(headers['x-hubspot-ratelimit-interval-milliseconds']);
  if (headers['x-hubspot-ratelimit-remaining'] === '0' && Number.isFinite(interval) && interval > 0) return interval;
  if (body.policyName === 'TEN_SECONDLY_ROLLING') return 10_000;
  return undefined;
}

const retryAfter = (headers: Record<string, string>): number | undefined => parseRetryAfter(headers['retry-after']);

const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

const networkErrorRaw = z.looseObject({
  name: z.string().optional(),
  message: z.string().optional(),
  code: z.string().optional(),
  cause: z.looseObject({ code: z.string().optional(), name: z.string().optional(), message: z.string().optional() }).optional(),
});

/** Node's fetch (undici) fails with `TypeError: fetch failed` and the system error in `cause`. */
function fromNetworkError(err: unknown): HubSpotApiError | undefined {
  const parsed = networkErrorRaw.safeParse(err);
  if (!parsed.success) return undefined;
  const e = parsed.data;
  const code = e.cause?.code ?? e.code;
  const detail = [e.message, e.cause?.message].filter(Boolean).join(': ') || 'network error';
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || (code !== undefined && TIMEOUT_CODES.has(code))) {
    return new HubSpotApiError({ kind: 'timeout', category: code, detail });
  }
  if ((code !== undefined && NETWORK_CODES.has(code)) || (e.name === 'TypeError' && e.message === 'fetch failed')) {
    return new HubSpotApiError({ kind: 'unavailable', category: code, detail });
  }
  return undefined;
}

function parseBody(body: unknown): ErrorBodyRaw {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body) as unknown;
    } catch {
      return { message: body.slice(0, 500) || undefined };
    }
  }
  const parsed = errorBodyRaw.safeParse(value);
  return parsed.success ? parsed.data : {};
}

const lowerKeys = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
