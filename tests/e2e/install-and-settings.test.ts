import type { SettingsOverview, SyncSummary } from '../../functions/http/api/contract';
import { PUBLIC_URL, startHarness, type Harness } from '../helpers/harness';
import { ConsentBrowser } from '../helpers/oauth-browser';

/**
 * An admin's path: install the app from HubSpot, connect QuickBooks, then run the syncs from the settings page
 * (requests signed as `hubspot.fetch` sends them). Every redirect is followed through the real emulators, in one
 * browser that keeps its cookies.
 */
describe('install, connect and settings', () => {
  let h: Harness;
  let browser: ConsentBrowser;

  beforeAll(async () => {
    h = await startHarness();
    browser = new ConsentBrowser(h);
    h.hubspot.emulator.seed({ contacts: [{ email: 'ada@lovelace.dev', firstname: 'Ada', lastname: 'Lovelace' }] });
    h.qbo.emulator.seed({
      entities: { Customer: [{ DisplayName: 'Ada Lovelace', PrimaryEmailAddr: { Address: 'ada@lovelace.dev' } }, { DisplayName: 'Alan Turing' }] },
    });
  });
  afterAll(() => h.stop());

  const json = async <T>(res: Response | Promise<Response>) => (await res).json() as Promise<T>;

  test('install from HubSpot, consent in QuickBooks: one active connection with both sets of tokens and the company name', async () => {
    const done = await browser.open(`${PUBLIC_URL}/oauth/hubspot/install`);
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Emulated Company US is connected');
    const [toHubspot, hubspotCallback, toQbo, qboCallback] = browser.visited;
    expect(toHubspot!.startsWith(`${h.hubspot.info.url}/oauth/authorize?`)).toBe(true);
    expect(new URL(toQbo!).origin).toBe(new URL(h.qbo.info.authorizeEndpoint).origin);

    const connection = await h.runtime.store.connections.byPortal(h.hubspot.info.portalId);
    expect(connection).toMatchObject({ status: 'active', qboRealmId: h.qbo.info.realmId, qboCompanyName: 'Emulated Company US' });
    expect(connection?.hubspotTokens?.accessToken).toBeTruthy();
    const raw = JSON.stringify(await h.db.query('SELECT * FROM connections'));
    expect(raw).not.toContain(connection!.hubspotTokens!.accessToken);
    expect(raw).not.toContain(connection!.qboTokens!.refreshToken);

    // The app's own properties exist in HubSpot after install.
    expect(h.hubspot.emulator.state.properties.contacts.has('qbo_customer_id')).toBe(true);

    // A callback can be used once: a replayed or forged state is refused.
    expect((await browser.open(hubspotCallback!)).status).toBe(400);
    expect((await browser.open(qboCallback!)).status).toBe(400);
    expect((await browser.open(`${PUBLIC_URL}/oauth/quickbooks/callback?code=x&state=forged&realmId=1`)).status).toBe(400);
  });

  test('a reinstall refreshes the HubSpot tokens and leaves the QuickBooks connection to the settings page', async () => {
    const again = new ConsentBrowser(h);
    const done = await again.open(`${PUBLIC_URL}/oauth/hubspot/install`);
    expect(await done.text()).toContain('Manage the QuickBooks connection from the app’s settings page');
    expect(again.visited.some((url) => url.startsWith(h.qbo.info.authorizeEndpoint))).toBe(false);
  });

  test('the settings page shows the viewer, the connection and the three syncs', async () => {
    expect((await h.runtime.app.request(`${PUBLIC_URL}/api/settings?portalId=${h.hubspot.info.portalId}&userId=1`)).status).toBe(401);
    const body = await json<SettingsOverview>(h.appFetch('/api/settings'));
    expect(body.viewer).toEqual({ userId: h.hubspot.emulator.config.userId, email: h.hubspot.emulator.config.userEmail, canManage: true });
    expect(body.connection).toEqual({
      state: 'connected',
      companyName: 'Emulated Company US',
      realmId: h.qbo.info.realmId,
      reason: null,
      clearingPreviousCompany: false,
      pendingCompanyChange: null,
    });
    expect(body.syncs.map((s) => [s.object, s.label, s.direction, s.enabled, s.firstSyncCompletedAt])).toEqual([
      ['contacts', 'Contacts ⇄ Customers', 'two_way', false, null],
      ['products', 'Products ⇄ Products and Services', 'two_way', false, null],
      ['invoices', 'Invoices QuickBooks → HubSpot', 'to_hubspot', false, null],
    ]);
  });

  test('settings are validated, previewed, enabled, and a sync can be deleted without touching records', async () => {
    const bad = await h.appFetch('/api/settings/contacts', {
      method: 'PUT',
      body: {
        mappings: [{ hubspotProperty: 'email', qboField: 'shoeSize', direction: 'two_way', winner: 'hubspot' }],
        createInHubspot: true,
        createInQbo: true,
      },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { problems: string[] }).problems.join(' ')).toMatch(/shoeSize is not a QuickBooks field/);

    const current = await json<SettingsOverview>(h.appFetch('/api/settings'));
    const contacts = current.syncs.find((s) => s.object === 'contacts')!.settings;
    const saved = await h.appFetch('/api/settings/contacts', { method: 'PUT', body: { ...contacts, createInHubspot: false } });
    expect(saved.status).toBe(200);
    expect(((await saved.json()) as SyncSummary).settings).toMatchObject({ createInHubspot: false });

    const preview = await json<{ counts: Record<string, number> }>(h.appFetch('/api/settings/contacts/preview'));
    expect(preview.counts).toMatchObject({ matched: 1, createInHubspot: 0, createInQbo: 0 });

    const enabled = await h.appFetch('/api/settings/contacts/enable', { method: 'POST' });
    expect(enabled.status).toBe(200);
    expect(await enabled.json()).toMatchObject({ object: 'contacts', enabled: true });
    await h.drain();
    const connection = (await h.runtime.store.connections.byPortal(h.hubspot.info.portalId))!;
    expect(await h.runtime.store.links.count(connection.id, 'contacts')).toBe(1);
    expect(h.hubspot.emulator.state.records.contacts.size).toBe(1);
    const metrics = await (await h.runtime.app.request(`${PUBLIC_URL}/metrics`)).text();
    expect(metrics).toContain('sync_records_total{flow="contacts",result="linked"} 1');
    const after = await json<SettingsOverview>(h.appFetch('/api/settings'));
    expect(after.syncs.find((s) => s.object === 'contacts')).toMatchObject({ enabled: true, linkedRecords: 1, firstSyncCompletedAt: expect.any(String) });

    expect((await h.appFetch('/api/settings/contacts', { method: 'DELETE' })).status).toBe(204);
    expect(await h.runtime.store.links.count(connection.id, 'contacts')).toBe(0);
    expect(h.hubspot.emulator.state.records.contacts.size).toBe(1);
    expect(h.qbo.emulator.state.entities.get('Customer')?.size).toBe(2);
    expect((await h.appFetch('/api/settings/invoicez/enable', { method: 'POST' })).status).toBe(404);
  });

  test('the field lists come from the portal and the company: HubSpot properties with their types, QuickBooks accounts and items', async () => {
    const contacts = await json<{
      hubspotProperties: { name: string; type: string; readOnly: boolean }[];
      qboFields: { key: string; hubspotTypes: string[] }[];
    }>(h.appFetch('/api/settings/contacts/fields'));
    expect(contacts.hubspotProperties).toContainEqual({ name: 'firstname', label: 'First Name', type: 'string', readOnly: false });
    expect(contacts.hubspotProperties.find((p) => p.name === 'createdate')).toMatchObject({ readOnly: true });
    expect(contacts.qboFields).toContainEqual(expect.objectContaining({ key: 'email', hubspotTypes: ['string', 'phone_number'] }));
    const products = await json<{ incomeAccounts: { name: string }[] }>(h.appFetch('/api/settings/products/fields'));
    expect(products.incomeAccounts.map((a) => a.name)).toEqual(['Services', 'Sales of Product Income']);
    const invoices = await json<{ items: { id: string; name: string }[] }>(h.appFetch('/api/settings/invoices/fields'));
    expect(invoices.items).toEqual([{ id: '1', name: 'Services' }]);
    const saved = await h.appFetch('/api/settings/invoices', {
      method: 'PUT',
      body: { dealFieldName: 'HubSpot Deal', onDelete: 'archive', defaultItemId: '1' },
    });
    expect(((await saved.json()) as SyncSummary).settings).toMatchObject({ defaultItemId: '1' });
  });
});
