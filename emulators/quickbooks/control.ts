/**
 * The control plane under `/__emulator/`: reset, seed, clock,
 * fault injection, state dump, metering, limits, webhook target/flush/drop, and token issuance. Local-only, no auth.
 */
import type { Hono } from 'hono';
import { z } from 'zod';
import { faultSpec } from './faults';
import type { QuickBooksEmulator, SeedSpec } from './emulator';

const seedSpec = z
  .object({
    kind: z.enum(['us', 'non-us']).optional(),
    multicurrency: z.boolean().optional(),
    company: z
      .object({ realmId: z.string().regex(/^\d+$/), name: z.string().min(1).optional() })
      .strict()
      .optional(),
    entities: z.record(z.string(), z.array(z.record(z.string(), z.unknown()))).optional(),
    preferences: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

const limitsPatch = z
  .object({
    perMinute: z.number().int().positive(),
    maxInFlight: z.number().int().positive(),
    batchPerMinute: z.number().int().positive(),
    batchCost: z.enum(['request', 'operation']),
  })
  .partial()
  .strict();

const target = z.object({ url: z.url(), format: z.enum(['cloudevents', 'legacy']).default('cloudevents') }).strict();

export function controlRoutes(app: Hono, emulator: QuickBooksEmulator): void {
  const bad = (message: string) => ({ error: 'bad_request', message });

  app.post('/__emulator/reset', (c) => {
    emulator.reset();
    return c.json({ ok: true });
  });

  app.post('/__emulator/seed', async (c) => {
    const parsed = seedSpec.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json(bad(parsed.error.message), 400);
    try {
      const created = emulator.seed(parsed.data as SeedSpec);
      return c.json({ ok: true, created });
    } catch (e) {
      return c.json(bad(e instanceof Error ? e.message : String(e)), 400);
    }
  });

  app.post('/__emulator/clock/advance', async (c) => {
    const parsed = z.object({ ms: z.number().int().min(0) }).safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json(bad(parsed.error.message), 400);
    try {
      emulator.advanceClock(parsed.data.ms);
    } catch (e) {
      return c.json(bad(e instanceof Error ? e.message : String(e)), 400);
    }
    return c.json({ now: emulator.now().toISOString() });
  });

  app.get('/__emulator/clock', (c) => c.json({ now: emulator.now().toISOString() }));

  app.post('/__emulator/faults', async (c) => {
    const parsed = faultSpec.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json(bad(parsed.error.message), 400);
    emulator.injectFault(parsed.data);
    return c.json({ ok: true });
  });

  app.delete('/__emulator/faults', (c) => {
    emulator.clearFaults();
    return c.json({ ok: true });
  });

  app.post('/__emulator/faults/release', (c) => c.json({ released: emulator.releaseHeldResponses() }));

  app.get('/__emulator/state', (c) => c.json(emulator.dump()));

  // Calls per company as Intuit meters them (metering.ts): `?realmId=` for another company than the current one.
  app.get('/__emulator/metering', (c) => {
    const realmId = c.req.query('realmId') ?? emulator.info().realmId;
    return c.json({ realmId, ...emulator.metering(realmId) });
  });

  app.get('/__emulator/limits', (c) => c.json(emulator.limits));

  app.post('/__emulator/limits', async (c) => {
    const parsed = limitsPatch.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json(bad(parsed.error.message), 400);
    Object.assign(emulator.limits, parsed.data);
    return c.json(emulator.limits);
  });

  app.post('/__emulator/webhook-target', async (c) => {
    const parsed = target.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json(bad(parsed.error.message), 400);
    emulator.setWebhookTarget(parsed.data);
    return c.json({ ok: true });
  });

  app.post('/__emulator/webhooks/flush', async (c) => {
    await emulator.flushWebhooks();
    return c.json({ ok: true });
  });

  app.post('/__emulator/webhooks/drop', async (c) => {
    const parsed = z.object({ on: z.boolean() }).safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json(bad(parsed.error.message), 400);
    emulator.dropWebhooks(parsed.data.on);
    return c.json({ ok: true });
  });

  app.post('/__emulator/tokens', (c) => c.json(emulator.issueTokens()));
}
