import { Client } from '@hubspot/api-client';
import { createQboClient, qboQuote, type QboClient } from '../../functions/quickbooks/client';
import { silentLogger } from '../../functions/log';
import { emulatorApiBase } from '../../functions/quickbooks/endpoints';
import type { Connection } from '../../functions/store/connections';
import { startHarness, type Harness } from '../helpers/harness';

/**
 * Contacts ⇄ Customers end to end: both emulators, driven on their side by the official clients (a person's
 * edits in HubSpot through the emulator's user API, an accountant's edits in QBO through node-quickbooks).
 */
describe('Contacts ⇄ Customers', () => {
  let h: Harness;
  let connection: Connection;
  let hubspotApi: Client;
  let accountant: QboClient;

  const contact = async (id: string) =>
    (await hubspotApi.crm.contacts.basicApi.getById(id, ['email', 'firstname', 'lastname', 'phone', 'city', 'qbo_customer_id'])).properties;
  const customerByEmail = async (email: string) => {
    const [c] = await accountant.query('Customer', `PrimaryEmailAddr = ${qboQuote(email)}`);
    return c;
  };

  beforeAll(async () => {
    h = await startHarness();
    const token = h.hubspot.emulator.issueToken();
    hubspotApi = new Client({ accessToken: token.accessToken, basePath: h.hubspot.info.url });
    const t = h.qbo.emulator.issueTokens();
    accountant = createQboClient({
      realmId: h.qbo.info.realmId,
      endpoint: emulatorApiBase(h.qbo.info.url),
      clientId: h.qbo.info.clientId,
      clientSecret: h.qbo.info.clientSecret,
      auth: { accessToken: async () => t.access_token, refresh: async () => t.access_token },
      log: silentLogger,
    });

    h.hubspot.emulator.seed({
      contacts: [
        { email: 'ada@lovelace.dev', firstname: 'Ada', lastname: 'Lovelace', phone: '+44 20 0000 0001' },
        { email: 'grace@hopper.dev', firstname: 'Grace', lastname: 'Hopper', city: 'Arlington' },
      ],
    });
    h.qbo.emulator.seed({
      entities: {
        Customer: [
          { DisplayName: 'Ada Lovelace', GivenName: 'Ada', FamilyName: 'Lovelace', PrimaryEmailAddr: { Address: 'ADA@lovelace.dev' }, BillAddr: { City: 'London' } },
          { DisplayName: 'Alan Turing', GivenName: 'Alan', FamilyName: 'Turing', PrimaryEmailAddr: { Address: 'alan@turing.dev' } },
        ],
      },
    });
    connection = await h.connect();
    await h.runtime.clients.hubspot(connection).ensureProperties('contacts', [
      { name: 'qbo_customer_id', label: 'QuickBooks customer ID', type: 'string', fieldType: 'text', groupName: 'contactinformation' },
    ]);
  });
  afterAll(() => h.stop());

  test('the first sync previews, then links by e-mail and creates what is missing on each side', async () => {
    const preview = await h.runtime.sync.preview(connection.id, 'contacts');
    expect(preview.counts).toMatchObject({ linked: 1, createdInQbo: 1, createdInHubspot: 1 });
    expect(preview.samples.linked[0]).toMatchObject({ matchedOn: 'email' });
    expect(preview.samples.createInQbo[0]?.values).toMatchObject({ email: 'grace@hopper.dev' });
    expect(await accountant.query('Customer')).toHaveLength(2);

    await h.runtime.sync.setEnabled(connection.id, 'contacts', true);
    await h.drain();

    const grace = await customerByEmail('grace@hopper.dev');
    expect(grace).toMatchObject({ DisplayName: 'Grace Hopper', GivenName: 'Grace', BillAddr: { City: 'Arlington' } });
    const ada = await customerByEmail('ada@lovelace.dev');
    expect(ada?.PrimaryPhone?.FreeFormNumber).toBe('+44 20 0000 0001');

    const alan = await hubspotApi.crm.contacts.searchApi.doSearch({
      filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ' as never, value: 'alan@turing.dev' }] }],
      properties: ['firstname', 'lastname', 'qbo_customer_id'],
      limit: 10,
    });
    expect(alan.results).toHaveLength(1);
    expect(alan.results[0]?.properties).toMatchObject({ firstname: 'Alan', lastname: 'Turing' });
    expect(await h.runtime.store.links.count(connection.id, 'contacts')).toBe(3);
  });
});
