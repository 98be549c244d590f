import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { HubSpotError, validationError } from '../errors';
import { allowQuery, parseBody, queryBool, queryInt, queryList, readJson, type HubSpotEnv } from '../http';
import type { CrmRecord } from '../state';
import { search } from './search';
import { toApiObject } from './serialize';
import { requireObjectType, type ObjectTypeInfo } from './types';

/**
 * CRM object endpoints as @hubspot/api-client 14 calls them (`lib/codegen/crm/objects/apis/{Basic,Batch,Search}Api.js`;
 * https://developers.hubspot.com/docs/api-reference/legacy/crm/using-object-apis). Status codes matter: the SDK throws
 * on anything but the documented one (201 for create, 204 for archive, 200/207 for batches).
 */
const BATCH_LIMIT = 100;

const propertiesSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));
const associationInput = z.strictObject({
  to: z.strictObject({ id: z.union([z.string(), z.number()]).transform(String) }),
  types: z.array(z.strictObject({ associationCategory: z.string(), associationTypeId: z.number().int() })),
});
const createSchema = z.strictObject({
  properties: propertiesSchema,
  associations: z.array(associationInput).optional(),
  objectWriteTraceId: z.string().optional(),
});
const updateSchema = z.strictObject({ properties: propertiesSchema, objectWriteTraceId: z.string().optional() });
const batchIdSchema = z.strictObject({ id: z.union([z.string(), z.number()]).transform(String) });
const batchReadSchema = z.strictObject({
  inputs: z.array(batchIdSchema),
  properties: z.array(z.string()).default([]),
  propertiesWithHistory: z.array(z.string()).default([]),
  idProperty: z.string().optional(),
});
const batchCreateSchema = z.strictObject({ inputs: z.array(createSchema) });
const batchUpdateSchema = z.strictObject({
  inputs: z.array(
    z.strictObject({
      id: z.union([z.string(), z.number()]).transform(String),
      properties: propertiesSchema,
      idProperty: z.string().optional(),
      objectWriteTraceId: z.string().optional(),
    }),
  ),
});
const batchUpsertSchema = z.strictObject({
  inputs: z.array(z.strictObject({ id: z.string(), idProperty: z.string(), properties: propertiesSchema, objectWriteTraceId: z.string().optional() })),
});
const batchArchiveSchema = z.strictObject({ inputs: z.array(batchIdSchema) });
const mergeSchema = z.strictObject({ primaryObjectId: z.string(), objectIdToMerge: z.string() });

/** One input of a multi-status batch: its result, or its error as a `StandardError` naming the input in `context`. */
function perInput<T>(write: () => T, context: Record<string, string[]>): { ok: true; value: T } | { ok: false; value: unknown } {
  try {
    return { ok: true, value: write() };
  } catch (err) {
    if (!(err instanceof HubSpotError) || err.httpStatus >= 500) throw err;
    const { correlationId: _, ...standard } = err.body;
    return { ok: false, value: { ...standard, errors: standard.errors ?? [], context: { ...standard.context, ...context }, links: standard.links ?? {} } };
  }
}

