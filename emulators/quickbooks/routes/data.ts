/**
 * The Accounting API v3 data routes under `/v3/company/{realmId}`: entity CRUD, query
 * (GET, or POST with `application/text`), batch, CDC, company info, preferences, invoice send and pdf.
 * Strict: an unknown entity, operation or parameter is a fault, never a silent 200.
 * https://developer.intuit.com/app/developer/qbo/docs/learn/rest-api-features
 */
import type { Context, Hono } from 'hono';
import { nowTime, writeContext, type Core } from '../core';
import { authFailedBody, faults, QboFault, throttledXml } from '../errors';
import { entityByName } from '../entities';
import { createEntity, deleteEntity, readEntity, touch, updateEntity, voidEntity } from '../entities/operations';
import { invoice as invoiceDef } from '../entities/invoice';
import type { EntityDef } from '../entities/types';
import { invoicePdf } from '../pdf';
import { evaluateQuery } from '../query/evaluate';
import { parseQuery } from '../query/parse';
import { isObject, omitEmpty, table, type JsonObject } from '../state/store';
import { metaTime } from '../time';
import { changeDataCapture } from './cdc';

export const MAX_BATCH_ITEMS = 30;
/** `requestid` lengths (https://blogs.intuit.com/2015/04/06/15346/). */
const MAX_REQUEST_ID = 50;
const MAX_BATCH_REQUEST_ID = 36;

interface Reply {
  status: number;
  body: JsonObject | Buffer;
  contentType?: string;
}

const COMMON_PARAMS = ['minorversion', 'format', 'requestid', 'include'];
const INCLUDES = new Set(['allowduplicatedocnum', 'void']);

function checkParams(params: Record<string, string>, allowed: readonly string[]): Set<string> {
  for (const name of Object.keys(params)) if (!COMMON_PARAMS.includes(name) && !allowed.includes(name)) throw faults.unsupportedParameter(name);
  // minorversion is accepted and ignored: since 2025-08 every request is served as 75
  // (https://blogs.intuit.com/2025/01/21/changes-to-our-accounting-api-that-may-impact-your-application).
  if (params.minorversion !== undefined && !/^\d+$/.test(params.minorversion)) throw faults.invalidValue('minorversion', 'must be an integer');
  if (params.format !== undefined && params.format.toLowerCase() !== 'json')
    throw faults.unsupportedOperation(`format=${params.format} (the emulator speaks JSON)`);
  if (params.requestid !== undefined && params.requestid.length > MAX_REQUEST_ID) throw faults.invalidValue('requestid', 'longer than 50 characters');
  const include = new Set(
    (params.include ?? '')
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  );
  for (const v of include) if (!INCLUDES.has(v)) throw faults.unsupportedParameter(`include=${v}`);
  return include;
}

function parseJson(text: string): JsonObject {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    throw faults.badRequestBody(e instanceof Error ? e.message : 'malformed JSON');
  }
  if (!isObject(body)) throw faults.badRequestBody('expected a JSON object');
  return body;
}

function entityFor(segment: string): EntityDef {
  const def = entityByName(segment);
  if (!def) throw faults.unsupportedOperation(`on resource /${segment}`);
  return def;
}

type WriteOp = 'create' | 'update' | 'delete' | 'void';

export function writeOp(operation: string | undefined, body: JsonObject): WriteOp {
  if (operation === undefined || operation === '') return body.Id !== undefined && body.Id !== null ? 'update' : 'create';
  const op = operation.toLowerCase();
  if (op === 'create' || op === 'update' || op === 'delete' || op === 'void') return op;
  throw faults.unsupportedOperation(`operation=${operation}`);
}

export function runWrite(core: Core, def: EntityDef, op: WriteOp, body: JsonObject, include: ReadonlySet<string>): JsonObject {
  const ctx = writeContext(core, include);
  switch (op) {
    case 'create':
      return createEntity(def, ctx, body);
    case 'update':
      return updateEntity(def, ctx, body);
    case 'delete':
      return deleteEntity(def, ctx, body);
    case 'void':
      return voidEntity(def, ctx, body, 'void');
  }
}

function runQuery(core: Core, text: string | undefined): JsonObject {
  if (!text) throw faults.requiredParam('query');
  return { QueryResponse: evaluateQuery(core.realm(), parseQuery(text)) };
}

