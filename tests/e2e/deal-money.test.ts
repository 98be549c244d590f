import { Client } from '@hubspot/api-client';
import type { QboClient } from '../../functions/quickbooks/client';
import type { Connection } from '../../functions/store/connections';
import { startHarness, type Harness } from '../helpers/harness';

const DEAL_PROPERTIES = [
  'qbo_invoice_number',
  'qbo_invoice_status',
  'qbo_invoice_balance_due',
  'qbo_invoices_count',
  'qbo_invoices_total_billed',
  'qbo_invoices_total_paid',
  'qbo_invoices_total_outstanding',
  'qbo_invoices_overdue_count',
  'qbo_invoices_currency',
];

/**
 * What a deal says about money, as a finance team reads it: the latest invoice's properties (HubSpot's own QuickBooks
 * integration's rule) beside totals across all of the deal's invoices, and a timeline of money received only, that
 * follows an accountant's edits. The accountant works in QBO through node-quickbooks and the raw API (credit memos).
 */
describe("a deal's money: totals across its invoices, and a timeline of money received", () => {
  let h: Harness;
  let connection: Connection;
  let hubspotApi: Client;
  let accountant: QboClient;
  let customerId: string;
  let dealId: string;
  const ids: Record<string, string> = {};

  const line = (amount: number) => [
    { DetailType: 'SalesItemLineDetail', Amount: amount, SalesItemLineDetail: { ItemRef: { value: '1' }, Qty: 1, UnitPrice: amount } },
  ];
  const newInvoice = (doc: string, amount: number, dueDate: string) =>
    accountant.create(
      'Invoice',
      {
        CustomerRef: { value: customerId },
        DocNumber: doc,
        TxnDate: '2026-01-02',
        DueDate: dueDate,
        Line: line(amount),
        CustomField: [{ DefinitionId: '1', Type: 'StringType', StringValue: dealId }],
      },
      { requestId: `inv-${doc}` },
    );
  /** Credit memos through the raw API (the product's adapter has no use for them). */
  const newCreditMemo = async (amount: number): Promise<{ Id: string }> => {
    const res = await h.qboPost('creditmemo', { CustomerRef: { value: customerId }, Line: line(amount) });
    expect(res.status).toBe(200);
    return res.body.CreditMemo as { Id: string };
  };
  const deal = async () => (await hubspotApi.crm.deals.basicApi.getById(dealId, DEAL_PROPERTIES)).properties;
  const timeline = () =>
    h.hubspot.emulator
      .timelineEvents('deals', dealId)
      .map((e) => [e.eventTypeName.replace(/^.*?(payment_\w+)$/, '$1'), e.properties['amount'], e.properties['previousAmount']]);

  beforeAll(async () => {
    h = await startHarness();
    hubspotApi = new Client({ accessToken: h.hubspot.emulator.issueToken().accessToken, basePath: h.hubspot.info.url });
    accountant = h.qboUser();
    const seeded = h.hubspot.emulator.seed({
      contacts: [{ email: 'ada@lovelace.dev', firstname: 'Ada', lastname: 'Lovelace' }],
      deals: [{ properties: { dealname: 'Ada expansion', amount: '1500' }, contactIndexes: [0] }],
    });
    dealId = seeded.deals[0]!.id;
    customerId = String(
      h.qbo.emulator.seed({ entities: { Customer: [{ DisplayName: 'Ada Lovelace', PrimaryEmailAddr: { Address: 'ada@lovelace.dev' } }] } }).Customer![0]!.Id,
    );
    connection = await h.connect();
    await h.syncsOn(connection, 'contacts', 'invoices');
  });
  afterAll(() => h.stop());

  test('the latest invoice may be paid while another is owed: the totals say what is owed, and how much is overdue', async () => {
    ids.overdue = (await newInvoice('E-1', 1000, '2026-01-10')).Id;
    await h.advance(1_000);
    ids.paid = (await newInvoice('E-2', 500, '2026-02-01')).Id;
    await h.drain();
    await h.advance(1_000);
    ids.p1 = (
      await accountant.create(
        'Payment',
        { CustomerRef: { value: customerId }, TotalAmt: 500, Line: [{ Amount: 500, LinkedTxn: [{ TxnId: ids.paid, TxnType: 'Invoice' }] }] },
        { requestId: 'pay-e2' },
      )
    ).Id;
    await h.drain();

    expect(await deal()).toEqual(
      expect.objectContaining({
        // The most recently updated invoice, as documented for HubSpot's own integration…
        qbo_invoice_number: 'E-2',
        qbo_invoice_status: 'paid',
        qbo_invoice_balance_due: '0.00',
        // …and what the deal is really owed.
        qbo_invoices_count: '2',
        qbo_invoices_total_billed: '1500.00',
        qbo_invoices_total_paid: '500.00',
        qbo_invoices_total_outstanding: '1000.00',
        qbo_invoices_overdue_count: '1',
        qbo_invoices_currency: 'USD',
      }),
    );
    expect(timeline()).toEqual([['payment_received', '$500.00', undefined]]);
  });

  test('a payment that uses a credit memo reports the money received only; credit alone reports nothing', async () => {
    const memo = await newCreditMemo(200);
    await h.advance(1_000);
    // $300 off E-1: $200 of credit and $100 of money.
    ids.p2 = (
      await accountant.create(
        'Payment',
        {
          CustomerRef: { value: customerId },
          TotalAmt: 100,
          Line: [
            { Amount: 300, LinkedTxn: [{ TxnId: ids.overdue!, TxnType: 'Invoice' }] },
            { Amount: 200, LinkedTxn: [{ TxnId: memo.Id, TxnType: 'CreditMemo' }] },
          ],
        },
        { requestId: 'pay-credit' },
      )
    ).Id;
    await h.drain();
    expect(timeline()).toEqual([
      ['payment_received', '$500.00', undefined],
      ['payment_received', '$100.00', undefined],
    ]);

    const goodwill = await newCreditMemo(50);
    await h.advance(1_000);
    await accountant.create(
      'Payment',
      {
        CustomerRef: { value: customerId },
        TotalAmt: 0,
        Line: [
          { Amount: 50, LinkedTxn: [{ TxnId: ids.overdue!, TxnType: 'Invoice' }] },
          { Amount: 50, LinkedTxn: [{ TxnId: goodwill.Id, TxnType: 'CreditMemo' }] },
        ],
      },
      { requestId: 'pay-goodwill' },
    );
    await h.drain();
    expect(timeline()).toHaveLength(2);
    // Paid is money received; credit lowers what is owed without being paid.
    expect(await deal()).toMatchObject({
      qbo_invoices_total_billed: '1500.00',
      qbo_invoices_total_paid: '600.00',
      qbo_invoices_total_outstanding: '650.00',
      qbo_invoices_overdue_count: '1',
    });
  });

  test("an accountant edits a payment's amount: the timeline records the change, the totals follow", async () => {
    await h.advance(1_000);
    const p1 = await accountant.get('Payment', ids.p1!);
    await accountant.update('Payment', {
      Id: p1.Id,
      SyncToken: p1.SyncToken,
      sparse: true,
      TotalAmt: 450,
      Line: [{ Amount: 450, LinkedTxn: [{ TxnId: ids.paid!, TxnType: 'Invoice' }] }],
    });
    await h.drain();
    expect(timeline().at(-1)).toEqual(['payment_changed', '$450.00', '$500.00']);
    expect(await deal()).toMatchObject({ qbo_invoices_total_paid: '550.00', qbo_invoices_total_outstanding: '700.00' });

    // Edited back, then voided: each step is one event, and the reversal reverses what the timeline last said.
    await h.advance(1_000);
    const again = await accountant.get('Payment', ids.p1!);
    await accountant.update('Payment', {
      Id: again.Id,
      SyncToken: again.SyncToken,
      sparse: true,
      TotalAmt: 500,
      Line: [{ Amount: 500, LinkedTxn: [{ TxnId: ids.paid!, TxnType: 'Invoice' }] }],
    });
    await h.drain();
    await h.advance(1_000);
    const last = await accountant.get('Payment', ids.p1!);
    expect((await h.qboPost('payment', { Id: last.Id, SyncToken: last.SyncToken, sparse: true }, 'operation=update&include=void')).status).toBe(200);
    await h.drain();
    // Reconciliation passes over the same payments without repeating an event.
    await h.advance(5 * 60_000);
    await h.drain();
    expect(timeline().slice(2)).toEqual([
      ['payment_changed', '$450.00', '$500.00'],
      ['payment_changed', '$500.00', '$450.00'],
      ['payment_reversed', '$500.00', undefined],
    ]);
    expect(await deal()).toMatchObject({ qbo_invoices_total_paid: '100.00', qbo_invoices_total_outstanding: '1150.00' });
  });
});
