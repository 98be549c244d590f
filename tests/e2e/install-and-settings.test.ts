import { PUBLIC_URL, startHarness, type Harness } from '../helpers/harness';

/**
 * An admin's path: install the app from HubSpot, connect QuickBooks, then run the syncs from the settings page
 * (requests signed as `hubspot.fetch` sends them). Every redirect is followed through the real emulators.
 */
describe('install, connect and settings', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
    h.hubspot.emulator.seed({ contacts: [{ email: 'ada@lovelace.dev', firstname: 'Ada', lastname: 'Lovelace' }] });
    h.qbo.emulator.seed({ entities: { Customer: [{ DisplayName: 'Ada Lovelace', PrimaryEmailAddr: { Address: 'ada@lovelace.dev' } }, { DisplayName: 'Alan Turing' }] } });
  });
  afterAll(() => h.stop());

  const backend = (url: string, init?: RequestInit) => h.runtime.app.request(url, init);
  const location = (res: Response) => {
    const to = res.headers.get('location');
    if (!to) throw new Error(`expected a redirect, got ${res.status}`);
    return to;
  };
  /** The provider's consent screen: the emulator approves and redirects back to us. */
  const consent = async (url: string) => location(await fetch(url, { redirect: 'manual' }));
  const settingsApi = (path: string, opts: Parameters<Harness['hubspot']['emulator']['signedFetch']>[1] = {}) =>
    h.hubspot.emulator.signedFetch(`${PUBLIC_URL}${path}`, opts);

  test('install from HubSpot, consent in QuickBooks: one active connection with both sets of tokens', async () => {
    const toHubspot = location(await backend(`${PUBLIC_URL}/oauth/hubspot/install`));
    expect(toHubspot.startsWith(`${h.hubspot.info.url}/oauth/authorize?`)).toBe(true);
    const hubspotCallback = await consent(toHubspot);
    const toQbo = location(await backend(hubspotCallback));
    expect(new URL(toQbo).origin).toBe(new URL(h.qbo.info.authorizeEndpoint).origin);
    const qboCallback = await consent(toQbo);
    const done = await backend(qboCallback);
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('QuickBooks is connected');

    const connection = await h.runtime.store.connections.byPortal(h.hubspot.info.portalId);
    expect(connection).toMatchObject({ status: 'active', qboRealmId: h.qbo.info.realmId });
    expect(connection?.hubspotTokens?.accessToken).toBeTruthy();
    const raw = JSON.stringify(await h.db.query('SELECT * FROM connections'));
    expect(raw).not.toContain(connection!.hubspotTokens!.accessToken);
    expect(raw).not.toContain(connection!.qboTokens!.refreshToken);

    // The app's own properties exist in HubSpot after install.
    expect(h.hubspot.emulator.state.properties.contacts.has('qbo_customer_id')).toBe(true);

    // A callback can be used once: a replayed or forged state is refused.
    expect((await backend(hubspotCallback)).status).toBe(400);
    expect((await backend(qboCallback)).status).toBe(400);
    expect((await backend(`${PUBLIC_URL}/oauth/quickbooks/callback?code=x&state=forged&realmId=1`)).status).toBe(400);
  });

  test('the settings page only answers requests HubSpot signed', async () => {
    expect((await backend(`${PUBLIC_URL}/api/settings?portalId=${h.hubspot.info.portalId}`)).status).toBe(401);
    const res = await settingsApi('/api/settings');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { connection: { status: string; quickbooksConnected: boolean }; syncs: { object: string; enabled: boolean }[] };
    expect(body.connection).toMatchObject({ status: 'active', quickbooksConnected: true });
    expect(body.syncs.map((s) => [s.object, s.enabled])).toEqual([
      ['contacts', false],
      ['products', false],
      ['invoices', false],
    ]);
  });

  test('settings are validated, previewed, enabled, and a sync can be deleted without touching records', async () => {
    const bad = await settingsApi('/api/settings/contacts', {
      method: 'PUT',
      body: { mappings: [{ hubspotProperty: 'email', qboField: 'shoeSize', direction: 'two_way', winner: 'hubspot' }], createInHubspot: true, createInQbo: true },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { problems: string[] }).problems.join(' ')).toMatch(/shoeSize is not a QuickBooks field/);

    const current = (await (await settingsApi('/api/settings')).json()) as { syncs: { object: string; settings: Record<string, unknown> }[] };
    const contacts = current.syncs.find((s) => s.object === 'contacts')!.settings;
    const saved = await settingsApi('/api/settings/contacts', { method: 'PUT', body: { ...contacts, createInHubspot: false } });
    expect(saved.status).toBe(200);

    const preview = (await (await settingsApi('/api/settings/contacts/preview')).json()) as { counts: Record<string, number> };
    expect(preview.counts).toMatchObject({ linked: 1, createdInHubspot: 0, createdInQbo: 0 });

    expect((await settingsApi('/api/settings/contacts/enable', { method: 'POST' })).status).toBe(200);
    await h.drain();
    const connection = (await h.runtime.store.connections.byPortal(h.hubspot.info.portalId))!;
    expect(await h.runtime.store.links.count(connection.id, 'contacts')).toBe(1);
    expect(h.hubspot.emulator.state.records.contacts.size).toBe(1);
    const metrics = await (await backend(`${PUBLIC_URL}/metrics`)).text();
    expect(metrics).toContain('sync_records_total{flow="contacts",result="linked"} 1');

    expect((await settingsApi('/api/settings/contacts', { method: 'DELETE' })).status).toBe(204);
    expect(await h.runtime.store.links.count(connection.id, 'contacts')).toBe(0);
    expect(h.hubspot.emulator.state.records.contacts.size).toBe(1);
    expect((await settingsApi('/api/settings/invoicez/enable', { method: 'POST' })).status).toBe(404);
  });

  test('the sync log says what failed and why, and failed records can be retried', async () => {
    const connection = (await h.runtime.store.connections.byPortal(h.hubspot.info.portalId))!;
    await h.runtime.store.syncLog.record({
      connectionId: connection.id,
      object: 'contacts',
      direction: 'to_qbo',
      hubspotId: [...h.hubspot.emulator.state.records.contacts.keys()][0]!,
      action: 'update',
      outcome: 'failed',
      errorCode: 'qbo_validation',
      message: 'QuickBooks rejected the record.',
    });
    const log = (await (await settingsApi('/api/sync-log?outcome=failed')).json()) as { entries: { errorCode: string; message: string }[] };
    expect(log.entries[0]).toMatchObject({ errorCode: 'qbo_validation', message: 'QuickBooks rejected the record.' });
    const retried = (await (await settingsApi('/api/sync-log/retry', { method: 'POST' })).json()) as { recordsQueued: number };
    expect(retried.recordsQueued).toBe(1);
    expect(await h.jobs.pending()).toBe(1);
    await h.drain();
  });
});