/**
 * Batch: ≤ 30 items run serially and independently; per-item faults; HTTP 200 overall.
 * https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/batch
 *
 * With a `requestid` (at most 36 characters for a batch, https://blogs.intuit.com/2015/04/06/15346/), each item's own
 * request id is the batch's followed by its bId, and a repeated one returns the item's first answer without running it
 * again: that is how QBO reports the pair (a 32-character requestid and 36-character bIds fail every item with "You
 * cannot enter more than 50 characters in the request_id field", https://github.com/intuit/QuickBooks-V3-Java-SDK/issues/180).
 */
function runBatch(core: Core, body: JsonObject, requestId: string | undefined): JsonObject {
  const items = batchItems(body);
  if (requestId !== undefined && requestId.length > MAX_BATCH_REQUEST_ID) {
    throw faults.invalidValue('requestid', `a batch requestid is at most ${MAX_BATCH_REQUEST_ID} characters`);
  }
  const replies = core.realm().requestIds;
  const responses = items.map((raw): JsonObject => {
    const item = isObject(raw) ? raw : {};
    const bId = typeof item.bId === 'string' ? item.bId : undefined;
    const itemRequestId = requestId !== undefined && bId ? `${requestId}${bId}` : undefined;
    const stored = itemRequestId === undefined ? undefined : replies.get(itemRequestId);
    if (stored) return JSON.parse(stored.body) as JsonObject;
    const response = runBatchItem(core, item, bId, itemRequestId);
    if (itemRequestId !== undefined && itemRequestId.length <= MAX_REQUEST_ID) {
      replies.set(itemRequestId, { status: 200, body: JSON.stringify(response), contentType: 'application/json' });
    }
    return response;
  });
  return { BatchItemResponse: responses };
}

function batchItems(body: JsonObject): unknown[] {
  const items = body.BatchItemRequest;
  if (!Array.isArray(items)) throw faults.requiredParam('BatchItemRequest');
  if (items.length > MAX_BATCH_ITEMS) throw faults.invalidValue('BatchItemRequest', `a batch may hold at most ${MAX_BATCH_ITEMS} items, got ${items.length}`);
  return items;
}

function runBatchItem(core: Core, item: JsonObject, bId: string | undefined, itemRequestId: string | undefined): JsonObject {
  try {
    if (!bId) throw faults.requiredParam('bId');
    if (itemRequestId !== undefined && itemRequestId.length > MAX_REQUEST_ID) {
      throw faults.businessValidation(
        `You cannot enter more than ${MAX_REQUEST_ID} characters in the request_id field. You tried entering ${itemRequestId.slice(0, 10)}..., which is ${itemRequestId.length} characters.`,
      );
    }
    const { bId: _bId, operation, optionsData, Query, ...rest } = item;
    if (Query !== undefined) {
      if (typeof Query !== 'string' || Object.keys(rest).length || operation !== undefined)
        throw faults.badRequestBody('a Query item holds only bId and Query');
      return { bId, ...runQuery(core, Query) };
    }
    const keys = Object.keys(rest);
    const entityKey = keys[0];
    if (keys.length !== 1 || entityKey === undefined) throw faults.badRequestBody('each batch item names exactly one entity, or a Query');
    const payload = rest[entityKey];
    if (!isObject(payload)) throw faults.badRequestBody(`${entityKey} must be an object`);
    const def = entityFor(entityKey);
    const include = new Set(
      String(optionsData ?? '')
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean),
    );
    for (const v of include) if (!INCLUDES.has(v)) throw faults.unsupportedParameter(`optionsData=${v}`);
    if (typeof operation !== 'string') throw faults.requiredParam('operation');
    const op = writeOp(operation, payload);
    return { bId, [def.name]: runWrite(core, def, op, payload, include) };
  } catch (e) {
    if (!(e instanceof QboFault)) throw e;
    return { ...(bId ? { bId } : {}), Fault: { Error: e.errors as unknown as JsonObject[], type: e.type } };
  }
}

/** The items of a batch request body, for throttling and metering before (or whatever) it runs; undefined if unreadable. */
function peekBatchItems(text: string): unknown[] | undefined {
  try {
    const body: unknown = JSON.parse(text);
    return isObject(body) && Array.isArray(body.BatchItemRequest) ? body.BatchItemRequest : undefined;
  } catch {
    return undefined;
  }
}

/** What a 2xx answer costs in Intuit's metering: batch items each as the call they hold, else the call itself. */
function meter(core: Core, method: string, resource: string, batch: unknown[] | undefined): void {
  const realmId = core.realm().realmId;
  if (batch !== undefined) {
    const reads = batch.filter((item) => isObject(item) && (item.Query !== undefined || item.CDCQuery !== undefined)).length;
    core.metering.count(realmId, 'reads', reads);
    core.metering.count(realmId, 'writes', batch.length - reads);
    return;
  }
  core.metering.count(realmId, method === 'GET' || resource === 'query' ? 'reads' : 'writes');
}

