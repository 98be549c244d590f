/**
 * The QuickBooks Online data client: node-quickbooks (https://github.com/mcohen01/node-quickbooks) behind a small
 * typed, promise-based interface. Every attempt goes through the realm's rate limiter and the retrying transport both
 * provider clients share (functions/transport/retrying.ts); writes carry a `requestid` so a retry never applies twice
 * (https://blogs.intuit.com/2015/04/06/15346/). Every response is parsed with the schemas in `schemas.ts`. The adapter
 * also owns QBO's change feed (CDC, else a query that pages on a stable order) and reads of many ids at once.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { AxiosStatic, InternalAxiosRequestConfig } from 'axios';
import QuickBooks from 'node-quickbooks';
import { z } from 'zod';
import type { Logger } from '../log';
import { createRetryingTransport, type AccessTokens, type RetryPolicy } from '../transport/retrying';
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

export type QboAuth = AccessTokens;
export type { RetryPolicy };

export interface QboCall {
  operation: 'query' | 'get' | 'create' | 'update' | 'void' | 'send' | 'cdc' | 'companyInfo' | 'preferences' | 'batch';
  entity: string | undefined;
  attempt: number;
  outcome: 'ok' | QboErrorKind;
}

/**
 * Reads are what Intuit meters as "CorePlus" calls (queries, reads by id, change data capture; creates and updates are
 * "Core"), capped at 500,000 a month on the Builder tier
 * (https://blogs.intuit.com/2026/01/08/understanding-builder-tier-api-limits-for-you-and-your-customers).
 */
export const isQboRead = (call: Pick<QboCall, 'operation'>): boolean =>
  call.operation === 'query' || call.operation === 'get' || call.operation === 'cdc' || call.operation === 'companyInfo' || call.operation === 'preferences';

export interface QboClientOptions {
  realmId: string;
  /** The `/v3/company/` base: `endpoints.ts`, or the emulator's. */
  endpoint: string;
  clientId: string;
  clientSecret: string;
  auth: QboAuth;
  minorVersion?: number;
  limiter?: QboRateLimiter;
  /** The realm's batch-request limiter (40 a minute); a batch takes a turn of it, then of `limiter`. */
  batchLimiter?: QboRateLimiter;
  log: Logger;
  retry?: RetryPolicy;
  /** Per attempt; node-quickbooks sets none, so a hung request would wait forever (https://github.com/mcohen01/node-quickbooks/blob/master/index.js). */
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
  /**
   * Name lists (Customer, Item, Account) return active records only unless asked
   * (https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/data-queries).
   */
  includeInactive?: boolean;
}

/** An update names the object and the version it was read at; it is sparse unless `sparse: false`. */
export type QboUpdateBody = { Id: string; SyncToken: string; sparse?: boolean } & Record<string, unknown>;

export type QboCdcResult<E extends QboEntityName> = { [K in E]: Array<QboEntityMap[K] | QboDeleted> };

/** One page of a change feed: entities of one type changed since a time, tombstones for the deleted ones (CDC only). */
export interface QboChangePage<E extends QboEntityName> {
  entity: E;
  rows: Array<QboEntityMap[E] | QboDeleted>;
  /** `cdc`: one call covered the window; `query`: CDC could not, so a LastUpdatedTime query paged through it. */
  source: 'cdc' | 'query';
}

/**
 * A create's `requestid` (https://developer.intuit.com/app/developer/qbo/docs/learn/rest-api-features#idempotency):
 * `requestId` is sent as given; `idempotencyKey` names the thing created and the adapter
 * derives the id from it and the exact body, so a retry after a lost answer gets QBO's first answer while a changed
 * body (a refused name, since fixed) is a new request.
 */
export type CreateRequest = { requestId: string } | { idempotencyKey: string };

/** One create of a batch: the body, and the key naming the thing created (as `idempotencyKey` above). */
export interface QboBatchCreate {
  idempotencyKey: string;
  body: Record<string, unknown>;
}

