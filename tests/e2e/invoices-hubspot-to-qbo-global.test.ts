import { Client } from '@hubspot/api-client';
import { defaultAssociationType } from '../../emulators/hubspot/associations/types';
import type { QboClient } from '../../functions/quickbooks/client';
import type { Connection } from '../../functions/store/connections';
import type { InvoiceSettings } from '../../functions/sync/invoices/settings';
import { startHarness, type Harness } from '../helpers/harness';

/**
 * HubSpot invoices → QuickBooks in a UK company that numbers its own invoices (custom transaction numbers): HubSpot's
 * tax maps to a VAT code on every line and the totals match HubSpot's; HubSpot's number becomes QuickBooks', and a
 * number QuickBooks already has fails clearly instead of being renamed.
 */
describe('HubSpot invoices → QuickBooks (non-US company, custom numbers)', () => {
  let h: Harness;
  let connection: Connection;
  let hubspotApi: Client;
  let accountant: QboClient;
  let contact: string;
  let products: string[];
  let vat: string;
  let unmappedTax: string;

  /** A HubSpot user's invoice with one contact, these line items and taxes, finalized; returns its id. */
  const finalizedInvoice = (lines: { product: string; quantity: string }[], taxes: string[]) => {
    const emu = h.hubspot.emulator;
    const invoice = emu.createAsUser('invoices', { hs_currency: 'GBP' });
    const associate = (toType: 'contacts' | 'line_items' | 'taxes', toId: string) =>
      emu.records.associations.add('invoices', invoice.id, toType, toId, [defaultAssociationType('invoices', toType)!]);
    associate('contacts', contact);
    for (const line of lines) associate('line_items', emu.createAsUser('line_items', { hs_product_id: line.product, quantity: line.quantity }).id);
    for (const tax of taxes) associate('taxes', tax);
    emu.editAsUser('invoices', invoice.id, { hs_invoice_status: 'open' });
    return invoice.id;
  };
  const exportOf = async (hubspotId: string) => (await h.runtime.store.invoiceExports.byHubspotId(connection.id, hubspotId))?.qboInvoiceId;

  beforeAll(async () => {
    h = await startHarness();
    hubspotApi = new Client({ accessToken: h.hubspot.emulator.issueToken().accessToken, basePath: h.hubspot.info.url });
    accountant = h.qboUser();
    const seeded = h.hubspot.emulator.seed({
      currencies: { company: 'GBP' },
      contacts: [{ email: 'beth@bristol.example', firstname: 'Beth', lastname: 'Bristol' }],
      products: [
        { name: 'Consulting hour', price: '150', hs_sku: 'CONS-1' },
        { name: 'Books', price: '19.99', hs_sku: 'BOOK' },
      ],
    });
    [contact] = seeded.contacts as [string];
    products = seeded.products;
    vat = h.hubspot.emulator.createAsUser('taxes', { hs_label: 'VAT 20%', hs_type: 'PERCENT', hs_value: '20' }).id;
    unmappedTax = h.hubspot.emulator.createAsUser('taxes', { hs_label: 'Eco levy', hs_type: 'PERCENT', hs_value: '2' }).id;
    h.qbo.emulator.seed({
      kind: 'non-us',
      preferences: { SalesFormsPrefs: { CustomTxnNumbers: true } },
      entities: {
        Customer: [{ DisplayName: 'Bristol Ltd', PrimaryEmailAddr: { Address: 'beth@bristol.example' } }],
        // The items' own VAT codes (0% Z on books) must not win over the invoice's mapped tax.
        Item: [
          { Name: 'Consulting hour', Sku: 'CONS-1', Type: 'Service', UnitPrice: 150, IncomeAccountRef: { value: '1' }, SalesTaxCodeRef: { value: '4' } },
          { Name: 'Books', Sku: 'BOOK', Type: 'NonInventory', UnitPrice: 19.99, IncomeAccountRef: { value: '2' }, SalesTaxCodeRef: { value: '4' } },
        ],
      },
    });
    connection = await h.connect();
    await h.syncsOn(connection, 'contacts', 'products');
    const { settings } = await h.runtime.sync.settings<InvoiceSettings>(connection.id, 'invoices');
    const { firstSyncCompletedAt: _done, ...editable } = settings;
    await h.runtime.sync.saveSettings(connection.id, 'invoices', {
      ...editable,
      direction: 'to_qbo',
      taxMapping: [{ hubspotTax: 'VAT 20%', qboTaxCode: '20.0% S' }],
    });
    await h.runtime.sync.setEnabled(connection.id, 'invoices', true);
    await h.drain();
  });
  afterAll(() => h.stop());

  test("the mapped VAT code is on every line, the totals match HubSpot's, and HubSpot's number is QuickBooks'", async () => {
    const id = finalizedInvoice(
      [
        { product: products[0]!, quantity: '2' },
        { product: products[1]!, quantity: '3' },
      ],
      [vat],
    );
    await h.drain();
    const hubspot = (await hubspotApi.crm.objects.basicApi.getById('invoices', id, ['hs_number', 'hs_amount_billed'])).properties;
    const invoice = await accountant.get('Invoice', (await exportOf(id))!);
    expect(invoice.Line.filter((l) => l.DetailType === 'SalesItemLineDetail').map((l) => [l.SalesItemLineDetail?.TaxCodeRef?.value, l.Amount])).toEqual([
      ['2', 300],
      ['2', 59.97],
    ]);
    expect(invoice).toMatchObject({ DocNumber: hubspot.hs_number, GlobalTaxCalculation: 'TaxExcluded', CurrencyRef: { value: 'GBP' } });
    // 359.97 + 20% VAT = 431.96 on both sides.
    expect(invoice.TotalAmt.toFixed(2)).toBe(hubspot.hs_amount_billed);
    expect(hubspot.hs_amount_billed).toBe('431.96');
  });

  test('a number QuickBooks already has fails clearly, and no invoice is created or renamed', async () => {
    const next = `INV-${Number(/\d+$/.exec(h.hubspot.emulator.records.list('invoices').at(-1)!.properties['hs_number']!)![0]) + 1}`;
    await accountant.create(
      'Invoice',
      {
        CustomerRef: { value: '1' },
        DocNumber: next,
        Line: [
          {
            DetailType: 'SalesItemLineDetail',
            Amount: 10,
            SalesItemLineDetail: { ItemRef: { value: '1' }, Qty: 1, UnitPrice: 10, TaxCodeRef: { value: '2' } },
          },
        ],
      },
      { requestId: 'accountant-duplicate' },
    );
    const before = (await accountant.query('Invoice')).length;
    const id = finalizedInvoice([{ product: products[0]!, quantity: '1' }], [vat]);
    await h.drain();
    expect(await exportOf(id)).toBeUndefined();
    expect((await accountant.query('Invoice')).length).toBe(before);
    const health = (await (await h.appFetch('/api/sync-health')).json()) as { failures: { code: string; message: string; direction: string }[] };
    expect(health.failures.find((f) => f.code === 'duplicate_number')).toMatchObject({
      direction: 'to_qbo',
      message: expect.stringContaining(`QuickBooks already has an invoice numbered ${next} (QuickBooks error 6140)`),
    });
  });

  test('an unmapped HubSpot tax fails clearly instead of billing the wrong rate', async () => {
    const id = finalizedInvoice([{ product: products[1]!, quantity: '1' }], [unmappedTax]);
    await h.drain();
    expect(await exportOf(id)).toBeUndefined();
    const health = (await (await h.appFetch('/api/sync-health')).json()) as { failures: { code: string; message: string }[] };
    expect(health.failures.find((f) => f.code === 'tax_mapping')?.message).toBe(
      'HubSpot tax "Eco levy" has no QuickBooks tax code: add it to the invoice sync\'s tax mapping, then retry.',
    );
  });
});
