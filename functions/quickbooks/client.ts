/**
 * The QuickBooks Online data client: node-quickbooks (reference/qbo-api.md §5) behind a small typed,
 * promise-based interface. Every attempt goes through the realm's rate limiter; rate limits, outages
 * and timeouts are retried with exponential backoff and full jitter (honouring Retry-After); a 401
 * refreshes the access token once; writes carry a `requestid` so a retry never applies twice (§2.1,
 * B-rid). Every response is parsed with the schemas in `schemas.ts`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { AxiosStatic, InternalAxiosRequestConfig } from 'axios';
import QuickBooks from 'node-quickbooks';
import { z } from 'zod';
import type { Logger } from '../log';
import { classifyQboError, QboApiError, type QboErrorKind } from './errors';
import { limiterForRealm, type QboRateLimiter } from './rate-limiter';
import {
  qboCompanyInfoSchema,
  qboDeletedSchema,
  qboEntitySchemas,
  qboPreferencesSchema,
  type QboCompanyInfo,
  type QboDeleted,
  type QboEntityMap,
  type QboEntityName,
  type QboInvoice,
  type QboPreferences,
} from './schemas';

export interface QboAuth {
  accessToken(): Promise<string>;
  /** Called with the token QBO just rejected, so concurrent callers can tell whether someone already refreshed. */
  refresh(rejectedAccessToken: string): Promise<string>;
}

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface QboCall {
  operation: 'query' | 'get' | 'create' | 'update' | 'send' | 'cdc' | 'companyInfo' | 'preferences';
  entity: string | undefined;
  attempt: number;
  outcome: 'ok' | QboErrorKind;
}