/** A batch item's outcome: the entity QBO created, or that item's own fault (its neighbours are unaffected). */
export type QboBatchResult<E extends QboEntityName> = { ok: true; entity: QboEntityMap[E] } | { ok: false; error: QboApiError };

export interface QboClient {
  readonly realmId: string;
  /** HTTP attempts made so far, retries and token-refresh retries included. */
  readonly calls: number;
  query<E extends QboEntityName>(entity: E, where?: string, options?: QueryOptions): Promise<QboEntityMap[E][]>;
  get<E extends QboEntityName>(entity: E, id: string): Promise<QboEntityMap[E]>;
  /** Entities by id, 100 ids per query, inactive ones included; an id QBO does not return is absent (deleted). */
  readMany<E extends QboEntityName>(entity: E, ids: readonly string[]): Promise<Map<string, QboEntityMap[E]>>;
  create<E extends QboEntityName>(entity: E, body: Record<string, unknown>, request: CreateRequest): Promise<QboEntityMap[E]>;
  update<E extends QboEntityName>(entity: E, body: QboUpdateBody): Promise<QboEntityMap[E]>;
  /**
   * Creates through QBO's batch endpoint, `QBO_BATCH_SIZE` items a request, one result per create in order. A batch is
   * retried whole (rate limit, outage, lost answer) under a `requestid` derived from its items, so QBO answers items it
   * already ran with their first result instead of creating them again; a fault on one item is that item's result.
   */
  createMany<E extends QboEntityName>(entity: E, creates: readonly QboBatchCreate[]): Promise<QboBatchResult<E>[]>;
  /** E-mails an invoice through QBO (`POST /invoice/{id}/send?sendTo=`, https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice): EmailStatus becomes EmailSent. */
  sendInvoice(id: string, email: string): Promise<QboInvoice>;
  /** Voids an invoice (`POST /invoice?operation=void`, https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice): amounts become 0, "Voided" leads its memo. */
  voidInvoice(id: string, syncToken: string): Promise<QboInvoice>;
  /** Changes since `since` (≤ 30 days back, else a validation error: fall back to a LastUpdatedTime query). */
  cdc<E extends QboEntityName>(entities: readonly E[], since: Date): Promise<QboCdcResult<E>>;
  /**
   * Everything of these entity types changed at or after `since`, inactive ones included, page by page: CDC while
   * `since` is inside its 30-day window and its answer is complete, else a LastUpdatedTime query per entity on a stable
   * order. A caller's checkpoint is the newest LastUpdatedTime it was given.
   */
  changedSince<E extends QboEntityName>(entities: readonly E[], since: Date): AsyncGenerator<QboChangePage<E>>;
  companyInfo(): Promise<QboCompanyInfo>;
  preferences(): Promise<QboPreferences>;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 1_000, maxDelayMs: 60_000 };
/**
 * QBO itself gives up on requests after 120 s
 * (https://developer.intuit.com/app/developer/qbo/docs/learn/limits-and-throttles); we stop waiting well before.
 */
export const DEFAULT_TIMEOUT_MS = 60_000;
/**
 * "CDC operations can track changes within the last 30 days"
 * (https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/change-data-capture).
 */
export const CDC_LOOKBACK_MS = 30 * 24 * 3600 * 1000;
/** The largest page QBO serves (https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/data-queries). */
export const QUERY_PAGE_SIZE = 1000;
/**
 * A CDC response holds at most this many objects in all
 * (https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/change-data-capture); a
 * full one may have left changes out.
 */
export const CDC_MAX_OBJECTS = 1000;
/**
 * Items per batch request: "The maximum number of payloads in a single batch request is 30"
 * (https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/batch,
 * https://developer.intuit.com/app/developer/qbo/docs/learn/limits-and-throttles).
 */
