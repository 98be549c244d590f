import { Client } from '@hubspot/api-client';
import { qboQuote, type QboClient } from '../../functions/quickbooks/client';
import type { Connection } from '../../functions/store/connections';
import { startHarness, type Harness } from '../helpers/harness';
import type { FirstSyncPreview } from '../../functions/sync/two-way/first-sync';
import type { FlowSettings } from '../../functions/sync/two-way/settings';

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
    accountant = h.qboUser();

    h.hubspot.emulator.seed({
      contacts: [
        { email: 'ada@lovelace.dev', firstname: 'Ada', lastname: 'Lovelace', phone: '+44 20 0000 0001' },
        { email: 'grace@hopper.dev', firstname: 'Grace', lastname: 'Hopper', address: '1 Navy Yard', city: 'Arlington' },
      ],
    });
    h.qbo.emulator.seed({
      entities: {
        Customer: [
          {
            DisplayName: 'Ada Lovelace',
            GivenName: 'Ada',
            FamilyName: 'Lovelace',
            PrimaryEmailAddr: { Address: 'ADA@lovelace.dev' },
            BillAddr: { City: 'London' },
          },
          { DisplayName: 'Alan Turing', GivenName: 'Alan', FamilyName: 'Turing', PrimaryEmailAddr: { Address: 'alan@turing.dev' } },
        ],
      },
    });
    connection = await h.connect();
    await h.runtime.clients
      .hubspot(connection)
      .ensureProperties('contacts', [
        { name: 'qbo_customer_id', label: 'QuickBooks customer ID', type: 'string', fieldType: 'text', groupName: 'contactinformation' },
      ]);
  });
  afterAll(() => h.stop());

  test('the first sync previews, then links by e-mail and creates what is missing on each side', async () => {
    const preview = await h.runtime.sync.preview<FirstSyncPreview>(connection.id, 'contacts');
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

  test("a person's edit in HubSpot lands in QBO; the echo of our own write costs no HubSpot write", async () => {
    const [ada] = (
      await hubspotApi.crm.contacts.searchApi.doSearch({
        filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ' as never, value: 'ada@lovelace.dev' }] }],
        properties: ['email'],
        limit: 1,
      })
    ).results;
    h.hubspot.emulator.editAsUser('contacts', ada!.id, { phone: '+44 20 7946 0018' });
    await h.drain();
    const customer = await customerByEmail('ada@lovelace.dev');
    expect(customer?.PrimaryPhone?.FreeFormNumber).toBe('+44 20 7946 0018');

    // Our QBO write comes back as a QBO webhook; it must not turn into a HubSpot write.
    const updatedAt = (await hubspotApi.crm.contacts.basicApi.getById(ada!.id)).updatedAt;
    const delivered = h.qbo.emulator.webhookAttempts.length;
    await h.advance(1_000);
    await h.drain();
    expect(h.qbo.emulator.webhookAttempts.length).toBeGreaterThan(delivered - 1);
    expect(h.qbo.emulator.webhookAttempts.some((a) => JSON.stringify(a).includes(customer!.Id))).toBe(true);
    expect((await hubspotApi.crm.contacts.basicApi.getById(ada!.id)).updatedAt).toEqual(updatedAt);
  });

  test("an accountant's edit in QBO lands in HubSpot", async () => {
    const alan = (await customerByEmail('alan@turing.dev'))!;
    await accountant.update('Customer', { Id: alan.Id, SyncToken: alan.SyncToken, sparse: true, BillAddr: { City: 'Wilmslow' } });
    await h.drain();
    const link = await h.runtime.store.links.byQboId(connection.id, 'contacts', alan.Id);
    expect(await contact(link!.hubspotId)).toMatchObject({ city: 'Wilmslow', firstname: 'Alan' });
  });

  test("both sides edit the same field: the mapping's winner (HubSpot by default) decides", async () => {
    const grace = (await customerByEmail('grace@hopper.dev'))!;
    const link = (await h.runtime.store.links.byQboId(connection.id, 'contacts', grace.Id))!;
    h.hubspot.emulator.editAsUser('contacts', link.hubspotId, { city: 'New York' });
    await accountant.update('Customer', { Id: grace.Id, SyncToken: grace.SyncToken, sparse: true, BillAddr: { ...grace.BillAddr, City: 'Washington' } });
    await h.drain();
    expect((await customerByEmail('grace@hopper.dev'))?.BillAddr).toMatchObject({ City: 'New York', Line1: '1 Navy Yard' });
    expect(await contact(link.hubspotId)).toMatchObject({ city: 'New York' });
  });

  test('custom mappings: a new field one way to QBO, and a field QBO owns that HubSpot edits cannot change', async () => {
    const { settings } = await h.runtime.sync.settings<FlowSettings>(connection.id, 'contacts');
    const mappings = settings.mappings.map((m) => (m.hubspotProperty === 'phone' ? { ...m, direction: 'to_hubspot' as const } : m));
    mappings.push({ hubspotProperty: 'jobtitle', qboField: 'notes', direction: 'to_qbo', winner: 'hubspot' });
    await h.runtime.sync.saveSettings(connection.id, 'contacts', { ...settings, mappings });

    const ada = (await customerByEmail('ada@lovelace.dev'))!;
    const link = (await h.runtime.store.links.byQboId(connection.id, 'contacts', ada.Id))!;
    h.hubspot.emulator.editAsUser('contacts', link.hubspotId, { jobtitle: 'Analyst', phone: '+44 1 2345' });
    await h.drain();
    const after = (await customerByEmail('ada@lovelace.dev'))!;
    expect(after.Notes).toBe('Analyst');
    expect(after.PrimaryPhone?.FreeFormNumber).toBe('+44 20 7946 0018');
    expect(await contact(link.hubspotId)).toMatchObject({ phone: '+44 20 7946 0018' });
  });
});
