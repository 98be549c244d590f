import type { QboClient } from '../../functions/quickbooks/client';
import type { Connection } from '../../functions/store/connections';
import { startHarness, type Harness } from '../helpers/harness';

/**
 * An invoice whose customer's HubSpot contact is gone (deleted, or merged into another): the link between them stays
 * (deletes are not synced), but HubSpot refuses an association to a contact that does not exist. The invoice still
 * reaches HubSpot, on its deal, without the contact. Found by the torture test (scripts/torture).
 */
describe('an invoice for a customer whose HubSpot contact is gone', () => {
  let h: Harness;
  let connection: Connection;
  let accountant: QboClient;
  let customerId: string;
  let contactId: string;
  let dealId: string;

  beforeAll(async () => {
    h = await startHarness();
    accountant = h.qboUser();
    const seeded = h.hubspot.emulator.seed({
      contacts: [{ email: 'ada@lovelace.dev', firstname: 'Ada', lastname: 'Lovelace' }],
      deals: [{ properties: { dealname: 'Ada renewal', amount: '300' } }],
    });
    dealId = seeded.deals[0]!.id;
    customerId = String(
      h.qbo.emulator.seed({ entities: { Customer: [{ DisplayName: 'Ada Lovelace', PrimaryEmailAddr: { Address: 'ada@lovelace.dev' } }] } }).Customer![0]!.Id,
    );
    connection = await h.connect();
    await h.syncsOn(connection, 'contacts', 'invoices');
    contactId = (await h.runtime.store.links.byQboId(connection.id, 'contacts', customerId))!.hubspotId;
  });
  afterAll(() => h.stop());

  test('reaches HubSpot on its deal, without the contact, and the sync log says why', async () => {
    h.hubspot.emulator.deleteAsUser('contacts', contactId);
    await h.drain();
    const invoice = await accountant.create(
      'Invoice',
      {
        CustomerRef: { value: customerId },
        DocNumber: 'G-1',
        Line: [{ DetailType: 'SalesItemLineDetail', Amount: 120, SalesItemLineDetail: { ItemRef: { value: '1' }, Qty: 1, UnitPrice: 120 } }],
        CustomField: [{ DefinitionId: '1', Type: 'StringType', StringValue: dealId }],
      },
      { requestId: 'gone-contact-invoice' },
    );
    await h.drain();

    expect(await h.runtime.store.syncLog.recent(connection.id, { outcome: 'failed' })).toEqual([]);
    const twins = [...h.hubspot.emulator.state.records.invoices.values()].filter((r) => !r.archived && r.properties['qbo_invoice_id'] === invoice.Id);
    expect(twins).toHaveLength(1);
    const edges = [...h.hubspot.emulator.state.associations.values()].filter((a) => a.fromType === 'invoices' && a.fromId === twins[0]!.id);
    expect(edges.map((a) => `${a.toType}:${a.toId}`)).toEqual([`deals:${dealId}`]);
    const skipped = await h.runtime.store.syncLog.recent(connection.id, { object: 'invoices', outcome: 'skipped' });
    expect(skipped.map((e) => e.message)).toContainEqual(expect.stringContaining(`contact ${contactId}, which no longer exists`));
  });
});