export const QBO_BATCH_SIZE = 30;
/** Ids per `Id IN (…)` read: well inside the query's length limit. */
const READ_CHUNK = 100;
/** CDC is asked only for a window this far inside its 30 days, so QBO's clock running ahead of ours cannot push it past. */
const CDC_MARGIN_MS = 60_000;

const NAME_LISTS: ReadonlySet<QboEntityName> = new Set(['Customer', 'Item', 'Account', 'Term', 'TaxCode']);

/**
 * A literal for a QBO query
 * (https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/data-queries): strings
 * single-quoted with `\` escapes, numbers and booleans bare, dates as ISO strings, arrays as an `IN` list. URL-encoding
 * is node-quickbooks' job.
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
 * `query` that index.js does not define), so the adapter names exactly what it relies on.
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
  voidInvoice(entity: { Id: string; SyncToken: string }, cb: NodeCallback): void;
  batch(items: Record<string, unknown>[], cb: NodeCallback): void;
};

// node-quickbooks calls the CommonJS axios it requires itself (not the ESM build we would import),
// with no timeout and no way to pass one, nor a requestid for a batch (its `batch` builds the body itself). An
// interceptor on that instance applies the calling client's timeout and batch requestid, found through
// AsyncLocalStorage so each call keeps its own.
const attemptScope = new AsyncLocalStorage<{ timeoutMs: number; requestId?: string }>();
const nodeQuickBooksAxios = createRequire(createRequire(import.meta.url).resolve('node-quickbooks'))('axios') as AxiosStatic;
nodeQuickBooksAxios.interceptors.request.use((config: InternalAxiosRequestConfig) => {
  const scope = attemptScope.getStore();
  if (scope !== undefined) config.timeout = scope.timeoutMs;
  if (scope?.requestId !== undefined) config.params = { ...(config.params as Record<string, unknown>), requestid: scope.requestId };
  return config;
});

const queryResponse = z.looseObject({ QueryResponse: z.record(z.string(), z.unknown()) });
const batchResponse = z.looseObject({ BatchItemResponse: z.array(z.looseObject({ bId: z.string().optional(), Fault: z.unknown().optional() })) });
const cdcResponse = z.looseObject({
  CDCResponse: z.array(z.looseObject({ QueryResponse: z.array(z.record(z.string(), z.unknown())).optional() })),
});
const updateBody = z.looseObject({ Id: z.string().min(1), SyncToken: z.string().min(1), sparse: z.boolean().optional() });
// "max 50 chars, unique per company" (https://blogs.intuit.com/2015/04/06/15346/).
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

/** A JSON text with keys in one order at every depth: equal bodies give equal text. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The `requestid` of a create: as given, or derived from the caller's key and the exact body (see CreateRequest). */
export function createRequestId(request: CreateRequest, body: Record<string, unknown>): string {
  if ('requestId' in request) return request.requestId;
  return createHash('sha256')
    .update(`${request.idempotencyKey}:${stableJson(body)}`)
    .digest('hex')
    .slice(0, 36);
}

/**
 * A batch's `requestid`: at most 36 characters, and its items' bIds at most 10 beside it
 * (https://blogs.intuit.com/2015/04/06/15346/). The same creates give the same id, so a resent batch is recognised.
 */
export function batchRequestId(creates: readonly QboBatchCreate[]): string {
  const hash = createHash('sha256');
  for (const c of creates) hash.update(`${c.idempotencyKey}:${stableJson(c.body)}\n`);
  return hash.digest('hex').slice(0, 36);
}

const updatedAt = (row: { MetaData?: { LastUpdatedTime?: string | undefined } | undefined }): number => Date.parse(row.MetaData?.LastUpdatedTime ?? '');

