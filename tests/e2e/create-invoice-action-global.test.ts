import { Client } from '@hubspot/api-client';
import type { QboClient } from '../../functions/quickbooks/client';
import type { QboInvoice } from '../../functions/quickbooks/schemas';
import type { Connection } from '../../functions/store/connections';
import { ensureAppProperties } from '../../functions/sync/app-properties';
import { startHarness, type Harness } from '../helpers/harness';

/**
 * "Create invoice" for a company outside the US: a UK company with multicurrency
 * on (home GBP) puts a VAT code on every line and bills each customer in the customer's currency. The HubSpot portal's
 * company currency is GBP, with EUR added.
 */
describe('"Create invoice" in a non-US, multicurrency company', () => {
  let h: Harness;
  let connection: Connection;
  let hubspotApi: Client;
  let accountant: QboClient;
  const deals: Record<string, string> = {};
  const customers: Record<string, string> = {};

  const invoke = (deal: string, inputFields: Record<string, string> = {}) =>
    h.hubspot.emulator.invokeWorkflowAction({ definition: 'create_invoice', objectId: deals[deal]!, inputFields });
  const qboInvoice = (id: string): Promise<QboInvoice> => accountant.get('Invoice', id);
  const salesLines = (invoice: QboInvoice) => invoice.Line.filter((l) => l.DetailType === 'SalesItemLineDetail');

  beforeAll(async () => {
    h = await startHarness();
    hubspotApi = new Client({ accessToken: h.hubspot.emulator.issueToken().accessToken, basePath: h.hubspot.info.url });
    accountant = h.qboUser();

    const seeded = h.hubspot.emulator.seed({
      currencies: { company: 'GBP', additional: ['EUR'] },
      contacts: [
        { email: 'erik@nord.example', firstname: 'Erik', lastname: 'Nord' },
        { email: 'beth@bristol.example', firstname: 'Beth', lastname: 'Bristol' },
      ],
      products: [
        { name: 'Consulting hour', price: '150', hs_sku: 'CONS-1' },
        { name: 'Books', price: '20', hs_sku: 'BOOK' },
        { name: 'Gift card', price: '50', hs_sku: 'GIFT' },
      ],
      deals: [
        {
          properties: { dealname: 'Nordic rollout', deal_currency_code: 'EUR' },
          lineItems: [
            { productIndex: 0, properties: { quantity: '2' } },
            { productIndex: 1, properties: { quantity: '3', discount: '2' } },
          ],
          contactIndexes: [0],
        },
        { properties: { dealname: 'Bristol order', deal_currency_code: 'GBP' }, lineItems: [{ productIndex: 0 }, { productIndex: 2 }], contactIndexes: [1] },
        { properties: { dealname: 'Gift deal', deal_currency_code: 'GBP' }, lineItems: [{ productIndex: 2 }], contactIndexes: [1] },
        { properties: { dealname: 'Euros for Beth', deal_currency_code: 'EUR' }, lineItems: [{ productIndex: 0 }], contactIndexes: [1] },
      ],
    });
    ['nordic', 'bristol', 'gift', 'eurosForBeth'].forEach((name, i) => (deals[name] = seeded.deals[i]!.id));

    const created = h.qbo.emulator.seed({
      kind: 'non-us',
      multicurrency: true,
      entities: {
        Customer: [
          { DisplayName: 'Nord AB', PrimaryEmailAddr: { Address: 'erik@nord.example' }, CurrencyRef: { value: 'EUR' } },
          { DisplayName: 'Bristol Ltd', PrimaryEmailAddr: { Address: 'beth@bristol.example' } },
        ],
        Item: [
          { Name: 'Consulting hour', Sku: 'CONS-1', Type: 'Service', UnitPrice: 150, IncomeAccountRef: { value: '1' }, SalesTaxCodeRef: { value: '2' } },
          { Name: 'Books', Sku: 'BOOK', Type: 'NonInventory', UnitPrice: 20, IncomeAccountRef: { value: '2' }, SalesTaxCodeRef: { value: '4' } },
          { Name: 'Gift card', Sku: 'GIFT', Type: 'Service', UnitPrice: 50, IncomeAccountRef: { value: '1' } },
        ],
      },
    });
    [customers.nord, customers.bristol] = created.Customer!.map((c) => String(c.Id)) as [string, string];

    connection = await h.connect();
    await ensureAppProperties(h.runtime.clients.hubspot(connection));
    for (const object of ['contacts', 'products'] as const) {
      const { settings } = await h.runtime.sync.settings(connection.id, object);
      await h.runtime.sync.saveSettings(connection.id, object, { ...settings, createInQbo: false, createInHubspot: false });
      await h.runtime.sync.setEnabled(connection.id, object, true);
    }
    await h.runtime.sync.setEnabled(connection.id, 'invoices', true);
    await h.drain();
  });
  afterAll(() => h.stop());

  test("each line carries its product's VAT code, the euro customer is billed in EUR, and the invoice reaches the deal in EUR", async () => {
    const result = await invoke('nordic');
    expect(result.execution.outputFields).toMatchObject({ hs_execution_state: 'SUCCESS', qboInvoiceCurrency: 'EUR', qboInvoiceTotal: '414.00' });
    const invoice = await qboInvoice(result.execution.outputFields.qboInvoiceId!);
    expect(invoice).toMatchObject({
      CustomerRef: { value: customers.nord },
      CurrencyRef: { value: 'EUR' },
      GlobalTaxCalculation: 'TaxExcluded',
      TxnTaxDetail: { TotalTax: 60 },
      TotalAmt: 414,
    });
    // 20% S on consulting (2 × 150), 0% Z on books (3 × 20, 2 off each).
    expect(
      salesLines(invoice).map((l) => [
        l.SalesItemLineDetail?.ItemRef?.name,
        l.SalesItemLineDetail?.TaxCodeRef?.value,
        l.SalesItemLineDetail?.UnitPrice,
        l.Amount,
      ]),
    ).toEqual([
      ['Consulting hour', '2', 150, 300],
      ['Books', '4', 18, 54],
    ]);

    await h.drain();
    const link = await h.runtime.store.links.byQboId(connection.id, 'invoices', invoice.Id);
    expect((await hubspotApi.crm.objects.basicApi.getById('invoices', link!.hubspotId, ['hs_currency', 'qbo_amount_billed'])).properties).toMatchObject({
      hs_currency: 'EUR',
      qbo_amount_billed: '414.00',
    });
    expect((await hubspotApi.crm.deals.basicApi.getById(deals.nordic!, ['qbo_invoice_currency', 'qbo_invoice_amount_billed'])).properties).toMatchObject({
      qbo_invoice_currency: 'EUR',
      qbo_invoice_amount_billed: '414.00',
    });
  });

  test("the action's tax code, by name, goes on every line; a home-currency customer is billed in GBP", async () => {
    const result = await invoke('bristol', { taxCode: '5.0% R' });
    const invoice = await qboInvoice(result.execution.outputFields.qboInvoiceId!);
    expect(salesLines(invoice).map((l) => l.SalesItemLineDetail?.TaxCodeRef?.value)).toEqual(['3', '3']);
    expect(invoice).toMatchObject({ CurrencyRef: { value: 'GBP' }, TxnTaxDetail: { TotalTax: 10 }, TotalAmt: 210 });
    expect(result.execution.outputFields).toMatchObject({ qboInvoiceCurrency: 'GBP', qboInvoiceTotal: '210.00' });
  });

  test("a line without a tax code, an unknown tax code and a currency other than the customer's end in their rules", async () => {
    const missing = await invoke('gift');
    expect(missing.execution).toMatchObject({ state: 'FAIL_CONTINUE', executionRule: { labelName: 'taxCodeMissing' } });
    expect(missing.execution.executionRule!.message).toBe(
      'QuickBooks needs a tax code on every line, and none is set for line item "Gift card". Set the action\'s Tax code, or a default sales tax code on the product in QuickBooks.',
    );
    const unknown = await invoke('bristol', { taxCode: 'VAT 99' });
    expect(unknown.execution.executionRule).toMatchObject({
      labelName: 'taxCodeUnknown',
      message: expect.stringContaining('"VAT 99" (the company\'s tax codes: 20.0% S, 5.0% R, 0.0% Z)'),
    });
    const mismatch = await invoke('eurosForBeth');
    expect(mismatch.execution.executionRule).toMatchObject({
      labelName: 'currencyMismatch',
      message: expect.stringContaining('(the deal is in EUR, QuickBooks customer Bristol Ltd in GBP)'),
    });
  });
});
