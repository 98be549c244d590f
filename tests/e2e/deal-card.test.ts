import type { DealInvoices } from '../../functions/http/api/contract';
import type { QboClient } from '../../functions/quickbooks/client';
import type { Connection } from '../../functions/store/connections';
import { ensureAppProperties } from '../../functions/sync/app-properties';
import { startHarness, type Harness } from '../helpers/harness';

/**
 * What a sales rep's deal card reads: invoices created and paid by an accountant in QBO, synced by the invoice flow,
 * then served from the app's database. The simulated clock starts 2026-01-15 12:00 UTC.
 */
describe('deal card API', () => {
  let h: Harness;
  let connection: Connection;
  let accountant: QboClient;
  let customerId: string;
  let dealId: string;
  let emptyDeal: string;
  let rep: number;

  const line = (amount: number) => [
    { DetailType: 'SalesItemLineDetail', Amount: amount, SalesItemLineDetail: { ItemRef: { value: '1' }, Qty: 1, UnitPrice: amount } },
  ];
  const card = async (deal: string, userId?: number) => {
    const res = await h.appFetch(`/api/deals/${deal}/invoices`, userId === undefined ? {} : { userId });
    expect(res.status).toBe(200);
    return (await res.json()) as DealInvoices;
  };

  beforeAll(async () => {
    h = await startHarness();
    accountant = h.qboUser();
    const seeded = h.hubspot.emulator.seed({
      users: [{ email: 'sam.seller@example.com', role: 'Sales rep' }],
      contacts: [{ email: 'ada@lovelace.dev', firstname: 'Ada', lastname: 'Lovelace' }],
      deals: [{ properties: { dealname: 'Ada renewal', amount: '1300' }, contactIndexes: [0] }, { properties: { dealname: 'Nothing billed yet' } }],
    });
    rep = Number(seeded.users[0]);
    [dealId, emptyDeal] = seeded.deals.map((d) => d.id) as [string, string];
    customerId = String(
      h.qbo.emulator.seed({ entities: { Customer: [{ DisplayName: 'Ada Lovelace', PrimaryEmailAddr: { Address: 'ada@lovelace.dev' } }] } }).Customer![0]!.Id,
    );
    connection = await h.connect();
    await ensureAppProperties(h.runtime.clients.hubspot(connection));

    const invoice = (docNumber: string, txnDate: string, dueDate: string, amount: number) =>
      accountant.create(
        'Invoice',
        {
          CustomerRef: { value: customerId },
          DocNumber: docNumber,
          TxnDate: txnDate,
          DueDate: dueDate,
          Line: line(amount),
          CustomField: [{ DefinitionId: '1', Type: 'StringType', StringValue: dealId }],
        },
        { requestId: `inv-${docNumber}` },
      );
    const overdue = await invoice('1001', '2025-12-01', '2025-12-31', 1000);
    const paid = await invoice('1002', '2026-01-02', '2026-02-01', 250.5);
    await invoice('1003', '2026-01-10', '2026-02-09', 49.5);
    await accountant.create(
      'Payment',
      {
        CustomerRef: { value: customerId },
        TotalAmt: 400,
        PaymentRefNum: 'CHK-7',
        PaymentMethodRef: { value: '2' },
        TxnDate: '2026-01-12',
        Line: [{ Amount: 400, LinkedTxn: [{ TxnId: overdue.Id, TxnType: 'Invoice' }] }],
      },
      { requestId: 'pay-1' },
    );
    await accountant.create(
      'Payment',
      {
        CustomerRef: { value: customerId },
        TotalAmt: 250.5,
        PaymentRefNum: 'V-99',
        PaymentMethodRef: { value: '3' },
        TxnDate: '2026-01-14',
        Line: [{ Amount: 250.5, LinkedTxn: [{ TxnId: paid.Id, TxnType: 'Invoice' }] }],
      },
      { requestId: 'pay-2' },
    );
    await h.runtime.sync.setEnabled(connection.id, 'contacts', true);
    await h.runtime.sync.setEnabled(connection.id, 'invoices', true);
    await h.drain();
  });
  afterAll(() => h.stop());

  test('rows, statuses, overdue days, payments and totals, newest invoice first, for any user of the portal', async () => {
    const body = await card(dealId, rep);
    expect(body.connection).toEqual({ state: 'connected', companyName: 'Emulated Company US' });
    expect(body.invoices.map((i) => [i.number, i.invoiceDate, i.dueDate, i.amount, i.balance, i.status, i.daysOverdue, i.currency])).toEqual([
      ['1003', '2026-01-10', '2026-02-09', '49.50', '49.50', 'open', 0, 'USD'],
      ['1002', '2026-01-02', '2026-02-01', '250.50', '0.00', 'paid', 0, 'USD'],
      ['1001', '2025-12-01', '2025-12-31', '1000.00', '600.00', 'partially_paid', 15, 'USD'],
    ]);
    expect(body.invoices[0]!.qboUrl).toMatch(/^https:\/\/app\.sandbox\.qbo\.intuit\.com\/app\/invoice\?txnId=\d+$/);
    expect(body.payments.map((p) => [p.paidOn, p.amount, p.method, p.reference, p.invoiceNumber, p.state])).toEqual([
      ['2026-01-14', '250.50', 'Visa', 'V-99', '1002', 'applied'],
      ['2026-01-12', '400.00', 'Check', 'CHK-7', '1001', 'applied'],
    ]);
    expect(body.totals).toEqual([{ currency: 'USD', billed: '1300.00', paid: '650.50', outstanding: '649.50' }]);
  });

  test('a deal without invoices has empty lists, not an error', async () => {
    expect(await card(emptyDeal)).toMatchObject({ invoices: [], payments: [], totals: [] });
  });

  test('the card is served from the app’s database: it answers while QuickBooks is disconnected, and says so', async () => {
    const before = h.qboCalls.count;
    await h.runtime.store.connections.disconnectQbo(connection.id);
    const body = await card(dealId);
    expect(body.connection.state).toBe('not_connected');
    expect(body.invoices).toHaveLength(3);
    expect(h.qboCalls.count).toBe(before);
  });

  test('a deal id that is not a number is not a route', async () => {
    expect((await h.appFetch('/api/deals/abc/invoices')).status).toBe(404);
  });
});