export interface QboClientOptions {
  realmId: string;
  /** The `/v3/company/` base: `endpoints.ts`, or the emulator's. */
  endpoint: string;
  clientId: string;
  clientSecret: string;
  auth: QboAuth;
  minorVersion?: number;
  limiter?: QboRateLimiter;
  log: Logger;
  retry?: RetryPolicy;
  /** Per attempt; node-quickbooks sets none, so a hung request would wait forever (§5). */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** "Now" for the CDC lookback check (the emulator's clock in tests). */
  now?: () => Date;
  /** Observes every HTTP attempt (metrics, and QBO calls per synced change in the benchmark). */
  onCall?: (call: QboCall) => void;
}

export interface QueryOptions {
  orderBy?: string;
  /** Name lists (Customer, Item, Account) return active records only unless asked (§2.3). */
  includeInactive?: boolean;
}

/** An update names the object and the version it was read at; it is sparse unless `sparse: false`. */
export type QboUpdateBody = { Id: string; SyncToken: string; sparse?: boolean } & Record<string, unknown>;

export type QboCdcResult<E extends QboEntityName> = { [K in E]: Array<QboEntityMap[K] | QboDeleted> };

export interface QboClient {
  readonly realmId: string;
  /** HTTP attempts made so far, retries and token-refresh retries included. */
  readonly calls: number;
  query<E extends QboEntityName>(entity: E, where?: string, options?: QueryOptions): Promise<QboEntityMap[E][]>;
  get<E extends QboEntityName>(entity: E, id: string): Promise<QboEntityMap[E]>;
  /** `requestId` (≤ 50 chars, unique per company) makes a repeated create return the first result (§2.1). */
  create<E extends QboEntityName>(entity: E, body: Record<string, unknown>, options: { requestId: string }): Promise<QboEntityMap[E]>;
  update<E extends QboEntityName>(entity: E, body: QboUpdateBody): Promise<QboEntityMap[E]>;
  /** E-mails an invoice through QBO (`POST /invoice/{id}/send?sendTo=`, https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice): EmailStatus becomes EmailSent. */
  sendInvoice(id: string, email: string): Promise<QboInvoice>;
  /** Changes since `since` (≤ 30 days back, else a validation error: fall back to a LastUpdatedTime query). */
  cdc<E extends QboEntityName>(entities: readonly E[], since: Date): Promise<QboCdcResult<E>>;
  companyInfo(): Promise<QboCompanyInfo>;
  preferences(): Promise<QboPreferences>;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 1_000, maxDelayMs: 60_000 };
/** QBO itself gives up on requests after 120 s (§2.6, D-limits); we stop waiting well before. */
export const DEFAULT_TIMEOUT_MS = 60_000;
/** D-cdc: "the lookback period is 30 days" (§2.5). */
export const CDC_LOOKBACK_MS = 30 * 24 * 3600 * 1000;
/** The largest page QBO serves (§2.3). */
export const QUERY_PAGE_SIZE = 1000;
/** A CDC response holds at most this many objects in all (§2.5); a full one may have left changes out. */
export const CDC_MAX_OBJECTS = 1000;

const NAME_LISTS: ReadonlySet<QboEntityName> = new Set(['Customer', 'Item', 'Account', 'Term', 'TaxCode']);

/**
 * A literal for a QBO query (§2.3, §7 item 2): strings single-quoted with `\` escapes, numbers and
 * booleans bare, dates as ISO strings, arrays as an `IN` list. URL-encoding is node-quickbooks' job.
 */
export function qboQuote(value: string | number | boolean | Date | readonly (string | number)[]): string {
  if (Array.isArray(value)) return `(${value.map((v: string | number) => qboQuote(v)).join(', ')})`;
  if (value instanceof Date) return qboQuote(value.toISOString());
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`cannot put ${value} in a QBO query`);
    return String(value);
  }
  if (typeof value === 'boolean') return String(value);
  return `'${String(value).replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

// ---- node-quickbooks plumbing ----

type NodeCallback = (err: unknown, data: unknown) => void;

/**
 * The slice of node-quickbooks this adapter calls. Its index.d.ts is inaccurate (it declares a
 * `query` that does not exist, §5), so the adapter names exactly what it relies on.
 */
type NodeQuickBooks = { endpoint: string } & {
  [K in `create${QboEntityName}` | `update${QboEntityName}`]: (body: Record<string, unknown>, cb: NodeCallback) => void;
} & { [K in `get${QboEntityName}`]: (id: string, cb: NodeCallback) => void } & {
  [K in `find${QboEntityName}s`]: (criteria: string, cb: NodeCallback) => void;
} & {
  changeDataCapture(entities: string, since: string, cb: NodeCallback): void;
  getCompanyInfo(id: string, cb: NodeCallback): void;
  getPreferences(cb: NodeCallback): void;
  sendInvoicePdf(id: string, sendTo: string, cb: NodeCallback): void;
};

// node-quickbooks calls the CommonJS axios it requires itself (not the ESM build we would import),
// with no timeout and no way to pass one. An interceptor on that instance applies the calling
// client's timeout, found through AsyncLocalStorage so each client keeps its own.
const attemptScope = new AsyncLocalStorage<{ timeoutMs: number }>();
const nodeQuickBooksAxios = createRequire(createRequire(import.meta.url).resolve('node-quickbooks'))('axios') as AxiosStatic;
nodeQuickBooksAxios.interceptors.request.use((config: InternalAxiosRequestConfig) => {
  const scope = attemptScope.getStore();
  if (scope !== undefined) config.timeout = scope.timeoutMs;
  return config;
});

const queryPage = z.looseObject({ QueryResponse: z.record(z.string(), z.unknown()) });
const cdcResponse = z.looseObject({
  CDCResponse: z.array(z.looseObject({ QueryResponse: z.array(z.record(z.string(), z.unknown())).optional() })),
});
const updateBody = z.looseObject({ Id: z.string().min(1), SyncToken: z.string().min(1), sparse: z.boolean().optional() });
// "max 50 chars, unique per company" (§2.1, B-rid).
const requestId = z.string().min(1).max(50);
const orderBy = z.string().regex(/^[A-Za-z][A-Za-z0-9.]*( (ASC|DESC|asc|desc))?$/, 'orderBy is one property, optionally ASC or DESC');

/** A response that does not match the schema is provider drift, not a user error: fail loudly. */
function parseWith<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new Error(`QuickBooks returned an unexpected ${what}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

function parseEntity<E extends QboEntityName>(entity: E, data: unknown): QboEntityMap[E] {
  return parseWith(qboEntitySchemas[entity] as unknown as z.ZodType<QboEntityMap[E]>, data, entity);
}

