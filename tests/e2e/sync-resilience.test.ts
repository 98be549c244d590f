import { createHmac } from 'node:crypto';
import { Client } from '@hubspot/api-client';
import { qboQuote, type QboClient } from '../../functions/quickbooks/client';
import type { Connection } from '../../functions/store/connections';
import { PUBLIC_URL, startHarness, type Harness } from '../helpers/harness';

/** What goes wrong in production, end to end: lost webhooks, outages, races, expired tokens, forged requests. */
describe('sync resilience', () => {
  let h: Harness;
  let connection: Connection;
  let hubspotApi: Client;
  let accountant: QboClient;
  let contactId: string;

  const customers = () => accountant.query('Customer');
  const customerByEmail = async (email: string) => (await accountant.query('Customer', `PrimaryEmailAddr = ${qboQuote(email)}`))[0];
  const contact = async (id: string) => (await hubspotApi.crm.contacts.basicApi.getById(id, ['email', 'phone', 'city', 'jobtitle'])).properties;

  beforeAll(async () => {
    h = await startHarness();
    hubspotApi = new Client({ accessToken: h.hubspot.emulator.issueToken().accessToken, basePath: h.hubspot.info.url });
    accountant = h.qboUser();
    const seeded = h.hubspot.emulator.seed({ contacts: [{ email: 'linus@kernel.dev', firstname: 'Linus', lastname: 'Torvalds', city: 'Portland' }] });
    contactId = seeded.contacts[0]!;
    connection = await h.connect();
    await h.runtime.clients
      .hubspot(connection)
      .ensureProperties('contacts', [
        { name: 'qbo_customer_id', label: 'QuickBooks customer ID', type: 'string', fieldType: 'text', groupName: 'contactinformation' },
      ]);
    await h.runtime.sync.setEnabled(connection.id, 'contacts', true);
    await h.drain();
    expect(await customers()).toHaveLength(1);
  });
  afterAll(() => h.stop());

  test('lost webhooks: reconciliation polling brings both sides together within 10 minutes', async () => {
    h.hubspot.emulator.dropWebhooks(true);
    h.qbo.emulator.dropWebhooks(true);
    h.hubspot.emulator.editAsUser('contacts', contactId, { phone: '555-0100' });
    const linus = (await customerByEmail('linus@kernel.dev'))!;
    await accountant.update('Customer', { Id: linus.Id, SyncToken: linus.SyncToken, sparse: true, BillAddr: { City: 'Beaverton' } });
    await h.drain();
    expect((await customerByEmail('linus@kernel.dev'))?.PrimaryPhone).toBeUndefined();

    await h.advance(6 * 60_000);
    await h.drain();
    expect((await customerByEmail('linus@kernel.dev'))?.PrimaryPhone?.FreeFormNumber).toBe('555-0100');
    expect(await contact(contactId)).toMatchObject({ city: 'Beaverton' });
    h.hubspot.emulator.dropWebhooks(false);
    h.qbo.emulator.dropWebhooks(false);
  });

  test('disabling a sync stops it; enabling it again resumes from where it stopped', async () => {
    await h.runtime.sync.setEnabled(connection.id, 'contacts', false);
    h.hubspot.emulator.editAsUser('contacts', contactId, { phone: '555-0199' });
    await h.drain();
    await h.advance(6 * 60_000);
    await h.drain();
    expect((await customerByEmail('linus@kernel.dev'))?.PrimaryPhone?.FreeFormNumber).toBe('555-0100');

    await h.runtime.sync.setEnabled(connection.id, 'contacts', true);
    await h.drain();
    expect((await customerByEmail('linus@kernel.dev'))?.PrimaryPhone?.FreeFormNumber).toBe('555-0199');
  });

  test('429s, 500s and 503s from QBO are waited out, and the change lands once', async () => {
    h.qbo.emulator.injectFault({ kind: '429', count: 2, retryAfterSeconds: 3 });
    h.qbo.emulator.injectFault({ kind: '503', count: 1 });
    h.qbo.emulator.injectFault({ kind: '500', count: 1 });
    h.hubspot.emulator.editAsUser('contacts', contactId, { city: 'Helsinki' });
    await h.drain();
    expect((await customerByEmail('linus@kernel.dev'))?.BillAddr?.City).toBe('Helsinki');
    expect(await customers()).toHaveLength(1);
  });

  test('a create whose response is lost is retried with the same request id: no duplicate customer', async () => {
    h.qbo.emulator.injectFault({ kind: 'timeout', count: 1, method: 'POST', pathIncludes: '/customer' });
    h.hubspot.emulator.createAsUser('contacts', { email: 'margaret@hamilton.dev', firstname: 'Margaret', lastname: 'Hamilton' });
    await h.drain();
    h.qbo.emulator.releaseHeldResponses();
    const margarets = (await customers()).filter((c) => c.PrimaryEmailAddr?.Address === 'margaret@hamilton.dev');
    expect(margarets).toHaveLength(1);
    expect(await h.runtime.store.links.count(connection.id, 'contacts')).toBe(2);
  });

  test('a stale SyncToken (someone saved the customer meanwhile) is re-read and the write lands', async () => {
    h.qbo.emulator.injectFault({ kind: 'stale-sync-token', count: 1 });
    h.hubspot.emulator.editAsUser('contacts', contactId, { city: 'Espoo' });
    await h.drain();
    expect((await customerByEmail('linus@kernel.dev'))?.BillAddr?.City).toBe('Espoo');
  });

  test('expired access tokens on both sides are refreshed and the sync carries on', async () => {
    await h.advance(2 * 3600_000);
    h.hubspot.emulator.editAsUser('contacts', contactId, { city: 'Tampere' });
    await h.drain();
    expect((await customerByEmail('linus@kernel.dev'))?.BillAddr?.City).toBe('Tampere');
    const stored = await h.runtime.store.connections.get(connection.id);
    expect(stored?.status).toBe('active');
    expect(stored!.qboTokens!.expiresAt.getTime()).toBeGreaterThan(h.clock.now().getTime());
    expect(stored!.hubspotTokens!.expiresAt.getTime()).toBeGreaterThan(h.clock.now().getTime());
  });

  describe('webhook intake', () => {
    const hubspotBody = (objectId: string) =>
      JSON.stringify([
        {
          eventId: 991,
          subscriptionId: 1,
          portalId: h.hubspot.info.portalId,
          appId: h.hubspot.info.appId,
          occurredAt: h.clock.now().getTime(),
          subscriptionType: 'object.propertyChange',
          objectTypeId: '0-1',
          attemptNumber: 0,
          objectId: Number(objectId),
          propertyName: 'city',
          propertyValue: 'X',
          changeSource: 'CRM_UI',
        },
      ]);
    const signV3 = (body: string, timestamp: number, secret = h.hubspot.info.clientSecret) =>
      createHmac('sha256', secret).update(`POST${PUBLIC_URL}/webhooks/hubspot${body}${timestamp}`).digest('base64');
    const postHubspot = (body: string, headers: Record<string, string>) =>
      h.runtime.app.request(`${PUBLIC_URL}/webhooks/hubspot`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

    test('HubSpot: a forged signature or a stale timestamp is refused; a replay is recorded once', async () => {
      const body = hubspotBody(contactId);
      const now = h.clock.now().getTime();
      const forged = await postHubspot(body, { 'x-hubspot-signature-v3': signV3(body, now, 'not-the-secret'), 'x-hubspot-request-timestamp': String(now) });
      expect(forged.status).toBe(401);
      const stale = now - 6 * 60_000;
      expect((await postHubspot(body, { 'x-hubspot-signature-v3': signV3(body, stale), 'x-hubspot-request-timestamp': String(stale) })).status).toBe(401);
      expect((await postHubspot(body, {})).status).toBe(401);

      const good = { 'x-hubspot-signature-v3': signV3(body, now), 'x-hubspot-request-timestamp': String(now) };
      expect((await postHubspot(body, good)).status).toBe(200);
      expect(await h.jobs.pending()).toBe(1);
      expect((await postHubspot(body, good)).status).toBe(200);
      expect(await h.jobs.pending()).toBe(1);
      await h.drain();

      const huge = JSON.stringify([{ padding: 'x'.repeat(1024 * 1024) }]);
      expect((await postHubspot(huge, { 'x-hubspot-signature-v3': signV3(huge, now), 'x-hubspot-request-timestamp': String(now) })).status).toBe(413);

      const malformed = '{"not":"a batch"}';
      expect((await postHubspot(malformed, { 'x-hubspot-signature-v3': signV3(malformed, now), 'x-hubspot-request-timestamp': String(now) })).status).toBe(400);
    });

    test('QuickBooks: a bad intuit-signature is refused; a replayed notification is recorded once', async () => {
      const linus = (await customerByEmail('linus@kernel.dev'))!;
      const body = JSON.stringify({
        eventNotifications: [
          {
            realmId: h.qbo.info.realmId,
            dataChangeEvent: { entities: [{ name: 'Customer', id: linus.Id, operation: 'Update', lastUpdated: '2026-01-15T12:00:00.000Z' }] },
          },
        ],
      });
      const sign = (b: string, key = h.qbo.info.webhookVerifierToken) => createHmac('sha256', key).update(b).digest('base64');
      const post = (b: string, signature?: string) =>
        h.runtime.app.request(`${PUBLIC_URL}/webhooks/quickbooks`, {
          method: 'POST',
          body: b,
          headers: { 'content-type': 'application/json', ...(signature ? { 'intuit-signature': signature } : {}) },
        });
      expect((await post(body, sign(body, 'wrong'))).status).toBe(401);
      expect((await post(body)).status).toBe(401);
      expect((await post(body, sign(body))).status).toBe(200);
      expect(await h.jobs.pending()).toBe(1);
      expect((await post(body, sign(body))).status).toBe(200);
      expect(await h.jobs.pending()).toBe(1);
      await h.drain();
      expect((await post('not json', sign('not json'))).status).toBe(400);
    });
  });
});