export function createQboClient(opts: QboClientOptions): QboClient {
  const limiter = opts.limiter ?? limiterForRealm(opts.realmId);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const now = opts.now ?? (() => new Date());
  const log = opts.log.child({ realmId: opts.realmId });
  const transport = createRetryingTransport({
    provider: 'QuickBooks',
    auth: opts.auth,
    retry: opts.retry ?? DEFAULT_RETRY,
    log,
    classify: classifyQboError,
    admit: (attempt) => limiter.run(attempt),
    ...(opts.sleep === undefined ? {} : { sleep: opts.sleep }),
    ...(opts.random === undefined ? {} : { random: opts.random }),
  });

  // A new instance per attempt: the access token may change between attempts (node-quickbooks keeps the token as
  // constructor state).
  const connect = (accessToken: string): NodeQuickBooks => {
    const qbo = new QuickBooks(opts.clientId, opts.clientSecret, accessToken, false, opts.realmId, true, false, String(opts.minorVersion ?? 75), '2.0', null);
    qbo.endpoint = opts.endpoint;
    return qbo as unknown as NodeQuickBooks;
  };

  // Batches take a turn of the batch limiter first, so waiting for it never holds one of the realm's in-flight slots.
  const batchLimiter = opts.batchLimiter ?? limiterForRealm(opts.realmId, 'batches');
  const batchTransport = createRetryingTransport({
    provider: 'QuickBooks',
    auth: opts.auth,
    retry: opts.retry ?? DEFAULT_RETRY,
    log,
    classify: classifyQboError,
    admit: (attempt) => batchLimiter.run(() => limiter.run(attempt)),
    ...(opts.sleep === undefined ? {} : { sleep: opts.sleep }),
    ...(opts.random === undefined ? {} : { random: opts.random }),
  });

  function execute(
    operation: QboCall['operation'],
    entity: string | undefined,
    send: (qbo: NodeQuickBooks, cb: NodeCallback) => void,
    requestId?: string,
  ): Promise<unknown> {
    let attempt = 0;
    return (operation === 'batch' ? batchTransport : transport).send(`${operation} ${entity ?? ''}`.trim(), async (accessToken) => {
      attempt += 1;
      try {
        const data = await attemptScope.run(
          requestId === undefined ? { timeoutMs } : { timeoutMs, requestId },
          () => new Promise<unknown>((resolve, reject) => send(connect(accessToken), (err, body) => (err ? reject(err) : resolve(body)))),
        );
        opts.onCall?.({ operation, entity, attempt, outcome: 'ok' });
        return data;
      } catch (err) {
        opts.onCall?.({ operation, entity, attempt, outcome: classifyQboError(err).kind });
        throw err;
      }
    });
  }

  /** One query page as sent; the criteria carry their own STARTPOSITION/MAXRESULTS. */
  async function queryPage<E extends QboEntityName>(entity: E, criteria: string): Promise<QboEntityMap[E][]> {
    const data = await execute('query', entity, (qbo, cb) => qbo[`find${entity}s`](criteria, cb));
    const page = parseWith(queryResponse, data, 'query response').QueryResponse[entity];
    // An empty result has no entity key at all
    // (https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/data-queries).
    const items = page === undefined ? [] : parseWith(z.array(z.unknown()), page, `${entity} page`);
    return items.map((item) => parseEntity(entity, item));
  }

  const whereClause = (entity: QboEntityName, conditions: (string | undefined)[], includeInactive: boolean | undefined): string => {
    const all = [...conditions, includeInactive && NAME_LISTS.has(entity) ? 'Active IN (true, false)' : undefined].filter(
      (c): c is string => c !== undefined && c.trim() !== '',
    );
    return all.length ? ` where ${all.join(' and ')}` : '';
  };

  async function query<E extends QboEntityName>(entity: E, where?: string, options: QueryOptions = {}): Promise<QboEntityMap[E][]> {
    const order = options.orderBy === undefined ? '' : ` orderby ${parseWith(orderBy, options.orderBy, 'orderBy')}`;
    const clause = `${whereClause(entity, [where], options.includeInactive)}${order}`;
    const rows: QboEntityMap[E][] = [];
    // STARTPOSITION is 1-based and MAXRESULTS at most 1000
    // (https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/data-queries): page
    // until a short page.
    for (let start = 1; ; start += QUERY_PAGE_SIZE) {
      const items = await queryPage(entity, `${clause} startposition ${start} maxresults ${QUERY_PAGE_SIZE}`);
      rows.push(...items);
      if (items.length < QUERY_PAGE_SIZE) return rows;
    }
  }

  async function cdc<E extends QboEntityName>(entities: readonly E[], since: Date): Promise<QboCdcResult<E>> {
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
    return result as QboCdcResult<E>;
  }

  /**
   * Every `entity` updated at or after `since`, in the order (LastUpdatedTime, Id), resuming each page after the last
   * pair seen. QBO's query has no OR (https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/data-queries), so "after (t, id)" is two queries: the rest of the records updated at
   * exactly t, by Id, then those updated after t. STARTPOSITION is never used: a record updated while the walk runs
   * moves to the end of the order, and an offset would then skip the record that slid into its place.
   *
   * The "after t" query orders by LastUpdatedTime alone, and a full page's last second may have been cut: that
   * second is dropped from the page and read whole, by Id, next. Records sharing one second (an import stamps
   * hundreds at once) are always walked by Id, so the order of equal timestamps never matters.
   */
  async function* updatedSince<E extends QboEntityName>(entity: E, since: Date): AsyncGenerator<QboEntityMap[E][]> {
    const at = (ms: number) => qboQuote(new Date(ms).toISOString());
    let second = since.getTime();
    let afterId: string | undefined;
    for (;;) {
      for (;;) {
        const page = await queryPage(
          entity,
          `${whereClause(entity, [`MetaData.LastUpdatedTime = ${at(second)}`, afterId === undefined ? undefined : `Id > ${qboQuote(afterId)}`], true)} orderby Id maxresults ${QUERY_PAGE_SIZE}`,
        );
        if (page.length > 0) yield page;
        if (page.length < QUERY_PAGE_SIZE) break;
        afterId = page.at(-1)!.Id;
      }
      const later = await queryPage(
        entity,
        `${whereClause(entity, [`MetaData.LastUpdatedTime > ${at(second)}`], true)} orderby MetaData.LastUpdatedTime maxresults ${QUERY_PAGE_SIZE}`,
      );
      if (later.length < QUERY_PAGE_SIZE) {
        if (later.length > 0) yield later;
        return;
      }
      const last = Math.max(...later.map(updatedAt));
      const complete = later.filter((row) => updatedAt(row) < last);
      if (complete.length > 0) yield complete;
      second = last;
      afterId = undefined;
    }
  }

  async function* changedSince<E extends QboEntityName>(entities: readonly E[], since: Date): AsyncGenerator<QboChangePage<E>> {
    if (now().getTime() - since.getTime() < CDC_LOOKBACK_MS - CDC_MARGIN_MS) {
      const changes = await cdc(entities, since);
      // "Server responses can handle a maximum of 1,000 objects"
      // (https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/changedatacapture), shared across the entities asked for and
      // in no documented order: a full answer may have left changes out, and a checkpoint moved past them would lose them.
      const total = entities.reduce((n, e) => n + changes[e].length, 0);
      if (total < CDC_MAX_OBJECTS) {
        for (const entity of entities) if (changes[entity].length > 0) yield { entity, rows: changes[entity], source: 'cdc' };
        return;
      }
      log.info({ entities, since, total }, 'CDC answer at its 1,000-object cap; paging through a LastUpdatedTime query instead');
    }
    for (const entity of entities) {
      for await (const rows of updatedSince(entity, since)) yield { entity, rows, source: 'query' };
    }
  }

  return {
    realmId: opts.realmId,
    get calls() {
      return transport.stats.attempts + batchTransport.stats.attempts;
    },

    query,

    async get(entity, id) {
      return parseEntity(entity, await execute('get', entity, (qbo, cb) => qbo[`get${entity}`](id, cb)));
    },

    async readMany(entity, ids) {
      const found = new Map<string, QboEntityMap[typeof entity]>();
      const unique = [...new Set(ids)];
      for (let i = 0; i < unique.length; i += READ_CHUNK) {
        const part = unique.slice(i, i + READ_CHUNK);
        for (const row of await query(entity, `Id IN ${qboQuote(part)}`, { includeInactive: true })) found.set(row.Id, row);
      }
      return found;
    },

    async create(entity, body, request) {
      const rid = parseWith(requestId, createRequestId(request, body), 'requestId');
      // node-quickbooks moves `requestId` into `?requestid=` and deletes it from the body, so each attempt gets a fresh copy.
      return parseEntity(entity, await execute('create', entity, (qbo, cb) => qbo[`create${entity}`]({ ...body, requestId: rid }, cb)));
    },

    async update(entity, body) {
      parseWith(updateBody, body, 'update body');
      // One request id for every attempt of this update: a retry after a lost response replays it
      // instead of failing with 5010 against the SyncToken it just bumped (https://blogs.intuit.com/2015/04/06/15346/).
      const rid = randomUUID();
      // node-quickbooks forces `sparse: true` unless told otherwise
      // (https://github.com/mcohen01/node-quickbooks/blob/master/index.js); a full update clears omitted fields
      // (https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/customer, full update).
      return parseEntity(entity, await execute('update', entity, (qbo, cb) => qbo[`update${entity}`]({ ...body, requestId: rid }, cb)));
    },

    async createMany(entity, creates) {
      const results: QboBatchResult<typeof entity>[] = [];
      for (let i = 0; i < creates.length; i += QBO_BATCH_SIZE) {
        const part = creates.slice(i, i + QBO_BATCH_SIZE);
        const items = part.map((c, n) => ({ bId: String(n), operation: 'create', [entity]: c.body }));
        const data = await execute('batch', entity, (qbo, cb) => qbo.batch(items, cb), batchRequestId(part));
        const byBId = new Map(parseWith(batchResponse, data, 'batch response').BatchItemResponse.map((item) => [item.bId, item]));
        part.forEach((_, n) => {
          const item = byBId.get(String(n));
          if (item === undefined) throw new Error(`QuickBooks returned an unexpected batch response: no item for bId ${n}`);
          results.push(item.Fault === undefined ? { ok: true, entity: parseEntity(entity, item[entity]) } : { ok: false, error: classifyQboError(item) });
        });
      }
      return results;
    },

    async sendInvoice(id, email) {
      // node-quickbooks appends sendTo to the URL as given (its sendInvoicePdf): a `+` in an address would read as a space.
      return parseEntity('Invoice', await execute('send', 'Invoice', (qbo, cb) => qbo.sendInvoicePdf(encodeURIComponent(id), encodeURIComponent(email), cb)));
    },

    async voidInvoice(id, syncToken) {
      // node-quickbooks answers a void with QBO's whole body, `{"Invoice": {...}, "time": ...}`.
      const body = parseWith(
        z.looseObject({ Invoice: z.unknown() }),
        await execute('void', 'Invoice', (qbo, cb) => qbo.voidInvoice({ Id: id, SyncToken: syncToken }, cb)),
        'void response',
      );
      return parseEntity('Invoice', body.Invoice);
    },

    cdc,
    changedSince,

    async companyInfo() {
      return parseWith(qboCompanyInfoSchema, await execute('companyInfo', 'CompanyInfo', (qbo, cb) => qbo.getCompanyInfo(opts.realmId, cb)), 'CompanyInfo');
    },

    async preferences() {
      return parseWith(qboPreferencesSchema, await execute('preferences', 'Preferences', (qbo, cb) => qbo.getPreferences(cb)), 'Preferences');
    },
  };
}