function sendInvoice(core: Core, id: string, sendTo: string | undefined): JsonObject {
  const realm = core.realm();
  const inv = table(realm, 'Invoice').get(id);
  if (!inv) throw faults.readNotFound('Invoice', id);
  const to = sendTo ?? (isObject(inv.BillEmail) ? String(inv.BillEmail.Address ?? '') : '');
  if (!to) throw faults.requiredParam('BillEmail');
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(to)) throw faults.invalidValue('sendTo', `'${to}' is not a valid email address`);
  const ctx = writeContext(core, new Set());
  const next: JsonObject = {
    ...inv,
    BillEmail: { Address: to },
    EmailStatus: 'EmailSent',
    DeliveryInfo: { DeliveryType: 'Email', DeliveryTime: metaTime(ctx.now, realm.timeZone) },
  };
  touch(invoiceDef, { ...ctx, emit: () => ctx.emit({ entity: 'Invoice', id, operation: 'Emailed' }) }, next);
  return omitEmpty(table(realm, 'Invoice').get(id) ?? next);
}

/** Dispatches one data call; throws QboFault for anything QBO would reject. */
export function dispatch(core: Core, method: string, segments: string[], params: Record<string, string>, text: string, contentType: string): Reply {
  const [first = '', second, third, ...more] = segments;
  const resource = first.toLowerCase();
  const wrap = (body: JsonObject): Reply => ({ status: 200, body: { ...body, time: nowTime(core) } });
  if (more.length) throw faults.unsupportedOperation(`${method} /${segments.join('/')}`);

  if (resource === 'query' && second === undefined) {
    checkParams(params, ['query']);
    if (method === 'GET') return wrap(runQuery(core, params.query));
    if (method === 'POST') {
      // POST /query takes the query as the raw body with Content-Type application/text (https://developer.intuit.com/app/developer/qbo/docs/learn/rest-api-features).
      if (!contentType.includes('application/text') && !contentType.includes('text/plain')) {
        throw faults.badRequestBody(`POST /query needs Content-Type application/text, got '${contentType}'`);
      }
      return wrap(runQuery(core, text.trim()));
    }
  }
  if (resource === 'batch' && second === undefined && method === 'POST') {
    checkParams(params, []);
    return wrap(runBatch(core, parseJson(text), params.requestid));
  }
  if (resource === 'cdc' && second === undefined && method === 'GET') {
    checkParams(params, ['entities', 'changedSince']);
    return wrap(changeDataCapture(core.realm(), core.clock.now(), params.entities, params.changedSince));
  }
  if (resource === 'preferences' && second === undefined && method === 'GET') {
    checkParams(params, []);
    return wrap({ Preferences: readEntity(entityFor('Preferences'), { realm: core.realm() }, '1') });
  }
  if (resource === 'companyinfo' && second !== undefined && third === undefined && method === 'GET') {
    checkParams(params, []);
    // GET /companyinfo/{realmId} (https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/companyinfo).
    if (second !== core.realm().realmId) throw faults.readNotFound('CompanyInfo', second);
    return wrap({ CompanyInfo: readEntity(entityFor('CompanyInfo'), { realm: core.realm() }, '1') });
  }
  const def = entityFor(resource);
  if (def.name === 'Invoice' && second !== undefined && third?.toLowerCase() === 'pdf' && method === 'GET') {
    checkParams(params, []);
    const inv = readEntity(def, { realm: core.realm() }, second);
    return { status: 200, body: invoicePdf(inv, table(core.realm(), 'CompanyInfo').get('1')), contentType: 'application/pdf' };
  }
  if (def.name === 'Invoice' && second !== undefined && third?.toLowerCase() === 'send' && method === 'POST') {
    checkParams(params, ['sendTo']);
    return wrap({ Invoice: sendInvoice(core, second, params.sendTo) });
  }
  if (second !== undefined && third === undefined && method === 'GET') {
    checkParams(params, []);
    if (def.name === 'CompanyInfo' || def.name === 'Preferences') throw faults.unsupportedOperation(`GET /${first}/${second}`);
    return wrap({ [def.name]: readEntity(def, { realm: core.realm() }, second) });
  }
  if (second === undefined && method === 'POST') {
    const include = checkParams(params, ['operation']);
    if (!contentType.includes('application/json')) throw faults.badRequestBody(`Content-Type must be application/json, got '${contentType}'`);
    const body = parseJson(text);
    const op = writeOp(params.operation, body);
    const result = runWrite(core, def, op, body, include);
    return wrap({ [def.name]: result });
  }
  throw faults.unsupportedOperation(`${method} /${segments.join('/')}`);
}

