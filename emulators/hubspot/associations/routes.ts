import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { objectNotFound, validationError } from '../errors';
import { allowQuery, parseBody, queryInt, readJson, type HubSpotEnv } from '../http';
import { OBJECT_TYPES, requireObjectType, type ObjectTypeName } from '../objects/types';
import type { AssociationEdge } from '../state';
import { associationType, associationTypesBetween, type AssociationType } from './types';

/**
 * Associations v4 (https://developers.hubspot.com/docs/api-reference/crm-associations-v4/guide), with the paths and
 * status codes of @hubspot/api-client 14 (`lib/codegen/crm/associations/v4/apis/{Basic,Batch}Api.js`).
 * Object ids in responses are numbers, as in the docs' examples.
 */
const specSchema = z.strictObject({
  associationCategory: z.enum(['HUBSPOT_DEFINED', 'USER_DEFINED', 'INTEGRATOR_DEFINED']),
  associationTypeId: z.number().int(),
});
const idRef = z.strictObject({ id: z.union([z.string(), z.number()]).transform(String) });
const batchDefaultSchema = z.strictObject({ inputs: z.array(z.strictObject({ from: idRef, to: idRef })) });
const batchCreateSchema = z.strictObject({ inputs: z.array(z.strictObject({ from: idRef, to: idRef, types: z.array(specSchema) })) });
const batchReadSchema = z.strictObject({
  inputs: z.array(z.strictObject({ id: z.union([z.string(), z.number()]).transform(String), after: z.string().optional() })),
});
const batchArchiveSchema = z.strictObject({ inputs: z.array(z.strictObject({ from: idRef, to: z.array(idRef) })) });

const BATCH_READ_LIMIT = 1000;
const BATCH_CREATE_LIMIT = 2000;

const typesOf = (edge: AssociationEdge) =>
  [...edge.typeIds]
    .sort((a, b) => a - b)
    .map((typeId) => associationType(edge.fromType, edge.toType, typeId))
    .filter((t): t is AssociationType => t !== undefined)
    .map((t) => ({ category: 'HUBSPOT_DEFINED', typeId: t.typeId, label: t.label }));

