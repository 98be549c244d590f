/**
 * The one classification table for QuickBooks Online failures.
 * Everything the adapter throws is a QboApiError with a kind from this closed vocabulary; the sync
 * engine and the job runner act on `kind` and `retryable`, and show `userMessage` to the admin.
 * Fault shapes and codes: https://developer.intuit.com/app/developer/qbo/docs/develop/troubleshooting/error-codes.
 */
import { z } from 'zod';
import { parseRetryAfter } from '../transport/retry-after';

export type QboErrorKind = 'reauth_required' | 'rate_limited' | 'unavailable' | 'timeout' | 'validation' | 'stale_object' | 'duplicate_name' | 'not_found';

const RETRYABLE: ReadonlySet<QboErrorKind> = new Set(['rate_limited', 'unavailable', 'timeout']);

const USER_MESSAGES: Record<QboErrorKind, (detail: string) => string> = {
  reauth_required: () =>
    'QuickBooks no longer accepts this app’s connection (the sign-in expired or was revoked). Reconnect QuickBooks from the app settings page.',
  rate_limited: () => 'QuickBooks is limiting how fast this app can send requests. The sync retries automatically; no action is needed.',
  unavailable: () => 'QuickBooks is temporarily unavailable. The sync retries automatically; no action is needed.',
  timeout: () => 'QuickBooks took too long to answer. The sync retries automatically; no action is needed.',
  validation: (detail) => `QuickBooks rejected the record: ${detail} Correct the value in HubSpot or QuickBooks, then retry the record.`,
  stale_object: () =>
    'Someone changed this record in QuickBooks while the sync was saving it. The sync re-reads the record and tries again; retry it if it stays in error.',
  duplicate_name: () =>
    'Another QuickBooks customer, vendor, employee or product already uses this name (inactive ones included). Rename one of them, or link this record to the existing one, then retry.',
  not_found: () => 'The QuickBooks record no longer exists or was made inactive. Reactivate it in QuickBooks or unlink it in the app, then retry.',
};

export interface QboApiErrorInit {
  kind: QboErrorKind;
  detail: string;
  status?: number | undefined;
  code?: string | undefined;
  retryAfterMs?: number | undefined;
  intuitTid?: string | undefined;
  cause?: unknown;
}

export class QboApiError extends Error {
  override readonly name = 'QboApiError';
  readonly kind: QboErrorKind;
  readonly status: number | undefined;
  /** The QBO Fault code, e.g. '6240'. */
  readonly code: string | undefined;
  readonly detail: string;
  readonly retryAfterMs: number | undefined;
  /** Intuit's transaction id (`intuit_tid` header), for support tickets. */
  readonly intuitTid: string | undefined;

  constructor(init: QboApiErrorInit) {
    super(`QuickBooks ${init.kind}${init.code ? ` (${init.code})` : ''}${init.status ? ` [HTTP ${init.status}]` : ''}: ${init.detail}`, {
      cause: init.cause,
    });
    this.kind = init.kind;
    this.status = init.status;
    this.code = init.code;
    this.detail = init.detail;
    this.retryAfterMs = init.retryAfterMs;
    this.intuitTid = init.intuitTid;
  }

  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }

  /** Plain language for an admin, saying what to do. */
  get userMessage(): string {
    return USER_MESSAGES[this.kind](this.detail.endsWith('.') ? this.detail : `${this.detail}.`);
  }
}

// Data-API faults are PascalCase; the gateway's 401 is lower-case (https://github.com/mcohen01/node-quickbooks/issues/97):
// both casings are accepted.
const faultError = z.looseObject({
  Message: z.string().optional(),
  Detail: z.string().optional(),
  code: z.string().optional(),
  message: z.string().optional(),
  detail: z.string().optional(),
});
const upperFault = z.looseObject({ Fault: z.looseObject({ Error: z.array(faultError).min(1), type: z.string().optional() }) });
const lowerFault = z.looseObject({ fault: z.looseObject({ error: z.array(faultError).min(1), type: z.string().optional() }) });

interface Fault {
  code: string | undefined;
  detail: string;
}

function faultOf(body: unknown): Fault | undefined {
  const data = typeof body === 'string' ? parseText(body) : body;
  if (data === undefined) return undefined;
  if (isXmlFault(data)) return data.fault;
  const upper = upperFault.safeParse(data);
  const lower = lowerFault.safeParse(data);
  const first = upper.success ? upper.data.Fault.Error[0] : lower.success ? lower.data.fault.error[0] : undefined;
  if (!first) return undefined;
  const message = first.Message ?? first.message;
  const detail = first.Detail ?? first.detail;
  return { code: first.code, detail: [message, detail].filter(Boolean).join(': ') || 'no detail given' };
}