export function objectRoutes(): Hono<HubSpotEnv> {
  const app = new Hono<HubSpotEnv>();
  const ctx = (c: Context<HubSpotEnv>) => {
    const info = requireObjectType(c.req.param('objectType') ?? '');
    return { info, emu: c.get('core'), svc: c.get('core').records, auth: c.get('auth') };
  };
  const batchEnvelope = (c: Context<HubSpotEnv>, startedAt: Date, results: unknown[], errors: unknown[], okStatus: 200 | 201) => {
    const completedAt = c.get('core').clock.now().toISOString();
    const base = { status: 'COMPLETE', results, startedAt: startedAt.toISOString(), completedAt };
    if (errors.length > 0) return c.json({ ...base, numErrors: errors.length, errors }, 207);
    return c.json(base, okStatus);
  };
  const checkBatchSize = (n: number) => {
    if (n > BATCH_LIMIT) throw validationError(`Batch input size ${n} exceeds the maximum of ${BATCH_LIMIT} inputs`);
  };
  const checkDuplicates = (ids: readonly string[]) => {
    const dup = ids.find((id, i) => ids.indexOf(id) !== i);
    if (dup !== undefined) throw validationError(`Duplicate IDs found in batch input: [${dup}]. IDs must be unique`);
  };
  const notFound = (info: ObjectTypeInfo, ids: string[]) => ({
    status: 'error',
    category: 'OBJECT_NOT_FOUND',
    message: `Could not get some ${info.upperName} objects, they may be deleted or not exist. Check that ids are valid.`,
    context: { ids },
    errors: [],
    links: {},
  });

  app.get('/crm/v3/objects/:objectType', (c) => {
    const { info, svc, auth } = ctx(c);
    auth.require(info.readScopes);
    allowQuery(c, ['limit', 'after', 'properties', 'propertiesWithHistory', 'associations', 'archived']);
    const limit = queryInt(c, 'limit', 10, 100);
    const after = c.req.query('after');
    const records = svc.list(info.name, queryBool(c, 'archived')).filter((r) => after === undefined || Number(r.id) > Number(after));
    const page = records.slice(0, limit);
    const opts = {
      properties: queryList(c, 'properties'),
      propertiesWithHistory: queryList(c, 'propertiesWithHistory'),
      associations: queryList(c, 'associations'),
    };
    const last = page[page.length - 1];
    const next =
      records.length > limit && last
        ? { paging: { next: { after: last.id, link: `${new URL(c.req.url).origin}/crm/v3/objects/${info.name}?after=${last.id}` } } }
        : {};
    return c.json({ results: page.map((r) => toApiObject(svc, r, opts)), ...next });
  });

  app.post('/crm/v3/objects/:objectType/search', async (c) => {
    const { info, svc, auth } = ctx(c);
    auth.require(info.readScopes);
    allowQuery(c, []);
    const raw = await c.req.text();
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (err) {
      throw validationError(`Invalid input JSON on line 1: ${(err as Error).message}`);
    }
    return c.json(search(svc, info.name, raw, json));
  });

  app.post('/crm/v3/objects/:objectType/batch/read', async (c) => {
    const { info, emu, svc, auth } = ctx(c);
    auth.require(info.readScopes);
    allowQuery(c, ['archived']);
    const body = parseBody(batchReadSchema, await readJson(c));
    checkBatchSize(body.inputs.length);
    const startedAt = emu.clock.now();
    const archived = queryBool(c, 'archived');
    const found: CrmRecord[] = [];
    const missing: string[] = [];
    for (const { id } of body.inputs) {
      const r = svc.find(info.name, id, { archived, ...(body.idProperty ? { idProperty: body.idProperty } : {}) });
      if (r) found.push(r);
      else missing.push(id);
    }
    const results = found.map((r) => toApiObject(svc, r, { properties: body.properties, propertiesWithHistory: body.propertiesWithHistory }));
    return batchEnvelope(c, startedAt, results, missing.length > 0 ? [notFound(info, missing)] : [], 200);
  });

  app.post('/crm/v3/objects/:objectType/batch/create', async (c) => {
    const { info, emu, svc, auth } = ctx(c);
    auth.require(info.writeScopes);
    allowQuery(c, []);
    const body = parseBody(batchCreateSchema, await readJson(c));
    checkBatchSize(body.inputs.length);
    const startedAt = emu.clock.now();
    const createOne = (input: (typeof body.inputs)[number]) => {
      const r = svc.create(info.name, input.properties, auth.actor, input.associations ?? []);
      return {
        ...toApiObject(svc, r, { written: Object.keys(input.properties) }),
        ...(input.objectWriteTraceId ? { objectWriteTraceId: input.objectWriteTraceId } : {}),
      };
    };
    // Multi-status (https://developers.hubspot.com/docs/api-reference/error-handling, "Multi-status errors"): when every
    // input carries a unique objectWriteTraceId, each input succeeds or fails on its own and the answer is a 207 naming
    // the failed ones by trace id. Otherwise one bad input fails the whole request without half-writing.
    const traceIds = body.inputs.map((i) => i.objectWriteTraceId);
    const multiStatus = body.inputs.length > 0 && traceIds.every((t) => t !== undefined) && new Set(traceIds).size === traceIds.length;
    if (!multiStatus)
      return batchEnvelope(
        c,
        startedAt,
        emu.transaction(() => body.inputs.map(createOne)),
        [],
        201,
      );
    const results: unknown[] = [];
    const errors: unknown[] = [];
    for (const input of body.inputs) {
      const outcome = perInput(() => emu.transaction(() => createOne(input)), { objectWriteTraceId: [input.objectWriteTraceId!] });
      (outcome.ok ? results : errors).push(outcome.value);
    }
    return batchEnvelope(c, startedAt, results, errors, 201);
  });

  app.post('/crm/v3/objects/:objectType/batch/update', async (c) => {
    const { info, emu, svc, auth } = ctx(c);
    auth.require(info.writeScopes);
    allowQuery(c, []);
    const body = parseBody(batchUpdateSchema, await readJson(c));
    checkBatchSize(body.inputs.length);
    checkDuplicates(body.inputs.map((i) => i.id));
    const startedAt = emu.clock.now();
    const missing = body.inputs.filter((i) => !svc.find(info.name, i.id, i.idProperty ? { idProperty: i.idProperty } : {})).map((i) => i.id);
    // Each input is applied on its own: 200 when all succeed, 207 naming each failed input otherwise (changelog
    // "Simplifying batch update response codes for CRM v3 APIs"). A refused value names its input by id (and by
    // objectWriteTraceId when one was sent).
    const results: unknown[] = [];
    const errors: unknown[] = missing.length > 0 ? [notFound(info, missing)] : [];
    for (const i of body.inputs.filter((input) => !missing.includes(input.id))) {
      const context = { ids: [i.id], ...(i.objectWriteTraceId ? { objectWriteTraceId: [i.objectWriteTraceId] } : {}) };
      const outcome = perInput(
        () =>
          emu.transaction(() => ({
            ...toApiObject(svc, svc.update(info.name, i.id, i.properties, auth.actor, i.idProperty), { written: Object.keys(i.properties) }),
            ...(i.objectWriteTraceId ? { objectWriteTraceId: i.objectWriteTraceId } : {}),
          })),
        context,
      );
      (outcome.ok ? results : errors).push(outcome.value);
    }
    return batchEnvelope(c, startedAt, results, errors, 200);
  });

  app.post('/crm/v3/objects/:objectType/batch/upsert', async (c) => {
    const { info, emu, svc, auth } = ctx(c);
    auth.require(info.writeScopes);
    allowQuery(c, []);
    const body = parseBody(batchUpsertSchema, await readJson(c));
    checkBatchSize(body.inputs.length);
    checkDuplicates(body.inputs.map((i) => `${i.idProperty}:${i.id.toLowerCase()}`));
    const startedAt = emu.clock.now();
    const results = emu.transaction(() =>
      body.inputs.map((i) => {
        // idProperty must be a unique property (email for contacts); hs_object_id upserts are not supported
        // (https://developers.hubspot.com/docs/api-reference/legacy/crm/using-object-apis).
        const def = svc.property(info.name, i.idProperty);
        if (!def?.hasUniqueValue || i.idProperty === 'hs_object_id') {
          throw validationError(`${i.idProperty} is not a unique value property of ${info.name} and cannot be used as idProperty`);
        }
        const existing = svc.find(info.name, i.id, { idProperty: i.idProperty });
        const written = { written: [...Object.keys(i.properties), i.idProperty] };
        if (existing) return { ...toApiObject(svc, svc.update(info.name, existing.id, i.properties, auth.actor), written), new: false };
        return { ...toApiObject(svc, svc.create(info.name, { ...i.properties, [i.idProperty]: i.id }, auth.actor), written), new: true };
      }),
    );
    return batchEnvelope(c, startedAt, results, [], 200);
  });

  app.post('/crm/v3/objects/:objectType/batch/archive', async (c) => {
    const { info, emu, svc, auth } = ctx(c);
    auth.require(info.writeScopes);
    allowQuery(c, []);
    const body = parseBody(batchArchiveSchema, await readJson(c));
    checkBatchSize(body.inputs.length);
    emu.transaction(() => {
      for (const { id } of body.inputs) if (svc.find(info.name, id)) svc.archive(info.name, id, auth.actor);
    });
    return c.body(null, 204);
  });

  app.post('/crm/v3/objects/:objectType/merge', async (c) => {
    const { info, svc, auth } = ctx(c);
    if (!['contacts', 'companies', 'deals'].includes(info.name))
      throw new HubSpotError(400, { message: `Merging ${info.name} is not supported`, category: 'VALIDATION_ERROR' });
    auth.require(info.writeScopes);
    allowQuery(c, []);
    const body = parseBody(mergeSchema, await readJson(c));
    return c.json(toApiObject(svc, svc.merge(info.name, body.primaryObjectId, body.objectIdToMerge, auth.actor)));
  });

  app.post('/crm/v3/objects/:objectType', async (c) => {
    const { info, svc, auth } = ctx(c);
    auth.require(info.writeScopes);
    allowQuery(c, []);
    const body = parseBody(createSchema, await readJson(c));
    const r = svc.create(info.name, body.properties, auth.actor, body.associations ?? []);
    return c.json(toApiObject(svc, r, { written: Object.keys(body.properties) }), 201);
  });

  app.get('/crm/v3/objects/:objectType/:objectId', (c) => {
    const { info, svc, auth } = ctx(c);
    auth.require(info.readScopes);
    allowQuery(c, ['properties', 'propertiesWithHistory', 'associations', 'archived', 'idProperty']);
    const idProperty = c.req.query('idProperty');
    const r = svc.get(info.name, c.req.param('objectId'), { archived: queryBool(c, 'archived'), ...(idProperty ? { idProperty } : {}) });
    return c.json(
      toApiObject(svc, r, {
        properties: queryList(c, 'properties'),
        propertiesWithHistory: queryList(c, 'propertiesWithHistory'),
        associations: queryList(c, 'associations'),
      }),
    );
  });

  app.patch('/crm/v3/objects/:objectType/:objectId', async (c) => {
    const { info, svc, auth } = ctx(c);
    auth.require(info.writeScopes);
    allowQuery(c, ['idProperty']);
    const body = parseBody(updateSchema, await readJson(c));
    const r = svc.update(info.name, c.req.param('objectId'), body.properties, auth.actor, c.req.query('idProperty'));
    return c.json(toApiObject(svc, r, { written: Object.keys(body.properties) }));
  });

  app.delete('/crm/v3/objects/:objectType/:objectId', (c) => {
    const { info, svc, auth } = ctx(c);
    auth.require(info.writeScopes);
    allowQuery(c, []);
    // Archiving a missing or already-archived record is a 204 as well (HubSpot's DELETE is idempotent).
    if (svc.find(info.name, c.req.param('objectId'))) svc.archive(info.name, c.req.param('objectId'), auth.actor);
    return c.body(null, 204);
  });

  return app;
}
