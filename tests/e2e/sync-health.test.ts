import type { SyncHealth } from '../../functions/http/api/contract';
import type { Connection } from '../../functions/store/connections';
import { ensureAppProperties } from '../../functions/sync/app-properties';
import { QUEUES } from '../../functions/sync/runner';
import { startHarness, type Harness } from '../helpers/harness';

/**
 * The settings page's sync health, as an admin uses it: what failed and why (by name, with links), fix the cause,
 * retry one record or all of them, and what sits in dead letters.
 */
describe('sync health', () => {
  let h: Harness;
  let connection: Connection;
  let rep: number;
  let widgetId: string;

  const health = async () => (await (await h.appFetch('/api/sync-health')).json()) as SyncHealth;

  beforeAll(async () => {
    h = await startHarness();
    const seeded = h.hubspot.emulator.seed({
      users: [{ email: 'sam.seller@example.com', role: 'Sales rep' }],
      products: [
        { name: 'Widget', hs_sku: 'W-1', price: '10' },
        { name: 'Gadget', hs_sku: 'G-1', price: '20' },
      ],
    });
    rep = Number(seeded.users[0]);
    widgetId = seeded.products[0]!;
    connection = await h.connect();
    await ensureAppProperties(h.runtime.clients.hubspot(connection));
    // New QBO items need an income account; none is chosen yet, so both products fail to reach QuickBooks.
    await h.runtime.sync.setEnabled(connection.id, 'products', true);
    await h.drain();
  });
  afterAll(() => h.stop());

  test('failures are listed by record name, with a link to the record and the reason in plain words', async () => {
    const body = await health();
    expect(body.syncs.find((s) => s.object === 'products')).toMatchObject({
      enabled: true,
      lastRun: { kind: 'first_sync', finishedAt: h.clock.now().toISOString(), counts: { failed: 2 } },
    });
    expect(body.syncs.find((s) => s.object === 'contacts')).toMatchObject({ enabled: false, lastRun: null });
    expect(body.failures.map((f) => f.record.name).sort()).toEqual(['Gadget', 'Widget']);
    const widget = body.failures.find((f) => f.record.name === 'Widget')!;
    expect(widget).toMatchObject({
      object: 'products',
      direction: 'to_qbo',
      message: 'Choose the QuickBooks income account for new products in the Products sync settings.',
      record: {
        hubspotId: widgetId,
        hubspotUrl: `https://app.hubspot.com/contacts/${h.hubspot.info.portalId}/record/0-7/${widgetId}`,
        qboId: null,
        qboUrl: null,
      },
    });
    expect(body.deadLetters).toEqual([]);
    // Anyone may look; only an admin may retry.
    expect((await h.appFetch('/api/sync-health', { userId: rep })).status).toBe(200);
    expect((await h.appFetch(`/api/sync-log/${widget.id}/retry`, { method: 'POST', userId: rep })).status).toBe(403);
  });

  test('after the cause is fixed, retrying one record syncs that record only', async () => {
    const current = (await h.runtime.sync.settings(connection.id, 'products')).settings;
    const { firstSyncCompletedAt: _, ...editable } = current;
    expect((await h.appFetch('/api/settings/products', { method: 'PUT', body: { ...editable, incomeAccountId: '1' } })).status).toBe(200);
    const widget = (await health()).failures.find((f) => f.record.name === 'Widget')!;
    const res = await h.appFetch(`/api/sync-log/${widget.id}/retry`, { method: 'POST' });
    expect(await res.json()).toEqual({ recordsQueued: 1, jobsRetried: 0 });
    await h.drain();
    const items = [...h.qbo.emulator.state.entities.get('Item')!.values()].map((i) => i['Name']);
    expect(items).toContain('Widget');
    expect(items).not.toContain('Gadget');
    expect((await health()).failures.map((f) => f.record.name)).toEqual(['Gadget']);
    expect((await h.appFetch('/api/sync-log/999999/retry', { method: 'POST' })).status).toBe(404);
  });

  test('retry all queues every record whose last attempt failed', async () => {
    const res = await h.appFetch('/api/sync-log/retry', { method: 'POST' });
    expect(await res.json()).toEqual({ recordsQueued: 1, jobsRetried: 0 });
    await h.drain();
    expect((await health()).failures).toEqual([]);
    expect([...h.qbo.emulator.state.entities.get('Item')!.values()].map((i) => i['Name'])).toContain('Gadget');
  });

  test('jobs that failed every retry are shown as dead letters, and retry all runs them again', async () => {
    // QuickBooks down long enough for the sync's jobs to exhaust their retries. The change itself waits in the inbox.
    h.qbo.emulator.injectFault({ kind: '503', count: 10_000 });
    h.hubspot.emulator.editAsUser('products', widgetId, { price: '12' });
    const dead = async () => (await h.jobs.deadLetters(QUEUES.changes)).length + (await h.jobs.deadLetters(QUEUES.reconcile)).length;
    for (let i = 0; i < 40 && (await dead()) === 0; i++) {
      await h.hubspot.emulator.flushWebhooks();
      await h.advance(120_000);
      await h.jobs.whenHandlersIdle();
    }
    h.qbo.emulator.clearFaults();
    // QuickBooks answers again: whatever was still waiting for a retry runs now; the dead letters stay dead.
    for (let i = 0; i < 10 && (await h.jobs.pending()) > 0; i++) {
      await h.advance(600_000);
      await h.jobs.whenHandlersIdle();
    }
    const body = await health();
    // The change's run and the scheduled reconciliations that ran into the same outage.
    expect(body.deadLetters.length).toBeGreaterThan(0);
    expect(body.deadLetters.every((d) => d.object === 'products' && ['changes', 'reconcile'].includes(d.work))).toBe(true);
    const kinds = body.deadLetters.length;

    // Each goes back as one job: a sync has one run of each kind queued at a time.
    const res = await h.appFetch('/api/sync-log/retry', { method: 'POST' });
    expect(await res.json()).toEqual({ recordsQueued: 0, jobsRetried: kinds });
    await h.drain();
    expect((await health()).deadLetters).toEqual([]);
    expect([...h.qbo.emulator.state.entities.get('Item')!.values()].find((i) => i['Name'] === 'Widget')).toMatchObject({ UnitPrice: 12 });
  });
});
