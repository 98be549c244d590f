import type { DealInvoices, SettingsOverview } from '../../functions/http/api/contract';
import type { Connection } from '../../functions/store/connections';
import { startHarness, type Harness } from '../helpers/harness';
import { PORTAL_B, TwoPortals } from '../helpers/two-portals';
import { INBOUND, sampleBody, samplePath, servedRoutes, stateOf } from './support';

/**
 * Two HubSpot accounts installed the app. Portal A's people may never read or change portal B's data: not by naming
 * portal B in a request they sign through HubSpot (the signature proves HubSpot relayed it, not that they belong to
 * B: HubSpot's users API, asked with B's own token, decides), and not by naming B's record ids from within A.
 */
describe('cross-portal reads and writes; rights within a portal', () => {
  const two = new TwoPortals();
  let h: Harness;
  let a: Connection;
  let b: Connection;
  let adminA: number;
  let repA: number;
  const DEAL_B = '91000000001';
  let failureB: number;

  beforeAll(async () => {
    h = await startHarness({ hubspotApiUrl: two.frontDoor });
    adminA = h.hubspot.emulator.config.userId;
    repA = Number(h.hubspot.emulator.seed({ users: [{ email: 'sam.seller@example.com', role: 'Sales rep' }] }).users[0]);
    a = await h.connect();
    const token = two.b.issueToken();
    b = await h.runtime.store.connections.saveHubspotInstall(PORTAL_B.portalId, {
      accessToken: token.accessToken,
      refreshToken: token.refreshToken,
      expiresAt: new Date(h.clock.now().getTime() + token.expiresIn * 1000),
    });
    const settingsB = {
      mappings: [{ hubspotProperty: 'email', qboField: 'email', direction: 'two_way', winner: 'qbo' }],
      createInHubspot: true,
      createInQbo: false,
    };
    await h.runtime.store.syncSettings.save(b.id, 'contacts', false, settingsB);
    await h.runtime.store.invoices.saveState(b.id, {
      qboInvoiceId: '4242',
      dealId: DEAL_B,
      qboUpdatedAt: h.clock.now(),
      dueDate: '2026-02-01',
      billedCents: 1_234_500,
      balanceCents: 1_234_500,
      currency: 'USD',
      daysOverdue: 0,
      dealValues: { qbo_invoice_number: 'B-1', qbo_invoice_status: 'open' },
    });
    await h.runtime.store.syncLog.record({
      connectionId: b.id,
      object: 'contacts',
      direction: 'to_qbo',
      hubspotId: '501',
      action: 'create',
      outcome: 'failed',
      errorCode: 'QBO_VALIDATION',
      message: 'Portal B’s failure',
    });
    failureB = (await h.runtime.store.syncLog.recent(b.id))[0]!.id;
  }, 120_000);
  afterAll(async () => {
    await two.close();
    await h.stop();
  });

  test('each portal’s own admin is confirmed by their own portal (the control)', async () => {
    const asA = (await (await h.appFetch('/api/settings')).json()) as SettingsOverview;
    expect(asA.viewer.userId).toBe(adminA);
    const asB = await h.appFetch('/api/settings', { portalId: PORTAL_B.portalId, userId: PORTAL_B.userId });
    expect(asB.status).toBe(200);
    const overviewB = (await asB.json()) as SettingsOverview;
    expect(overviewB.viewer).toEqual({ userId: PORTAL_B.userId, email: PORTAL_B.userEmail, canManage: true });
    expect(overviewB.syncs.find((s) => s.object === 'contacts')?.settings).toMatchObject({ createInQbo: false });
  });

  test('an admin of portal A naming portal B is refused on every API route, and nothing changes; and the other way round', async () => {
    const routes = servedRoutes(h.runtime.app).filter((r) => INBOUND[r.key] === 'hubspot-app');
    for (const [portalId, userId] of [
      [PORTAL_B.portalId, adminA],
      [h.hubspot.info.portalId, PORTAL_B.userId],
    ] as const) {
      for (const route of routes) {
        const before = await stateOf(h);
        const body = sampleBody(route);
        const res = await h.appFetch(samplePath(route.pattern), {
          method: route.method as 'GET',
          portalId,
          userId,
          ...(body !== '' ? { body: JSON.parse(body) as Record<string, unknown> } : {}),
        });
        expect({ route: route.key, status: res.status }).toEqual({ route: route.key, status: 403 });
        expect(await res.json()).toMatchObject({ error: 'not_a_member' });
        expect(await stateOf(h)).toBe(before);
      }
    }
  });

  test('within a portal, a user who is not a super admin changes nothing: every route that changes settings or the connection refuses them', async () => {
    const changing = servedRoutes(h.runtime.app).filter((r) => INBOUND[r.key] === 'hubspot-app' && r.method !== 'GET' && !r.pattern.startsWith('/api/deals/'));
    expect(changing.length).toBeGreaterThan(6);
    for (const route of changing) {
      const before = await stateOf(h);
      const body = sampleBody(route);
      const res = await h.appFetch(samplePath(route.pattern), {
        method: route.method as 'POST',
        userId: repA,
        ...(body !== '' ? { body: JSON.parse(body) as Record<string, unknown> } : {}),
      });
      expect({ route: route.key, status: res.status }).toEqual({ route: route.key, status: 403 });
      expect(await res.json()).toMatchObject({ error: 'admin_only' });
      expect(await stateOf(h)).toBe(before);
    }
    // The control: reading is for everyone in the portal.
    expect((await h.appFetch('/api/settings', { userId: repA })).status).toBe(200);
  });

  test('portal B’s ids named from portal A select nothing of portal B', async () => {
    const card = (await (await h.appFetch(`/api/deals/${DEAL_B}/invoices`)).json()) as DealInvoices;
    expect(card.invoices).toEqual([]);
    expect(card.totals).toEqual([]);
    const asB = (await (await h.appFetch(`/api/deals/${DEAL_B}/invoices`, { portalId: PORTAL_B.portalId, userId: PORTAL_B.userId })).json()) as DealInvoices;
    expect(asB.invoices.map((i) => i.number)).toEqual(['B-1']);

    const log = (await (await h.appFetch('/api/sync-log')).json()) as { entries: { id: number }[] };
    expect(log.entries.map((e) => e.id)).not.toContain(failureB);
    const health = await (await h.appFetch('/api/sync-health')).text();
    expect(health).not.toContain('Portal B');

    const before = await stateOf(h);
    const retry = await h.appFetch(`/api/sync-log/${failureB}/retry`, { method: 'POST' });
    expect(retry.status).toBe(404);
    expect(await stateOf(h)).toBe(before);
  });

  test('portal A’s changes change portal A only', async () => {
    const settingsB = await h.runtime.store.syncSettings.get(b.id, 'contacts');
    const put = await h.appFetch('/api/settings/contacts', {
      method: 'PUT',
      body: { mappings: [{ hubspotProperty: 'email', qboField: 'email', direction: 'to_qbo', winner: 'hubspot' }], createInHubspot: false, createInQbo: true },
    });
    expect(put.status).toBe(200);
    expect(await h.runtime.store.syncSettings.get(a.id, 'contacts')).toMatchObject({ settings: { createInQbo: true } });
    expect(await h.runtime.store.syncSettings.get(b.id, 'contacts')).toEqual(settingsB);
    expect((await h.appFetch('/api/settings/contacts', { method: 'DELETE' })).status).toBe(204);
    expect(await h.runtime.store.syncSettings.get(b.id, 'contacts')).toEqual(settingsB);
  });
});