export function associationRoutes(): Hono<HubSpotEnv> {
  const app = new Hono<HubSpotEnv>();
  const ctx = (c: Context<HubSpotEnv>, write: boolean) => {
    const emu = c.get('core');
    const from = requireObjectType(c.req.param('fromObjectType') ?? c.req.param('objectType') ?? '');
    const to = requireObjectType(c.req.param('toObjectType') ?? '');
    c.get('auth').require(write ? from.writeScopes : from.readScopes);
    return { emu, svc: emu.records, store: emu.records.associations, from: from.name, to: to.name };
  };
  const mustExist = (c: Context<HubSpotEnv>, type: ObjectTypeName, id: string) => {
    if (!c.get('core').records.find(type, id)) throw objectNotFound(`No ${OBJECT_TYPES[type].singular} with id ${id} exists`);
  };
  const timing = (c: Context<HubSpotEnv>) => {
    const at = c.get('core').clock.now().toISOString();
    return { startedAt: at, completedAt: at };
  };

  app.put('/crm/v4/objects/:fromObjectType/:fromObjectId/associations/default/:toObjectType/:toObjectId', (c) => {
    const { store, from, to } = ctx(c, true);
    allowQuery(c, []);
    const fromId = c.req.param('fromObjectId');
    const toId = c.req.param('toObjectId');
    mustExist(c, from, fromId);
    mustExist(c, to, toId);
    const type = store.defaultType(from, to);
    store.add(from, fromId, to, toId, [type]);
    // Both directions are returned (the example in https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/products/guide).
    return c.json({
      status: 'COMPLETE',
      results: [
        { from: { id: fromId }, to: { id: toId }, associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: type.typeId } },
        { from: { id: toId }, to: { id: fromId }, associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: type.inverse } },
      ],
      ...timing(c),
    });
  });

  app.put('/crm/v4/objects/:objectType/:objectId/associations/:toObjectType/:toObjectId', async (c) => {
    const { store, from, to } = ctx(c, true);
    allowQuery(c, []);
    const fromId = c.req.param('objectId');
    const toId = c.req.param('toObjectId');
    const specs = parseBody(z.array(specSchema), await readJson(c));
    mustExist(c, from, fromId);
    mustExist(c, to, toId);
    const types = store.resolveSpecs(from, to, specs);
    // A labelled create replaces the pair's labels (https://developers.hubspot.com/docs/api-reference/crm-associations-v4/guide).
    store.replace(from, fromId, to, toId, types);
    return c.json(
      {
        fromObjectTypeId: OBJECT_TYPES[from].typeId,
        fromObjectId: Number(fromId),
        toObjectTypeId: OBJECT_TYPES[to].typeId,
        toObjectId: Number(toId),
        labels: types.map((t) => t.label).filter((l): l is string => l !== null),
      },
      201,
    );
  });

  app.get('/crm/v4/objects/:objectType/:objectId/associations/:toObjectType', (c) => {
    const { store, from, to } = ctx(c, false);
    allowQuery(c, ['after', 'limit']);
    const fromId = c.req.param('objectId');
    mustExist(c, from, fromId);
    // HubSpot does not document the v4 list `limit` maximum; 500 is the documented batch page size.
    const limit = queryInt(c, 'limit', 500, 500);
    const after = c.req.query('after');
    const edges = store.from(from, fromId, to).filter((e) => after === undefined || Number(e.toId) > Number(after));
    const page = edges.slice(0, limit);
    const last = page[page.length - 1];
    return c.json({
      results: page.map((e) => ({ toObjectId: Number(e.toId), associationTypes: typesOf(e) })),
      ...(edges.length > limit && last ? { paging: { next: { after: last.toId } } } : {}),
    });
  });

  app.delete('/crm/v4/objects/:objectType/:objectId/associations/:toObjectType/:toObjectId', (c) => {
    const { store, from, to } = ctx(c, true);
    allowQuery(c, []);
    store.removeAll(from, c.req.param('objectId'), to, c.req.param('toObjectId'));
    return c.body(null, 204);
  });

  app.post('/crm/v4/associations/:fromObjectType/:toObjectType/batch/associate/default', async (c) => {
    const { emu, store, from, to } = ctx(c, true);
    allowQuery(c, []);
    const body = parseBody(batchDefaultSchema, await readJson(c));
    if (body.inputs.length > BATCH_CREATE_LIMIT) throw validationError(`Batch input size exceeds the maximum of ${BATCH_CREATE_LIMIT}`);
    const type = store.defaultType(from, to);
    for (const i of body.inputs) {
      mustExist(c, from, i.from.id);
      mustExist(c, to, i.to.id);
    }
    const results = emu.transaction(() =>
      body.inputs.flatMap((i) => {
        store.add(from, i.from.id, to, i.to.id, [type]);
        return [
          { from: { id: i.from.id }, to: { id: i.to.id }, associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: type.typeId } },
          { from: { id: i.to.id }, to: { id: i.from.id }, associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: type.inverse } },
        ];
      }),
    );
    return c.json({ status: 'COMPLETE', results, ...timing(c) });
  });

  app.post('/crm/v4/associations/:fromObjectType/:toObjectType/batch/create', async (c) => {
    const { store, from, to } = ctx(c, true);
    allowQuery(c, []);
    const body = parseBody(batchCreateSchema, await readJson(c));
    if (body.inputs.length > BATCH_CREATE_LIMIT) throw validationError(`Batch input size exceeds the maximum of ${BATCH_CREATE_LIMIT}`);
    const results: unknown[] = [];
    const errors: unknown[] = [];
    for (const i of body.inputs) {
      const svc = c.get('core').records;
      if (!svc.find(from, i.from.id) || !svc.find(to, i.to.id)) {
        errors.push({
          status: 'error',
          category: 'VALIDATION_ERROR',
          message: `${OBJECT_TYPES[from].singular} ${i.from.id} or ${OBJECT_TYPES[to].singular} ${i.to.id} does not exist`,
          context: { fromId: [i.from.id], toId: [i.to.id] },
          errors: [],
          links: {},
        });
        continue;
      }
      const types = store.resolveSpecs(from, to, i.types);
      store.replace(from, i.from.id, to, i.to.id, types);
      results.push({
        fromObjectTypeId: OBJECT_TYPES[from].typeId,
        fromObjectId: Number(i.from.id),
        toObjectTypeId: OBJECT_TYPES[to].typeId,
        toObjectId: Number(i.to.id),
        labels: types.map((t) => t.label).filter((l) => l !== null),
      });
    }
    const base = { status: 'COMPLETE', results, ...timing(c) };
    return errors.length > 0 ? c.json({ ...base, numErrors: errors.length, errors }, 207) : c.json(base, 201);
  });

  app.post('/crm/v4/associations/:fromObjectType/:toObjectType/batch/read', async (c) => {
    const { svc, store, from, to } = ctx(c, false);
    allowQuery(c, []);
    const body = parseBody(batchReadSchema, await readJson(c));
    if (body.inputs.length > BATCH_READ_LIMIT) throw validationError(`Batch input size exceeds the maximum of ${BATCH_READ_LIMIT}`);
    const results: unknown[] = [];
    const errors: unknown[] = [];
    for (const i of body.inputs) {
      if (!svc.find(from, i.id)) {
        errors.push({
          status: 'error',
          category: 'OBJECT_NOT_FOUND',
          message: `No ${OBJECT_TYPES[from].singular} with id ${i.id} exists`,
          context: { fromId: [i.id] },
          errors: [],
          links: {},
        });
        continue;
      }
      const edges = store.from(from, i.id, to);
      if (edges.length === 0) {
        // HubSpot reports ids without associations as errors in a 207 (subCategory NO_ASSOCIATIONS_FOUND).
        errors.push({
          status: 'error',
          category: 'OBJECT_NOT_FOUND',
          subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND',
          message: `No ${OBJECT_TYPES[to].singular} is associated with ${OBJECT_TYPES[from].singular} ${i.id}.`,
          context: { fromObjectId: [i.id] },
          errors: [],
          links: {},
        });
        continue;
      }
      results.push({ from: { id: i.id }, to: edges.map((e) => ({ toObjectId: Number(e.toId), associationTypes: typesOf(e) })) });
    }
    const base = { status: 'COMPLETE', results, ...timing(c) };
    return errors.length > 0 ? c.json({ ...base, numErrors: errors.length, errors }, 207) : c.json(base, 200);
  });

  app.post('/crm/v4/associations/:fromObjectType/:toObjectType/batch/archive', async (c) => {
    const { store, from, to } = ctx(c, true);
    allowQuery(c, []);
    const body = parseBody(batchArchiveSchema, await readJson(c));
    for (const i of body.inputs) for (const t of i.to) store.removeAll(from, i.from.id, to, t.id);
    return c.body(null, 204);
  });

  app.post('/crm/v4/associations/:fromObjectType/:toObjectType/batch/labels/archive', async (c) => {
    const { store, from, to } = ctx(c, true);
    allowQuery(c, []);
    const body = parseBody(batchCreateSchema, await readJson(c));
    for (const i of body.inputs) store.removeTypes(from, i.from.id, to, i.to.id, store.resolveSpecs(from, to, i.types));
    return c.body(null, 204);
  });

  app.get('/crm/v4/associations/:fromObjectType/:toObjectType/labels', (c) => {
    const { from, to } = ctx(c, false);
    allowQuery(c, []);
    return c.json({ results: associationTypesBetween(from, to).map((t) => ({ category: 'HUBSPOT_DEFINED', typeId: t.typeId, label: t.label })) });
  });

  return app;
}