/**
 * The card's "Create invoice", with the workflow action's own builder: the deal's contact is the QBO customer (linked by
 * the Contacts sync), its line items the products (linked by the Products sync). One click is one invoice, however
 * often the request arrives.
 */
describe('deal card API: Create invoice', () => {
  let h: Harness;
  let connection: Connection;
  let dealId: string;
  let emptyDeal: string;

  const create = (deal: string, requestId: string) => h.appFetch(`/api/deals/${deal}/invoices`, { method: 'POST', body: { requestId } });

  beforeAll(async () => {
    h = await startHarness();
    const seeded = h.hubspot.emulator.seed({
      contacts: [{ email: 'ada@lovelace.dev', firstname: 'Ada', lastname: 'Lovelace' }],
      products: [{ name: 'Consulting hour', price: '150', hs_sku: 'CONS-1' }],
      deals: [
        { properties: { dealname: 'Engine retrofit' }, lineItems: [{ productIndex: 0, properties: { quantity: '2' } }], contactIndexes: [0] },
        { properties: { dealname: 'Nothing to bill' }, contactIndexes: [0] },
      ],
    });
    [dealId, emptyDeal] = seeded.deals.map((d) => d.id) as [string, string];
    h.qbo.emulator.seed({
      entities: {
        Customer: [{ DisplayName: 'Ada Lovelace', PrimaryEmailAddr: { Address: 'ada@lovelace.dev' } }],
        Item: [{ Name: 'Consulting hour', Sku: 'CONS-1', Type: 'Service', UnitPrice: 150, IncomeAccountRef: { value: '1' } }],
      },
    });
    connection = await h.connect();
    await ensureAppProperties(h.runtime.clients.hubspot(connection));
    for (const object of ['contacts', 'products'] as const) {
      const { settings } = await h.runtime.sync.settings(connection.id, object);
      await h.runtime.sync.saveSettings(connection.id, object, { ...settings, createInHubspot: false, createInQbo: false });
      await h.runtime.sync.setEnabled(connection.id, object, true);
    }
    await h.runtime.sync.setEnabled(connection.id, 'invoices', true);
    await h.drain();
  });
  afterAll(() => h.stop());

  test('the button is offered and creates the invoice from the deal, once per click', async () => {
    const body = (await (await h.appFetch(`/api/deals/${dealId}/invoices`)).json()) as DealInvoices;
    expect(body.createInvoice).toEqual({ available: true, enabled: true, reason: null });
    const first = await create(dealId, 'click-0001');
    expect(first.status).toBe(201);
    const created = (await first.json()) as { qboInvoiceId: string; number: string | null; qboUrl: string };
    expect(created.qboUrl).toMatch(/\/app\/invoice\?txnId=/);
    const invoice = h.qbo.emulator.state.entities.get('Invoice')!.get(created.qboInvoiceId)!;
    expect(invoice).toMatchObject({ TotalAmt: 300 });
    // The same click again (HubSpot's proxy retries a request once): the same invoice, not a second one.
    expect(await (await create(dealId, 'click-0001')).json()).toEqual(created);
    expect(h.qbo.emulator.state.entities.get('Invoice')!.size).toBe(1);
    // The invoice flow brings it back onto the deal's card.
    await h.drain();
    const after = (await (await h.appFetch(`/api/deals/${dealId}/invoices`)).json()) as DealInvoices;
    expect(after.invoices.map((i) => [i.qboInvoiceId, i.amount])).toEqual([[created.qboInvoiceId, '300.00']]);
  });

  test('a deal that cannot be invoiced is refused with the reason, and a request without a click id is refused', async () => {
    const res = await create(emptyDeal, 'click-0002');
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ error: 'no_line_items', message: expect.any(String) });
    expect((await h.appFetch(`/api/deals/${dealId}/invoices`, { method: 'POST', body: {} })).status).toBe(400);
  });

  test('when QuickBooks is not connected the button is disabled with the reason, and a click creates nothing', async () => {
    await h.runtime.store.connections.disconnectQbo(connection.id);
    const body = (await (await h.appFetch(`/api/deals/${dealId}/invoices`)).json()) as DealInvoices;
    expect(body.createInvoice).toEqual({ available: true, enabled: false, reason: expect.stringContaining('not connected') });
    expect((await create(dealId, 'click-0003')).status).toBe(409);
    expect(h.qbo.emulator.state.entities.get('Invoice')!.size).toBe(1);
  });
});
