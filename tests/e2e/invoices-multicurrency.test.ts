import { Client } from '@hubspot/api-client';
import type { QboClient } from '../../functions/quickbooks/client';
import type { Connection } from '../../functions/store/connections';
import { ensureAppProperties } from '../../functions/sync/app-properties';
import { startHarness, type Harness } from '../helpers/harness';

/**
 * Invoices keep their currency (issue 7): a US company with multicurrency on (home USD) bills a euro customer
 * (https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice, CurrencyRef); the HubSpot
 * portal has EUR as an additional currency
 * (https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/invoices/guide: `hs_currency` takes the
 * portal's currencies). Amounts travel in the transaction currency, never converted.
 */
describe('Multi-currency invoices QBO → HubSpot', () => {
  let h: Harness;
  let connection: Connection;
  let hubspotApi: Client;
  let accountant: QboClient;
  let euroCustomer: string;
  let poundCustomer: string;
  let dealId: string;

  const line = (amount: number) => [
    { DetailType: 'SalesItemLineDetail', Amount: amount, SalesItemLineDetail: { ItemRef: { value: '1' }, Qty: 1, UnitPrice: amount } },
  ];
  const hubspotInvoice = async (qboId: string) => {
    const link = await h.runtime.store.links.byQboId(connection.id, 'invoices', qboId);
    return (
      await hubspotApi.crm.objects.basicApi.getById('invoices', link!.hubspotId, [
        'hs_currency',
        'hs_number',
        'qbo_invoice_status',
        'qbo_amount_billed',
        'qbo_balance_due',
      ])
    ).properties;
  };

  beforeAll(async () => {
    h = await startHarness();
    hubspotApi = new Client({ accessToken: h.hubspot.emulator.issueToken().accessToken, basePath: h.hubspot.info.url });
    accountant = h.qboUser();

    const seeded = h.hubspot.emulator.seed({
      currencies: { company: 'USD', additional: ['EUR'] },
      contacts: [
        { email: 'hans@mueller.example', firstname: 'Hans', lastname: 'Müller' },
        { email: 'pip@pound.example', firstname: 'Pip', lastname: 'Pound' },
      ],
      deals: [{ properties: { dealname: 'Müller rollout', amount: '1000', deal_currency_code: 'EUR' }, contactIndexes: [0] }],
    });
    dealId = seeded.deals[0]!.id;
    const created = h.qbo.emulator.seed({
      kind: 'us',
      multicurrency: true,
      entities: {
        Customer: [
          { DisplayName: 'Müller GmbH', PrimaryEmailAddr: { Address: 'hans@mueller.example' }, CurrencyRef: { value: 'EUR' } },
          { DisplayName: 'Pound Ltd', PrimaryEmailAddr: { Address: 'pip@pound.example' }, CurrencyRef: { value: 'GBP' } },
        ],
      },
    });
    [euroCustomer, poundCustomer] = created.Customer!.map((c) => String(c.Id)) as [string, string];

    connection = await h.connect();
    await ensureAppProperties(h.runtime.clients.hubspot(connection));
    await h.runtime.sync.setEnabled(connection.id, 'contacts', true);
    await h.drain();
    await h.runtime.sync.setEnabled(connection.id, 'invoices', true);
    await h.drain();
  });
  afterAll(() => h.stop());

  test('a euro invoice, partly paid in euros, lands with hs_currency EUR and euro amounts on the invoice, the deal and its timeline', async () => {
    // The contact sync's writes left the customer's currency alone.
    expect((await accountant.get('Customer', euroCustomer)).CurrencyRef?.value).toBe('EUR');

    const invoice = await accountant.create(
      'Invoice',
      {
        CustomerRef: { value: euroCustomer },
        CurrencyRef: { value: 'EUR' },
        ExchangeRate: 1.08,
        DocNumber: 'EU-1',
        TxnDate: '2026-01-10',
        DueDate: '2026-02-09',
        Line: line(1000),
        CustomField: [{ DefinitionId: '1', Type: 'StringType', StringValue: dealId }],
      },
      { requestId: 'inv-eu-1' },
    );
    expect(invoice).toMatchObject({ TotalAmt: 1000, HomeTotalAmt: 1080 });
    await accountant.create(
      'Payment',
      {
        CustomerRef: { value: euroCustomer },
        CurrencyRef: { value: 'EUR' },
        ExchangeRate: 1.08,
        TotalAmt: 400,
        PaymentRefNum: 'SEPA-7',
        Line: [{ Amount: 400, LinkedTxn: [{ TxnId: invoice.Id, TxnType: 'Invoice' }] }],
      },
      { requestId: 'pay-sepa-7' },
    );
    await h.drain();

    expect(await hubspotInvoice(invoice.Id)).toMatchObject({
      hs_currency: 'EUR',
      hs_number: 'EU-1',
      qbo_invoice_status: 'partially_paid',
      qbo_amount_billed: '1000.00',
      qbo_balance_due: '600.00',
    });
    const deal = (
      await hubspotApi.crm.deals.basicApi.getById(dealId, [
        'qbo_invoice_currency',
        'qbo_invoice_amount_billed',
        'qbo_invoice_balance_due',
        'qbo_invoice_status',
      ])
    ).properties;
    expect(deal).toMatchObject({
      qbo_invoice_currency: 'EUR',
      qbo_invoice_amount_billed: '1000.00',
      qbo_invoice_balance_due: '600.00',
      qbo_invoice_status: 'partially_paid',
    });
    expect(h.hubspot.emulator.timelineEvents('deals', dealId).map((e) => e.properties['amount'])).toEqual(['€400.00']);
  });

  test('a currency the portal does not have is refused by HubSpot and shows in the sync log; nothing else is held up', async () => {
    const pounds = await accountant.create(
      'Invoice',
      { CustomerRef: { value: poundCustomer }, CurrencyRef: { value: 'GBP' }, DocNumber: 'GB-1', Line: line(250) },
      { requestId: 'inv-gb-1' },
    );
    const euros = await accountant.create(
      'Invoice',
      { CustomerRef: { value: euroCustomer }, CurrencyRef: { value: 'EUR' }, DocNumber: 'EU-2', Line: line(90) },
      { requestId: 'inv-eu-2' },
    );
    await h.drain();

    expect(await h.runtime.store.links.byQboId(connection.id, 'invoices', pounds.Id)).toBeUndefined();
    const [failed] = await h.runtime.store.syncLog.recent(connection.id, { object: 'invoices', outcome: 'failed' });
    expect(failed).toMatchObject({ qboId: pounds.Id, action: 'upsert', errorCode: 'hubspot_validation' });
    expect(failed?.message).toMatch(/HubSpot said: .*GBP/);
    expect(await hubspotInvoice(euros.Id)).toMatchObject({ hs_currency: 'EUR', qbo_amount_billed: '90.00' });
  });
});
