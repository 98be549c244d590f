import { Hono } from 'hono';
import { z } from 'zod';
import { validationError } from './errors';
import type { HubSpotEmulator } from './emulator';
import { parseBody, readJson } from './http';
import { toApiObject } from './objects/serialize';
import { requireObjectType } from './objects/types';
import { toPublicUser } from './users';

/**
 * The emulator's control plane, `/__emulator/*`: reset, seed, clock, faults,
 * portal users, "edit as a user", webhook target and logs, workflow actions (register a definition, invoke, retry) and
 * their callbacks, app events, tokens, and signed requests as the app's extensions send them. Not part of HubSpot; no auth.
 */
const userEdit = z.strictObject({ properties: z.record(z.string(), z.string()), userId: z.number().int().optional(), changeSource: z.string().optional() });
const subscription = z.strictObject({
  subscriptionType: z.string(),
  objectType: z.string().optional(),
  propertyName: z.string().optional(),
  active: z.boolean().default(true),
});

export function controlRoutes(emulator: HubSpotEmulator): Hono {
  const app = new Hono();
  const opts = (b: { userId?: number | undefined; changeSource?: string | undefined }) => ({
    ...(b.userId !== undefined ? { userId: b.userId } : {}),
    ...(b.changeSource !== undefined ? { changeSource: b.changeSource } : {}),
  });

  app.post('/reset', (c) => {
    emulator.reset();
    return c.json({ ok: true, ...emulator.info(new URL(c.req.url).origin) });
  });

  app.post('/seed', async (c) => c.json(emulator.seed((await readJson(c)) as Parameters<typeof emulator.seed>[0]), 201));

  app.get('/clock', (c) => c.json({ now: emulator.clock.now().toISOString() }));
  app.post('/clock', async (c) => {
    const body = parseBody(z.strictObject({ advanceMs: z.number().nonnegative() }), await readJson(c));
    emulator.advanceClock(body.advanceMs);
    return c.json({ now: emulator.clock.now().toISOString() });
  });

  app.get('/faults', (c) => c.json({ results: emulator.faults.list() }));
  app.post('/faults', async (c) => {
    const spec = parseBody(
      z.strictObject({
        method: z.string().optional(),
        path: z.string(),
        status: z.number().int().min(400).max(599),
        body: z.record(z.string(), z.unknown()).optional(),
        headers: z.record(z.string(), z.string()).optional(),
        times: z.number().int().positive().optional(),
      }),
      await readJson(c),
    );
    emulator.injectFault({
      path: spec.path,
      status: spec.status,
      ...(spec.method ? { method: spec.method } : {}),
      ...(spec.body ? { body: spec.body } : {}),
      ...(spec.headers ? { headers: spec.headers } : {}),
      ...(spec.times ? { times: spec.times } : {}),
    });
    return c.json({ ok: true }, 201);
  });
  app.delete('/faults', (c) => {
    emulator.faults.clear();
    return c.body(null, 204);
  });

  app.post('/rate-limit', async (c) => {
    const body = parseBody(
      z.strictObject({
        max: z.number().int().positive().optional(),
        intervalMs: z.number().int().positive().optional(),
        searchPerSecond: z.number().int().positive().optional(),
      }),
      await readJson(c),
    );
    emulator.setRateLimit(Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)));
    return c.json(emulator.rateLimiter.options);
  });

  app.get('/users', (c) => c.json({ results: [...emulator.users.users.values()].map(toPublicUser) }));
  app.post('/users', async (c) => {
    const body = parseBody(
      z.strictObject({
        email: z.email(),
        firstName: z.string().optional(),
        lastName: z.string().optional(),
        superAdmin: z.boolean().optional(),
        role: z.string().optional(),
      }),
      await readJson(c),
    );
    const { firstName, lastName, superAdmin, role, email } = body;
    const user = emulator.addUser({
      email,
      ...(firstName !== undefined ? { firstName } : {}),
      ...(lastName !== undefined ? { lastName } : {}),
      ...(superAdmin !== undefined ? { superAdmin } : {}),
      ...(role !== undefined ? { role } : {}),
    });
    return c.json(toPublicUser(user), 201);
  });

  app.post('/tokens', async (c) => {
    const text = await c.req.text();
    const body = text === '' ? {} : parseBody(z.strictObject({ scopes: z.array(z.string()).optional() }), JSON.parse(text));
    return c.json(emulator.issueToken(body.scopes), 201);
  });

  // A request from one of the app's extensions (`hubspot.fetch`), signed as HubSpot signs it: drives a backend's
  // settings API from a shell when no HubSpot page is at hand. The answer is the backend's, as the extension gets it.
  app.post('/app-fetch', async (c) => {
    const body = parseBody(
      z.strictObject({
        url: z.string().url(),
        method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
        body: z.record(z.string(), z.unknown()).optional(),
      }),
      await readJson(c),
    );
    const res = await emulator.signedFetch(body.url, { method: body.method, ...(body.body === undefined ? {} : { body: body.body }) });
    return new Response(await res.text(), { status: res.status, headers: { 'content-type': res.headers.get('content-type') ?? 'text/plain' } });
  });

  app.post('/webhook-target', async (c) => {
    const body = parseBody(z.strictObject({ url: z.string().url(), subscriptions: z.array(subscription).optional() }), await readJson(c));
    emulator.setWebhookTarget({
      url: body.url,
      ...(body.subscriptions
        ? {
            subscriptions: body.subscriptions.map((s) => ({
              subscriptionType: s.subscriptionType,
              active: s.active,
              ...(s.objectType ? { objectType: s.objectType } : {}),
              ...(s.propertyName ? { propertyName: s.propertyName } : {}),
            })),
          }
        : {}),
    });
    return c.json({ url: body.url });
  });
  app.post('/webhooks/flush', async (c) => {
    await emulator.flushWebhooks();
    return c.json({ pendingRetries: emulator.webhooks.pendingRetries() });
  });
  app.post('/webhooks/drop', async (c) => {
    const body = parseBody(z.strictObject({ drop: z.boolean() }), await readJson(c));
    emulator.dropWebhooks(body.drop);
    return c.json(body);
  });
  app.get('/webhooks', (c) => {
    const w = emulator.webhooks;
    return c.json({ target: w.target ?? null, dropMode: w.dropMode, events: w.emitted, attempts: w.attempts, pendingRetries: w.pendingRetries() });
  });

  app.post('/users/objects/:objectType', async (c) => {
    const body = parseBody(userEdit, await readJson(c));
    const emu = emulator;
    const r = emu.createAsUser(c.req.param('objectType'), body.properties, opts(body));
    return c.json(toApiObject(emu.records, r), 201);
  });
  app.patch('/users/objects/:objectType/:objectId', async (c) => {
    const body = parseBody(userEdit, await readJson(c));
    const emu = emulator;
    const r = emu.editAsUser(c.req.param('objectType'), c.req.param('objectId'), body.properties, opts(body));
    return c.json(toApiObject(emu.records, r));
  });
  app.delete('/users/objects/:objectType/:objectId', (c) => {
    emulator.deleteAsUser(c.req.param('objectType'), c.req.param('objectId'));
    return c.body(null, 204);
  });
  app.post('/users/objects/:objectType/merge', async (c) => {
    const body = parseBody(z.strictObject({ primaryObjectId: z.string(), objectIdToMerge: z.string() }), await readJson(c));
    const emu = emulator;
    return c.json(toApiObject(emu.records, emu.mergeAsUser(c.req.param('objectType'), body.primaryObjectId, body.objectIdToMerge)));
  });

  app.get('/records/:objectType/:objectId', (c) => {
    const emu = emulator;
    const type = requireObjectType(c.req.param('objectType')).name;
    const r = emu.state.records[type].get(c.req.param('objectId'));
    if (!r) throw validationError(`No ${type} ${c.req.param('objectId')}`);
    return c.json(r);
  });

  app.get('/callbacks', (c) => c.json({ results: emulator.callbacks }));
  app.post('/workflow-actions/definitions', async (c) => {
    const body = parseBody(z.strictObject({ hsmeta: z.unknown(), variables: z.record(z.string(), z.string()).optional() }), await readJson(c));
    return c.json(emulator.registerWorkflowAction(body.hsmeta, body.variables ?? {}), 201);
  });
  app.post('/workflow-actions/invoke', async (c) => {
    const common = {
      objectId: z.union([z.string(), z.number()]),
      inputFields: z.record(z.string(), z.string()).optional(),
      workflowId: z.number().int().optional(),
      signatures: z.enum(['v2', 'v2+v3']).optional(),
      loseResponse: z.boolean().optional(),
    };
    const body = parseBody(
      z.union([
        z.strictObject({ ...common, definition: z.string(), objectType: z.string().optional() }),
        z.strictObject({ ...common, actionUrl: z.string().url(), objectType: z.string(), properties: z.array(z.string()).optional() }),
      ]),
      await readJson(c),
    );
    // exactOptionalPropertyTypes: drop the keys zod left undefined.
    const input = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) as unknown as Parameters<typeof emulator.invokeWorkflowAction>[0];
    return c.json(await emulator.invokeWorkflowAction(input));
  });
  app.post('/workflow-actions/retry', async (c) => {
    const body = parseBody(z.strictObject({ callbackId: z.string(), loseResponse: z.boolean().optional() }), await readJson(c));
    return c.json(await emulator.retryWorkflowAction(body.callbackId, body.loseResponse === undefined ? {} : { loseResponse: body.loseResponse }));
  });

  app.post('/app-event-types', async (c) =>
    c.json(emulator.registerAppEventType((await readJson(c)) as Parameters<typeof emulator.registerAppEventType>[0]), 201),
  );
  app.get('/app-events/:objectType/:objectId', (c) => c.json({ results: emulator.timelineEvents(c.req.param('objectType'), c.req.param('objectId')) }));

  return app;
}