/** CDC takes an ISO time; node-quickbooks does not URL-encode it, so avoid a `+hh:mm` offset (a `+` reads as a space). */
const cdcSince = (since: Date): string => new Date(Math.floor(since.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');

export function createQboClient(opts: QboClientOptions): QboClient {
  const limiter = opts.limiter ?? limiterForRealm(opts.realmId);
  const retry = opts.retry ?? DEFAULT_RETRY;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = opts.random ?? Math.random;
  const now = opts.now ?? (() => new Date());
  const log = opts.log.child({ realmId: opts.realmId });
  let calls = 0;

  // A new instance per attempt: the access token may change between attempts (§5: the token is constructor state).
  const connect = (accessToken: string): NodeQuickBooks => {
    const qbo = new QuickBooks(
      opts.clientId,
      opts.clientSecret,
      accessToken,
      false,
      opts.realmId,
      true,
      false,
      String(opts.minorVersion ?? 75),
      '2.0',
      null,
    );
    qbo.endpoint = opts.endpoint;
    return qbo as unknown as NodeQuickBooks;
  };

  /** Full jitter (AWS architecture blog), capped; a Retry-After from QBO wins (§2.7). */
  const backoff = (attempt: number, err: QboApiError): number =>
    err.retryAfterMs ?? Math.floor(random() * Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1)));

  async function execute(operation: QboCall['operation'], entity: string | undefined, send: (qbo: NodeQuickBooks, cb: NodeCallback) => void): Promise<unknown> {
    let token = await opts.auth.accessToken();
    let refreshed = false;
    for (let attempt = 1; ; attempt += 1) {
      calls += 1;
      const sentWith = token;
      try {
        const data = await limiter.run(() =>
          attemptScope.run({ timeoutMs }, () => new Promise<unknown>((resolve, reject) => send(connect(sentWith), (err, body) => (err ? reject(err) : resolve(body))))),
        );
        opts.onCall?.({ operation, entity, attempt, outcome: 'ok' });
        return data;
      } catch (raw) {
        const err = classifyQboError(raw);
        opts.onCall?.({ operation, entity, attempt, outcome: err.kind });
        const context = { operation, entity, attempt, kind: err.kind, code: err.code, status: err.status, intuitTid: err.intuitTid };
        if (err.kind === 'reauth_required' && err.status === 401 && !refreshed) {
          // An expired access token (3200): refresh once, then try again once (§4).
          log.info(context, 'QBO rejected the access token; refreshing');
          refreshed = true;
          token = await opts.auth.refresh(sentWith).catch((e: unknown) => Promise.reject(classifyQboError(e)));
          // The retry with a fresh token does not spend one of the backoff attempts.
          attempt -= 1;
          continue;
        }
        if (!err.retryable || attempt >= retry.maxAttempts) {
          log.warn(context, 'QBO call failed');
          throw err;
        }
        if (err.retryAfterMs !== undefined && err.retryAfterMs > retry.maxDelayMs) {
          // Longer than a worker should block: surface it so the job runner reschedules.
          log.warn({ ...context, retryAfterMs: err.retryAfterMs }, 'QBO asked us to wait longer than the retry budget');
          throw err;
        }
        const delayMs = backoff(attempt, err);
        log.warn({ ...context, delayMs }, 'QBO call failed; retrying');
        await sleep(delayMs);
      }
    }
  }

  async function query<E extends QboEntityName>(entity: E, where?: string, options: QueryOptions = {}): Promise<QboEntityMap[E][]> {
    const conditions = [where, options.includeInactive && NAME_LISTS.has(entity) ? 'Active IN (true, false)' : undefined].filter(
      (c): c is string => c !== undefined && c.trim() !== '',
    );
    const order = options.orderBy === undefined ? '' : ` orderby ${parseWith(orderBy, options.orderBy, 'orderBy')}`;
    const clause = `${conditions.length ? ` where ${conditions.join(' and ')}` : ''}${order}`;
    const rows: QboEntityMap[E][] = [];
    // STARTPOSITION is 1-based and MAXRESULTS at most 1000 (§2.3): page until a short page.
    for (let start = 1; ; start += QUERY_PAGE_SIZE) {
      const criteria = `${clause} startposition ${start} maxresults ${QUERY_PAGE_SIZE}`;
      const data = await execute('query', entity, (qbo, cb) => qbo[`find${entity}s`](criteria, cb));
      const page = parseWith(queryPage, data, 'query response').QueryResponse[entity];
      // An empty result has no entity key at all (§2.3, §7 item 14).
      const items = page === undefined ? [] : parseWith(z.array(z.unknown()), page, `${entity} page`);
      for (const item of items) rows.push(parseEntity(entity, item));
      if (items.length < QUERY_PAGE_SIZE) return rows;
    }
  }

  return {
    realmId: opts.realmId,
    get calls() {
      return calls;
    },

    query,

    async get(entity, id) {
      return parseEntity(entity, await execute('get', entity, (qbo, cb) => qbo[`get${entity}`](id, cb)));
    },

    async create(entity, body, { requestId: id }) {
      const rid = parseWith(requestId, id, 'requestId');
      // node-quickbooks moves `requestId` into `?requestid=` and deletes it from the body, so each attempt gets a fresh copy.
      return parseEntity(entity, await execute('create', entity, (qbo, cb) => qbo[`create${entity}`]({ ...body, requestId: rid }, cb)));
    },

    async update(entity, body) {
      parseWith(updateBody, body, 'update body');
      // One request id for every attempt of this update: a retry after a lost response replays it
      // instead of failing with 5010 against the SyncToken it just bumped (§2.1).
      const rid = randomUUID();
      // node-quickbooks forces `sparse: true` unless told otherwise (§5); a full update clears omitted fields (§7 item 4).
      return parseEntity(entity, await execute('update', entity, (qbo, cb) => qbo[`update${entity}`]({ ...body, requestId: rid }, cb)));
    },

    async sendInvoice(id, email) {
      // node-quickbooks appends sendTo to the URL as given (its sendInvoicePdf): a `+` in an address would read as a space.
      return parseEntity('Invoice', await execute('send', 'Invoice', (qbo, cb) => qbo.sendInvoicePdf(encodeURIComponent(id), encodeURIComponent(email), cb)));
    },

    async cdc<E extends QboEntityName>(entities: readonly E[], since: Date): Promise<QboCdcResult<E>> {
      if (now().getTime() - since.getTime() > CDC_LOOKBACK_MS) {
        throw new QboApiError({
          kind: 'validation',
          detail: `CDC looks back at most 30 days; ${since.toISOString()} is older. Use a MetaData.LastUpdatedTime query instead`,
        });
      }
      const data = await execute('cdc', entities.join(','), (qbo, cb) => qbo.changeDataCapture(entities.join(','), cdcSince(since), cb));
      const result = Object.fromEntries(entities.map((e) => [e, [] as unknown[]])) as Record<E, Array<QboEntityMap[E] | QboDeleted>>;
      for (const block of parseWith(cdcResponse, data, 'CDC response').CDCResponse) {
        for (const group of block.QueryResponse ?? []) {
          for (const entity of entities) {
            const rows = group[entity];
            if (rows === undefined) continue;
            for (const row of parseWith(z.array(z.unknown()), rows, `${entity} changes`)) {
              const deleted = qboDeletedSchema.safeParse(row);
              result[entity].push(deleted.success ? deleted.data : parseEntity(entity, row));
            }
          }
        }
      }
      const total = Object.values<unknown[]>(result).reduce((n, rows) => n + rows.length, 0);
      // "Server responses can handle a maximum of 1,000 objects" (§2.5, D-cdc): a full response may be truncated.
      if (total >= CDC_MAX_OBJECTS) log.warn({ entities, since, total }, 'CDC response at the 1,000-object cap; query a shorter window');
      return result as QboCdcResult<E>;
    },

    async companyInfo() {
      return parseWith(qboCompanyInfoSchema, await execute('companyInfo', 'CompanyInfo', (qbo, cb) => qbo.getCompanyInfo(opts.realmId, cb)), 'CompanyInfo');
    },

    async preferences() {
      return parseWith(qboPreferencesSchema, await execute('preferences', 'Preferences', (qbo, cb) => qbo.getPreferences(cb)), 'Preferences');
    },
  };
}