const tid = (): string => `1-${Math.random().toString(16).slice(2, 10)}-${Math.random().toString(16).slice(2, 14)}${Math.random().toString(16).slice(2, 14)}`;

function send(c: Context, reply: Reply): Response {
  if (Buffer.isBuffer(reply.body)) {
    return new Response(new Uint8Array(reply.body), { status: reply.status, headers: { 'content-type': reply.contentType ?? 'application/pdf' } });
  }
  return c.json(reply.body, reply.status as 200);
}

const faultReply = (core: Core, e: QboFault): Reply => ({ status: e.status, body: e.body(nowTime(core)) as unknown as JsonObject });

function isUpdateLike(method: string, params: Record<string, string>, text: string): boolean {
  if (method !== 'POST') return false;
  const op = params.operation?.toLowerCase();
  if (op === 'update' || op === 'delete' || op === 'void') return true;
  return op === undefined && /"Id"\s*:\s*"/.test(text);
}

export function dataRoutes(app: Hono, core: Core): void {
  app.use('*', async (c, next) => {
    await next();
    // Every response carries an intuit_tid for support (seen in https://github.com/mcohen01/node-quickbooks/issues/137).
    c.res.headers.set('intuit_tid', tid());
  });

  app.all('/v3/company/:realmId/*', async (c) => {
    const realmId = c.req.param('realmId');
    const auth = core.oauth.authenticate(c.req.header('authorization'));
    if (!auth.ok) return c.json(authFailedBody(auth.detail, nowTime(core)), 401);
    if (auth.realmId !== realmId || core.realm().realmId !== realmId) return send(c, faultReply(core, faults.forbiddenRealm()));

    const url = new URL(c.req.url);
    const segments = url.pathname.split('/').slice(4).filter(Boolean).map(decodeURIComponent);
    const params: Record<string, string> = {};
    for (const [k, v] of url.searchParams) params[k] = v;
    const text = c.req.method === 'POST' ? await c.req.text() : '';
    const subPath = `/${segments.join('/')}`;

    const injected = core.faults.take(c.req.method, subPath, isUpdateLike(c.req.method, params, text));
    if (injected?.kind === '429' || injected?.kind === '429-xml') {
      if (injected.retryAfterSeconds !== undefined) c.header('Retry-After', String(injected.retryAfterSeconds));
      if (injected.kind === '429-xml') return c.body(throttledXml(nowTime(core)), 429, { 'content-type': 'application/xml' });
      return send(c, faultReply(core, faults.throttled()));
    }
    if (injected?.kind === '500') return send(c, faultReply(core, faults.internal()));
    if (injected?.kind === '503') return send(c, faultReply(core, faults.unavailable()));
    if (injected?.kind === 'stale-sync-token') return send(c, faultReply(core, faults.stale()));

    const resource = segments[0]?.toLowerCase() ?? '';
    const batch = c.req.method === 'POST' && resource === 'batch' && segments.length === 1 ? (peekBatchItems(text) ?? []) : undefined;
    if (!core.limiter.admit(realmId, batch?.length)) return send(c, faultReply(core, faults.throttled()));
    try {
      if (injected?.kind === 'slow') await core.sleep(injected.delayMs);
      const requestId = params.requestid;
      // A batch replays item by item (runBatch).
      const replayKey = c.req.method === 'POST' && batch === undefined ? requestId : undefined;
      const stored = replayKey ? core.realm().requestIds.get(replayKey) : undefined;
      let reply: Reply;
      if (stored) {
        // A repeated requestid returns the original response without re-executing (https://blogs.intuit.com/2015/04/06/15346/).
        reply = { status: stored.status, body: JSON.parse(stored.body) as JsonObject };
      } else {
        try {
          reply = dispatch(core, c.req.method, segments, params, text, c.req.header('content-type') ?? '');
        } catch (e) {
          if (!(e instanceof QboFault)) throw e;
          reply = faultReply(core, e);
        }
        if (replayKey && !Buffer.isBuffer(reply.body)) {
          core.realm().requestIds.set(replayKey, { status: reply.status, body: JSON.stringify(reply.body), contentType: 'application/json' });
        }
      }
      if (reply.status >= 200 && reply.status < 300) meter(core, c.req.method, resource, batch);
      if (injected?.kind === 'timeout') await core.faults.hold();
      return send(c, reply);
    } finally {
      core.limiter.release(realmId);
    }
  });
}
