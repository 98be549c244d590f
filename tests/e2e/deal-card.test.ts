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

  const line = (amount: number) => [{ DetailType: 'SalesItemLineDetail', Amount: amount, SalesItemLineDetail: { ItemRef: { value: '1' }, Qty: 1, UnitPrice: amount } }];
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
    customerId = String(h.qbo.emulator.seed({ entities: { Customer: [{ DisplayName: 'Ada Lovelace', PrimaryEmailAddr: { Address: 'ada@lovelace.dev' } }] } }).Customer![0]!.Id);
    connection = await h.connect();
    await ensureAppProperties(h.runtime.clients.hubspot(connection));

    const invoice = (docNumber: string, txnDate: string, dueDate: string, amount: number) =>
      accountant.create(
        'Invoice',
        { CustomerRef: { value: customerId }, DocNumber: docNumber, TxnDate: txnDate, DueDate: dueDate, Line: line(amount), CustomField: [{ DefinitionId: '1', Type: 'StringType', StringValue: dealId }] },
        { requestId: `inv-${docNumber}` },
      );
    const overdue = await invoice('1001', '2025-12-01', '2025-12-31', 1000);
    const paid = await invoice('1002', '2026-01-02', '2026-02-01', 250.5);
    await invoice('1003', '2026-01-10', '2026-02-09', 49.5);
    await accountant.create(
      'Payment',
      { CustomerRef: { value: customerId }, TotalAmt: 400, PaymentRefNum: 'CHK-7', PaymentMethodRef: { value: '2' }, TxnDate: '2026-01-12', Line: [{ Amount: 400, LinkedTxn: [{ TxnId: overdue.Id, TxnType: 'Invoice' }] }] },
      { requestId: 'pay-1' },
    );
    await accountant.create(
      'Payment',
      { CustomerRef: { value: customerId }, TotalAmt: 250.5, PaymentRefNum: 'V-99', PaymentMethodRef: { value: '3' }, TxnDate: '2026-01-14', Line: [{ Amount: 250.5, LinkedTxn: [{ TxnId: paid.Id, TxnType: 'Invoice' }] }] },
      { requestId: 'pay-2' },
    );
    await h.runtime.sync.setEnabled(connection.id, 'contacts', true);
    await h.runtime.invoices.setEnabled(connection.id, true);
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
    // No "Create invoice" until the app can create invoices from a deal.
    expect(body.createInvoice).toEqual({ available: false, enabled: false, reason: null });
    expect((await h.appFetch(`/api/deals/${dealId}/invoices`, { method: 'POST' })).status).toBe(404);
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
 * The card's "Create invoice" once the workflow action's builder is wired in (`createInvoice` at the composition
 * root): here a stand-in that creates the QBO invoice through the connection's own client, as the real builder will.
 */
describe('deal card API with Create invoice', () => {
  let h: Harness;
  let connection: Connection;
  let dealId: string;
  const created: string[] = [];

  beforeAll(async () => {
    h = await startHarness({
      createInvoice: async (conn, deal) => {
        const qbo = h.runtime.clients.qbo(conn);
        const invoice = await qbo.create('Invoice', { CustomerRef: { value: '1' }, Line: [{ DetailType: 'SalesItemLineDetail', Amount: 10, SalesItemLineDetail: { ItemRef: { value: '1' } } }] }, { requestId: `deal-${deal}` });
        created.push(deal);
        return { qboInvoiceId: invoice.Id, number: invoice.DocNumber ?? null, qboUrl: null };
      },
    });
    dealId = h.hubspot.emulator.seed({ deals: [{ properties: { dealname: 'Invoice me' } }] }).deals[0]!.id;
    h.qbo.emulator.seed({ entities: { Customer: [{ DisplayName: 'Buyer' }] } });
    connection = await h.connect();
  });
  afterAll(() => h.stop());

  test('the button is offered, creates the invoice for the deal, and is disabled with the reason when QuickBooks is not connected', async () => {
    const body = (await (await h.appFetch(`/api/deals/${dealId}/invoices`)).json()) as DealInvoices;
    expect(body.createInvoice).toEqual({ available: true, enabled: true, reason: null });
    const res = await h.appFetch(`/api/deals/${dealId}/invoices`, { method: 'POST' });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ qboInvoiceId: expect.any(String) });
    expect(created).toEqual([dealId]);

    await h.runtime.store.connections.disconnectQbo(connection.id);
    const after = (await (await h.appFetch(`/api/deals/${dealId}/invoices`)).json()) as DealInvoices;
    expect(after.createInvoice).toEqual({ available: true, enabled: false, reason: expect.stringContaining('not connected') });
    const refused = await h.appFetch(`/api/deals/${dealId}/invoices`, { method: 'POST' });
    expect(refused.status).toBe(409);
    expect(created).toEqual([dealId]);
  });
});
