/**
 * Create, read, update (sparse and full), delete and void with QBO's semantics: string Ids,
 * SyncToken optimistic locking (5010), name lists never deleted, empty fields omitted.
 * https://developer.intuit.com/app/developer/qbo/docs/learn/rest-api-features
 */
import { faults, QboFault } from '../errors';
import { allocateId, changeKey, clone, isObject, omitEmpty, table, tombstones, type Json, type JsonObject } from '../state/store';
import { metaTime } from '../time';
import { COMMON_SYSTEM, type EntityDef, type WriteContext } from './types';

/** `null` means "no value" to QBO's JSON binding, at any depth (clients such as LedgerSync send them). */
function withoutNulls(value: Json): Json {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = withoutNulls(v);
  return out;
}

/** Rejects unknown properties (2010) and values of the wrong shape, returning the writable part, parsed. */
export function parseWritable(def: EntityDef, body: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, raw] of Object.entries(body)) {
    const schema = def.writable[key];
    if (schema) {
      if (raw === null) continue;
      const value = withoutNulls(raw);
      const parsed = schema.safeParse(value);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const path = [key, ...(issue?.path ?? []).map(String)].join('.');
        if (issue?.code === 'unrecognized_keys') throw faults.unsupportedProperty(`${path}.${issue.keys.join(',')}`, def.name);
        if (issue?.code === 'invalid_value') throw faults.invalidEnum(path, String(JSON.stringify(value)));
        throw faults.invalidValue(path, issue?.message ?? 'invalid');
      }
      out[key] = parsed.data as JsonObject[string];
    } else if (!(COMMON_SYSTEM as readonly string[]).includes(key) && !def.system.includes(key)) {
      throw faults.unsupportedProperty(key, def.name);
    }
  }
  return out;
}

function stamp(def: EntityDef, ctx: WriteContext, built: JsonObject, id: string, syncToken: string, createTime: string): JsonObject {
  const entity: JsonObject = {
    ...built,
    domain: 'QBO',
    sparse: false,
    Id: id,
    SyncToken: syncToken,
    MetaData: { CreateTime: createTime, LastUpdatedTime: metaTime(ctx.now, ctx.realm.timeZone) },
  };
  table(ctx.realm, def.name).set(id, entity);
  ctx.realm.changedAt.set(changeKey(def.name, id), ctx.now);
  return entity;
}

export function readEntity(def: EntityDef, ctx: Pick<WriteContext, 'realm'>, id: string): JsonObject {
  const e = table(ctx.realm, def.name).get(id);
  if (!e) throw faults.readNotFound(def.name, id);
  return omitEmpty(e);
}

export function createEntity(def: EntityDef, ctx: WriteContext, body: JsonObject): JsonObject {
  if (!def.operations.has('create')) throw faults.unsupportedOperation(`create for ${def.name}`);
  const input = parseWritable(def, body);
  const built = def.build(input, ctx, undefined);
  const id = allocateId(ctx.realm, def.name);
  const entity = stamp(def, ctx, built.entity, id, '0', metaTime(ctx.now, ctx.realm.timeZone));
  ctx.emit({ entity: def.name, id, operation: 'Create' });
  built.commit?.(id);
  return omitEmpty(entity);
}

function existingForWrite(def: EntityDef, ctx: WriteContext, body: JsonObject): JsonObject {
  const id = body.Id;
  if (id === undefined || id === null || id === '') throw faults.requiredParam('Id');
  if (body.SyncToken === undefined || body.SyncToken === null || body.SyncToken === '') throw faults.requiredParam('SyncToken');
  const existing = table(ctx.realm, def.name).get(String(id));
  if (!existing) throw faults.objectNotFound(def.name, String(id));
  if (String(body.SyncToken) !== existing.SyncToken) throw faults.stale();
  return existing;
}

const nextToken = (e: JsonObject): string => String(Number(e.SyncToken) + 1);

const createTimeOf = (e: JsonObject): string => (isObject(e.MetaData) ? String(e.MetaData.CreateTime) : '');

/**
 * `sparse: true` changes only the properties sent; otherwise every omitted writable property is
 * cleared (the `sparse` field in https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/customer).
 */
export function updateEntity(def: EntityDef, ctx: WriteContext, body: JsonObject): JsonObject {
  if (!def.operations.has('update')) throw faults.unsupportedOperation(`update for ${def.name}`);
  if (ctx.include.has('void')) return voidEntity(def, ctx, body, 'update');
  const existing = existingForWrite(def, ctx, body);
  const input = parseWritable(def, body);
  const sparse = body.sparse === true || body.sparse === 'true';
  let merged: JsonObject = input;
  if (sparse) {
    merged = {};
    for (const key of Object.keys(def.writable)) {
      const v = key in input ? input[key] : existing[key];
      if (v !== undefined) merged[key] = clone(v);
    }
  }
  const built = def.build(merged, ctx, existing);
  const id = String(existing.Id);
  const entity = stamp(def, ctx, built.entity, id, nextToken(existing), createTimeOf(existing));
  ctx.emit({ entity: def.name, id, operation: 'Update' });
  built.commit?.(id);
  return omitEmpty(entity);
}

/**
 * Invoice: `?operation=void`. Payment: sparse update with `?include=void`
 * (https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/payment; node-quickbooks
 * `voidPayment`, https://github.com/mcohen01/node-quickbooks/blob/master/index.js).
 */
export function voidEntity(def: EntityDef, ctx: WriteContext, body: JsonObject, via: 'void' | 'update'): JsonObject {
  const expected = def.name === 'Payment' ? 'update' : 'void';
  if (!def.void || via !== expected) throw faults.unsupportedOperation(via === 'void' ? `void for ${def.name}` : `update with include=void for ${def.name}`);
  const existing = existingForWrite(def, ctx, body);
  const built = def.void(existing, ctx);
  const id = String(existing.Id);
  const entity = stamp(def, ctx, built.entity, id, nextToken(existing), createTimeOf(existing));
  ctx.emit({ entity: def.name, id, operation: 'Void' });
  built.commit?.(id);
  return omitEmpty(entity);
}

/** Transactions only; name lists are deactivated with `Active: false` instead (https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/customer). */
export function deleteEntity(def: EntityDef, ctx: WriteContext, body: JsonObject): JsonObject {
  if (!def.operations.has('delete')) {
    if (def.nameList)
      throw faults.businessValidation(`${def.name} objects cannot be deleted; make them inactive with a sparse update setting Active to false.`);
    throw faults.unsupportedOperation(`delete for ${def.name}`);
  }
  const existing = existingForWrite(def, ctx, body);
  const commit = def.beforeDelete?.(existing, ctx);
  const id = String(existing.Id);
  table(ctx.realm, def.name).delete(id);
  tombstones(ctx.realm, def.name).set(id, { Id: id, deletedAt: ctx.now });
  ctx.realm.changedAt.set(changeKey(def.name, id), ctx.now);
  ctx.emit({ entity: def.name, id, operation: 'Delete' });
  commit?.();
  return { Id: id, status: 'Deleted', domain: 'QBO' };
}

/** Re-stamps an entity changed as a side effect (e.g. an invoice a payment was applied to). */
export function touch(def: EntityDef, ctx: WriteContext, entity: JsonObject): void {
  const id = String(entity.Id);
  stamp(def, ctx, entity, id, nextToken(entity), createTimeOf(entity));
  ctx.emit({ entity: def.name, id, operation: 'Update' });
}

export const isFault = (e: unknown): e is QboFault => e instanceof QboFault;