interface XmlFault {
  xml: true;
  fault: Fault;
}
const isXmlFault = (v: unknown): v is XmlFault => typeof v === 'object' && v !== null && 'xml' in v;

/** Throttle faults historically arrive as XML even to JSON requests (https://github.com/intuit/QuickBooks-V3-PHP-SDK/issues/54). */
function parseText(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed.startsWith('<')) {
    const code = /<Error[^>]*\bcode="([^"]+)"/.exec(trimmed)?.[1];
    if (code === undefined) return undefined;
    const message = /<Message>([^<]*)<\/Message>/.exec(trimmed)?.[1];
    const detail = /<Detail>([^<]*)<\/Detail>/.exec(trimmed)?.[1];
    return { xml: true, fault: { code, detail: [message, detail].filter(Boolean).join(': ') || 'no detail given' } } satisfies XmlFault;
  }
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return undefined;
  }
}

const httpShape = z.looseObject({
  code: z.string().optional(),
  message: z.string().optional(),
  response: z
    .looseObject({
      status: z.number(),
      data: z.unknown(),
      headers: z.unknown(),
    })
    .optional(),
});

function header(headers: unknown, name: string): unknown {
  if (typeof headers !== 'object' || headers === null) return undefined;
  // axios' AxiosHeaders exposes get(); plain objects are keyed lower-case.
  const h = headers as { get?: (n: string) => unknown } & Record<string, unknown>;
  return typeof h.get === 'function' ? h.get(name) : h[name.toLowerCase()];
}

const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT']);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'ENETUNREACH', 'EHOSTUNREACH', 'ERR_NETWORK']);

/**
 * Codes by meaning
 * (https://developer.intuit.com/app/developer/qbo/docs/develop/troubleshooting/handling-common-errors). 3100 and 120:
 * the app or the connecting user lost access to the company.
 */
function kindOfCode(code: string | undefined): QboErrorKind | undefined {
  switch (code) {
    case '3200':
    case '3201':
    case '3100':
    case '120':
      return 'reauth_required';
    case '3001':
      return 'rate_limited';
    case '5010':
      return 'stale_object';
    case '6240':
      return 'duplicate_name';
    case '610':
      return 'not_found';
    default:
      return undefined;
  }
}

function kindOfStatus(status: number): QboErrorKind {
  if (status === 401) return 'reauth_required';
  if (status === 429) return 'rate_limited';
  if (status === 404) return 'not_found';
  if (status === 408 || status === 504) return 'timeout';
  if (status >= 500) return 'unavailable';
  return 'validation';
}

/**
 * Maps anything node-quickbooks, axios or intuit-oauth can fail with onto the closed vocabulary:
 * an AxiosError with a QBO Fault body (JSON in either casing, or the XML throttle fault), an HTTP 200
 * whose body is a Fault (node-quickbooks passes the body itself as the error), an axios timeout or
 * network failure. Anything else is reported as validation, which is never retried.
 */
export function classifyQboError(err: unknown): QboApiError {
  if (err instanceof QboApiError) return err;

  const http = httpShape.safeParse(err);
  const response = http.success ? http.data.response : undefined;
  if (response) {
    const fault = faultOf(response.data);
    const intuitTid = header(response.headers, 'intuit_tid');
    const kind = kindOfCode(fault?.code) ?? kindOfStatus(response.status);
    return new QboApiError({
      kind,
      status: response.status,
      code: fault?.code,
      detail: fault?.detail ?? `HTTP ${response.status}`,
      // Honoured on throttles and on 503s that say when to come back.
      retryAfterMs: kind === 'rate_limited' || kind === 'unavailable' ? parseRetryAfter(header(response.headers, 'retry-after')) : undefined,
      intuitTid: typeof intuitTid === 'string' ? intuitTid : undefined,
      cause: err,
    });
  }

  const bodyFault = faultOf(err);
  if (bodyFault) {
    return new QboApiError({ kind: kindOfCode(bodyFault.code) ?? 'validation', code: bodyFault.code, detail: bodyFault.detail, cause: err });
  }

  const code = http.success ? http.data.code : undefined;
  const message = http.success && http.data.message ? http.data.message : err instanceof Error ? err.message : String(err);
  if ((code !== undefined && TIMEOUT_CODES.has(code)) || /timeout/i.test(message)) {
    return new QboApiError({ kind: 'timeout', detail: message, cause: err });
  }
  if ((code !== undefined && NETWORK_CODES.has(code)) || /socket hang up/i.test(message)) {
    return new QboApiError({ kind: 'unavailable', detail: message, cause: err });
  }
  return new QboApiError({ kind: 'validation', detail: message, cause: err });
}
