import type { ConnectionView, SettingsOverview } from '../../functions/http/api/contract';
import type { Connection } from '../../functions/store/connections';
import { ensureAppProperties } from '../../functions/sync/app-properties';
import { ConsentBrowser } from '../helpers/oauth-browser';
import { startHarness, type Harness } from '../helpers/harness';

/**
 * The QuickBooks side of a connection, driven as an admin drives it from the settings page: connect (a consent bound
 * to the admin and their browser), reconnect to the same company, reconnect to another company (nothing applied until
 * the admin chooses: start fresh or cancel) and disconnect.
 */
describe('QuickBooks connection from the settings page', () => {
  let h: Harness;
  let connection: Connection;
  let rep: number;
  const NEW_REALM = '9130354987650001';

  beforeAll(async () => {
    h = await startHarness();
    const seeded = h.hubspot.emulator.seed({
      users: [{ email: 'rep@example.com', role: 'Sales rep' }],
      contacts: [
        { email: 'ada@lovelace.dev', firstname: 'Ada', lastname: 'Lovelace' },
        { email: 'grace@hopper.dev', firstname: 'Grace', lastname: 'Hopper' },
      ],
    });
    rep = Number(seeded.users[0]);
    h.qbo.emulator.seed({ entities: { Customer: [{ DisplayName: 'Ada Lovelace', PrimaryEmailAddr: { Address: 'ada@lovelace.dev' } }] } });
    connection = await h.connect();
    await ensureAppProperties(h.runtime.clients.hubspot(connection));
    await h.runtime.sync.saveSettings(connection.id, 'contacts', {
      ...(await h.runtime.sync.settings(connection.id, 'contacts')).settings,
      createInQbo: false,
    });
    await h.runtime.sync.setEnabled(connection.id, 'contacts', true);
    await h.drain();
    expect(await h.runtime.store.links.count(connection.id, 'contacts')).toBe(1);
  });
  afterAll(() => h.stop());

  const overview = async () => (await (await h.appFetch('/api/settings')).json()) as SettingsOverview;
  const adaId = () => [...h.hubspot.emulator.state.records.contacts.values()].find((r) => r.properties.email === 'ada@lovelace.dev')!.id;
  /** The admin clicks Connect (or Reconnect) and follows the link in their browser through QuickBooks' consent. */
  const consent = async (browser = new ConsentBrowser(h)) => {
    const res = await h.appFetch('/api/quickbooks/connect', { method: 'POST' });
    expect(res.status).toBe(200);
    const { url } = (await res.json()) as { url: string };
    return { url, page: await (await browser.open(url)).text(), browser };
  };

  test('only an admin may start a consent, and the link opens once', async () => {
    expect((await h.appFetch('/api/quickbooks/connect', { method: 'POST', userId: rep })).status).toBe(403);

    const { url } = (await (await h.appFetch('/api/quickbooks/connect', { method: 'POST' })).json()) as { url: string };
    expect(url).toMatch(/^https:\/\/qbo-app\.test\/oauth\/quickbooks\/start\?state=/);
    const browser = new ConsentBrowser(h);
    const first = await browser.open(url, 0);
    expect(first.status).toBe(302);
    expect(first.headers.get('location')!.startsWith(h.qbo.info.authorizeEndpoint)).toBe(true);
    expect(first.headers.get('set-cookie')).toMatch(/qbo_consent=.+; Max-Age=900; Path=\/oauth\/quickbooks; HttpOnly; Secure; SameSite=Lax/);
    expect((await new ConsentBrowser(h).open(url)).status).toBe(400);
  });

  test('a consent finished in another browser than the one that opened it connects nothing', async () => {
    const admin = new ConsentBrowser(h);
    const { url } = (await (await h.appFetch('/api/quickbooks/connect', { method: 'POST' })).json()) as { url: string };
    const toIntuit = (await admin.open(url, 0)).headers.get('location')!;
    const elsewhere = new ConsentBrowser(h);
    const before = await h.runtime.store.connections.get(connection.id);
    const res = await elsewhere.open(toIntuit);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('started in another browser');
    expect(await h.runtime.store.connections.get(connection.id)).toEqual(before);
  });

  test('reconnecting to the same company renews the grant and keeps every link', async () => {
    await h.runtime.store.connections.setStatus(
      connection.id,
      'reauth_required',
      'QuickBooks refused the saved authorization: reconnect QuickBooks on the app’s settings page.',
    );
    expect((await overview()).connection).toMatchObject({ state: 'needs_reconnect', reason: expect.stringContaining('reconnect') });
    const before = (await h.runtime.store.connections.get(connection.id))!.qboTokens!.accessToken;
    const { page } = await consent();
    expect(page).toContain('Emulated Company US is connected');
    const after = (await h.runtime.store.connections.get(connection.id))!;
    expect(after).toMatchObject({ status: 'active', qboRealmId: h.qbo.info.realmId });
    expect(after.qboTokens!.accessToken).not.toBe(before);
    expect(await h.runtime.store.links.count(connection.id, 'contacts')).toBe(1);
    expect((await overview()).connection).toMatchObject({ state: 'connected', companyName: 'Emulated Company US', pendingCompanyChange: null });
  });

  describe('reconnecting to another company', () => {
    let oldAdaCustomerId: string;

    beforeAll(async () => {
      oldAdaCustomerId = (await h.runtime.store.links.byHubspotId(connection.id, 'contacts', adaId()))!.qboId;
      // The admin's Intuit login now picks another company, whose first customer has the same id as Ada's old one.
      const created = h.qbo.emulator.seed({
        company: { realmId: NEW_REALM, name: 'Other Books Ltd' },
        entities: { Customer: [{ DisplayName: 'Bob Other', PrimaryEmailAddr: { Address: 'bob@other.dev' } }] },
      });
      expect(created.Customer![0]!.Id).toBe(oldAdaCustomerId);
    });

    const pendingChange = async () => (await overview()).connection.pendingCompanyChange;

    test('the consent changes nothing: the settings page asks the admin to choose', async () => {
      const before = await h.runtime.store.connections.get(connection.id);
      const { page } = await consent();
      expect(page).toContain('You chose Other Books Ltd, but the app syncs with Emulated Company US');
      expect(await h.runtime.store.connections.get(connection.id)).toEqual(before);
      expect(await h.runtime.store.links.count(connection.id, 'contacts')).toBe(1);
      expect(await pendingChange()).toEqual({
        realmId: NEW_REALM,
        companyName: 'Other Books Ltd',
        currentCompanyName: 'Emulated Company US',
        currentRealmId: h.qbo.info.realmId,
        startedByUserId: h.hubspot.emulator.config.userId,
        expiresAt: expect.any(String),
      });
    });

    test('cancel keeps the current company, its links and state, and drops the other grant', async () => {
      const pending = (await h.runtime.store.pendingQboConnections.get(connection.id, h.clock.now()))!;
      const res = await h.appFetch('/api/quickbooks/company-change/cancel', { method: 'POST' });
      expect(res.status).toBe(200);
      const body = (await res.json()) as SettingsOverview;
      expect(body.connection).toMatchObject({ state: 'connected', companyName: 'Emulated Company US', pendingCompanyChange: null });
      expect(await h.runtime.store.links.count(connection.id, 'contacts')).toBe(1);
      // Revoked at Intuit: the other company's grant can no longer be refreshed.
      await expect(h.runtime.clients.qboOAuth.refresh(pending.tokens.refreshToken)).rejects.toMatchObject({ kind: 'reauth_required' });
      expect((await h.appFetch('/api/quickbooks/company-change/cancel', { method: 'POST' })).status).toBe(409);
    });

    test('start fresh: the new company is connected, the old one’s links, checkpoints and ids are forgotten, records stay', async () => {
      await consent();
      const contactsBefore = h.hubspot.emulator.state.records.contacts.size;
      expect(h.hubspot.emulator.state.records.contacts.get(adaId())!.properties.qbo_customer_id).toBe(oldAdaCustomerId);

      const res = await h.appFetch('/api/quickbooks/company-change/start-fresh', { method: 'POST' });
      expect(res.status).toBe(200);
      const body = (await res.json()) as SettingsOverview;
      expect(body.connection).toMatchObject({
        state: 'connected',
        companyName: 'Other Books Ltd',
        realmId: NEW_REALM,
        pendingCompanyChange: null,
        clearingPreviousCompany: true,
      } satisfies Partial<ConnectionView>);
      expect(body.syncs.find((s) => s.object === 'contacts')).toMatchObject({ enabled: false, firstSyncCompletedAt: null, linkedRecords: 0 });
      expect(await h.runtime.store.checkpoints.get(connection.id, 'contacts', 'qbo')).toBeUndefined();
      // The syncs wait until the old company's ids are off the HubSpot records.
      expect((await h.appFetch('/api/settings/contacts/enable', { method: 'POST' })).status).toBe(409);

      await h.drain();
      expect(h.hubspot.emulator.state.records.contacts.get(adaId())!.properties.qbo_customer_id).toBeUndefined();
      expect(h.hubspot.emulator.state.records.contacts.size).toBe(contactsBefore);
      expect(h.hubspot.emulator.state.records.contacts.get(adaId())!.properties).toMatchObject({
        firstname: 'Ada',
        lastname: 'Lovelace',
        email: 'ada@lovelace.dev',
      });
      expect((await overview()).connection.clearingPreviousCompany).toBe(false);

      // The first sync with the new company starts from nothing: Bob (the same QBO id Ada had) is not Ada.
      const preview = (await (await h.appFetch('/api/settings/contacts/preview')).json()) as { counts: Record<string, number> };
      expect(preview.counts).toMatchObject({ matched: 0, createInHubspot: 1 });
      expect((await h.appFetch('/api/settings/contacts/enable', { method: 'POST' })).status).toBe(200);
      await h.drain();
      const ada = h.hubspot.emulator.state.records.contacts.get(adaId())!.properties;
      expect(ada).toMatchObject({ firstname: 'Ada', lastname: 'Lovelace', email: 'ada@lovelace.dev' });
      expect(ada.qbo_customer_id).toBeUndefined();
      const bob = [...h.hubspot.emulator.state.records.contacts.values()].find((r) => r.properties.email === 'bob@other.dev')!;
      expect(bob.properties.qbo_customer_id).toBe(oldAdaCustomerId);
      expect(await h.runtime.store.links.byHubspotId(connection.id, 'contacts', adaId())).toBeUndefined();
    });
  });

  test('disconnect stops syncing and drops the grant; the company is remembered for a reconnect', async () => {
    const res = await h.appFetch('/api/quickbooks/disconnect', { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      state: 'not_connected',
      companyName: 'Other Books Ltd',
      realmId: NEW_REALM,
      reason: 'QuickBooks was disconnected on the settings page.',
    });
    expect((await h.runtime.store.connections.get(connection.id))!.qboTokens).toBeUndefined();
    expect((await h.appFetch('/api/settings/products/enable', { method: 'POST' })).status).toBe(409);
    expect((await h.appFetch('/api/settings/contacts/preview')).status).toBe(409);
    const links = await h.runtime.store.links.count(connection.id, 'contacts');
    const { page } = await consent();
    expect(page).toContain('Other Books Ltd is connected');
    expect(await h.runtime.store.links.count(connection.id, 'contacts')).toBe(links);
  });
});
