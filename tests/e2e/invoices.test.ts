import { Client } from '@hubspot/api-client';
import { signPayload } from '../../emulators/quickbooks/webhooks';
import { qboQuote, type QboClient } from '../../functions/quickbooks/client';
import type { QboInvoice, QboPayment } from '../../functions/quickbooks/schemas';
import type { Connection } from '../../functions/store/connections';
import { ensureAppProperties } from '../../functions/sync/app-properties';
import { PUBLIC_URL, startHarness, type Harness } from '../helpers/harness';
import type { InvoicePreview } from '../../functions/sync/invoices/sync';

const DEAL_PROPERTIES = [
  'qbo_invoice_number',
  'qbo_invoice_status',
  'qbo_invoice_amount_billed',
  'qbo_invoice_balance_due',
  'qbo_invoice_currency',
  'qbo_invoice_recipient',
  'qbo_invoice_due_date',
  'qbo_invoice_days_overdue',
];
const INVOICE_PROPERTIES = [
  'hs_number',
  'hs_currency',
  'hs_invoice_date',
  'hs_due_date',
  'hs_invoice_status',
  'hs_invoice_billable',
  'qbo_invoice_id',
  'qbo_invoice_status',
  'qbo_amount_billed',
  'qbo_balance_due',
  'qbo_days_overdue',
  'qbo_recipient',
  'qbo_invoice_link',
];

/**
 * Invoices and payments QBO → HubSpot end to end: an accountant works in QBO through node-quickbooks (and the
 * raw void/delete operations node-quickbooks lacks), HubSpot is read back through the official client. The
 * emulator's company is in Los Angeles; the simulated clock starts 2026-01-15 12:00 UTC (04:00 there).
 */
describe('Invoices and payments QBO → HubSpot', () => {
  let h: Harness;
  let connection: Connection;
  let hubspotApi: Client;
  let accountant: QboClient;
  let customerId: string;
  let contactId: string;
  let renewalDeal: string;
  let expansionDeal: string;
  const ids: Record<string, string> = {};

  const line = (amount: number) => [
    { DetailType: 'SalesItemLineDetail', Amount: amount, SalesItemLineDetail: { ItemRef: { value: '1' }, Qty: 1, UnitPrice: amount } },
  ];
  const dealField = (dealId: string) => [{ DefinitionId: '1', Type: 'StringType', StringValue: dealId }];
  const newInvoice = (body: Record<string, unknown>) =>
    accountant.create('Invoice', { CustomerRef: { value: customerId }, ...body }, { requestId: `inv-${Object.keys(ids).length}-${String(body.DocNumber)}` });
  const invoiceOf = (qboId: string) => accountant.get('Invoice', qboId);
  /** Void and delete, which node-quickbooks does not offer for every entity (https://github.com/mcohen01/node-quickbooks/blob/master/index.js). */
  const qboOperation = async (entity: 'invoice' | 'payment', query: string, body: Record<string, unknown>) => {
    expect((await h.qboPost(entity, body, query)).status).toBe(200);
  };
  const pay = (invoiceId: string, amount: number, ref: string, method = { value: '2' }) =>
    accountant.create(
      'Payment',
      {
        CustomerRef: { value: customerId },
        TotalAmt: amount,
        PaymentRefNum: ref,
        PaymentMethodRef: method,
        Line: [{ Amount: amount, LinkedTxn: [{ TxnId: invoiceId, TxnType: 'Invoice' }] }],
      },
      { requestId: `pay-${ref}` },
    );

  const hubspotInvoiceId = async (qboId: string) => (await h.runtime.store.links.byQboId(connection.id, 'invoices', qboId))!.hubspotId;
  const hubspotInvoice = async (qboId: string) =>
    (await hubspotApi.crm.objects.basicApi.getById('invoices', await hubspotInvoiceId(qboId), INVOICE_PROPERTIES)).properties;
  const associated = async (qboId: string, toType: string) =>
    (await hubspotApi.crm.associations.v4.basicApi.getPage('invoices', await hubspotInvoiceId(qboId), toType)).results.map((r) => String(r.toObjectId));
  const deal = async (dealId: string) => (await hubspotApi.crm.deals.basicApi.getById(dealId, DEAL_PROPERTIES)).properties;
  const timeline = (dealId: string) => h.hubspot.emulator.timelineEvents('deals', dealId);

  beforeAll(async () => {
    h = await startHarness();
    hubspotApi = new Client({ accessToken: h.hubspot.emulator.issueToken().accessToken, basePath: h.hubspot.info.url });
    accountant = h.qboUser();

    const seeded = h.hubspot.emulator.seed({
      contacts: [{ email: 'ada@lovelace.dev', firstname: 'Ada', lastname: 'Lovelace' }],
      deals: [
        { properties: { dealname: 'Ada renewal', amount: '300' }, contactIndexes: [0] },
        { properties: { dealname: 'Ada expansion', amount: '800' }, contactIndexes: [0] },
      ],
    });
    [renewalDeal, expansionDeal] = seeded.deals.map((d) => d.id) as [string, string];
    const created = h.qbo.emulator.seed({ entities: { Customer: [{ DisplayName: 'Ada Lovelace', PrimaryEmailAddr: { Address: 'ada@lovelace.dev' } }] } });
    customerId = String(created.Customer![0]!.Id);

    connection = await h.connect();
    await ensureAppProperties(h.runtime.clients.hubspot(connection));
    await h.runtime.sync.setEnabled(connection.id, 'contacts', true);
    await h.drain();
    contactId = (await h.runtime.store.links.byQboId(connection.id, 'contacts', customerId))!.hubspotId;
  });
  afterAll(() => h.stop());

  test('the first sync previews, then brings existing invoices with their contact, their deal and the deal properties', async () => {
    ids.a = (await newInvoice({ DocNumber: 'A-1', TxnDate: '2026-01-05', DueDate: '2026-02-04', Line: line(300), CustomField: dealField(renewalDeal) })).Id;
    ids.z = (await newInvoice({ DocNumber: 'Z-1', TxnDate: '2026-01-06', DueDate: '2026-02-05', Line: line(50) })).Id;

    const preview = await h.runtime.sync.preview<InvoicePreview>(connection.id, 'invoices');
    expect(preview.counts).toMatchObject({ invoices: 2, create: 2, update: 0, withDeal: 1, withoutContact: 0, byStatus: { open: 2 } });
    expect(preview.samples[0]).toMatchObject({ number: 'A-1', status: 'open', amountBilled: '300.00', dealId: renewalDeal, contactId });
    expect(await h.runtime.store.links.count(connection.id, 'invoices')).toBe(0);

    await h.runtime.sync.setEnabled(connection.id, 'invoices', true);
    await h.drain();

    expect(await hubspotInvoice(ids.a)).toMatchObject({
      hs_number: 'A-1',
      hs_currency: 'USD',
      hs_invoice_date: '2026-01-05T00:00:00.000Z',
      hs_due_date: '2026-02-04T00:00:00.000Z',
      hs_invoice_status: 'open',
      hs_invoice_billable: 'false',
      qbo_invoice_id: ids.a,
      qbo_invoice_status: 'open',
      qbo_amount_billed: '300.00',
      qbo_balance_due: '300.00',
      qbo_recipient: 'Ada Lovelace',
      qbo_invoice_link: expect.stringContaining(`/app/invoice?txnId=${ids.a}`),
    });
    expect(await associated(ids.a, 'contacts')).toEqual([contactId]);
    expect(await associated(ids.a, 'deals')).toEqual([renewalDeal]);
    // No deal named anywhere: the contact only.
    expect(await associated(ids.z, 'contacts')).toEqual([contactId]);
    expect(await associated(ids.z, 'deals')).toEqual([]);
    expect(await deal(renewalDeal)).toMatchObject({
      qbo_invoice_number: 'A-1',
      qbo_invoice_status: 'open',
      qbo_invoice_amount_billed: '300.00',
      qbo_invoice_balance_due: '300.00',
      qbo_invoice_recipient: 'Ada Lovelace',
      qbo_invoice_due_date: '2026-02-04',
      qbo_invoice_days_overdue: '0',
    });
  });

  test("a new QBO invoice arrives by webhook; overdue is judged by the company's calendar", async () => {
    // Due on the 14th: in Los Angeles it is already the 15th, so it is one day overdue.
    ids.b = (await newInvoice({ DocNumber: 'B-1', TxnDate: '2025-12-15', DueDate: '2026-01-14', Line: line(800), CustomField: dealField(expansionDeal) })).Id;
    await h.drain();
    expect(await hubspotInvoice(ids.b)).toMatchObject({
      hs_invoice_status: 'open',
      qbo_invoice_status: 'overdue',
      qbo_days_overdue: '1',
      qbo_balance_due: '800.00',
    });
    expect(await associated(ids.b, 'deals')).toEqual([expansionDeal]);
    expect(await deal(expansionDeal)).toMatchObject({
      qbo_invoice_number: 'B-1',
      qbo_invoice_status: 'overdue',
      qbo_invoice_days_overdue: '1',
      qbo_invoice_amount_billed: '800.00',
    });
  });

  test('editing the invoice in QBO updates HubSpot; an unchanged re-sync writes nothing', async () => {
    const b = await invoiceOf(ids.b!);
    await accountant.update('Invoice', { Id: b.Id, SyncToken: b.SyncToken, sparse: true, DocNumber: 'B-2', Line: line(1000) });
    await h.drain();
    expect(await hubspotInvoice(ids.b!)).toMatchObject({ hs_number: 'B-2', qbo_amount_billed: '1000.00', qbo_balance_due: '1000.00' });
    expect(await deal(expansionDeal)).toMatchObject({ qbo_invoice_number: 'B-2', qbo_invoice_amount_billed: '1000.00' });

    const before = (await hubspotApi.crm.objects.basicApi.getById('invoices', await hubspotInvoiceId(ids.b!))).updatedAt;
    await h.runtime.sync.enqueueChanges(connection.id, 'invoices', { qbo: { Invoice: [ids.b!] } });
    await h.drain();
    expect((await hubspotApi.crm.objects.basicApi.getById('invoices', await hubspotInvoiceId(ids.b!))).updatedAt).toEqual(before);
  });

  test('a part payment updates invoice and deal and lands on the deal timeline once, however often webhooks repeat', async () => {
    const payment: QboPayment = await pay(ids.b!, 250, 'CHK-1001');
    ids.p1 = payment.Id;
    await h.drain();
    expect(await hubspotInvoice(ids.b!)).toMatchObject({ hs_invoice_status: 'open', qbo_invoice_status: 'partially_paid', qbo_balance_due: '750.00' });
    expect(await deal(expansionDeal)).toMatchObject({ qbo_invoice_status: 'partially_paid', qbo_invoice_balance_due: '750.00' });
    expect(timeline(expansionDeal)).toHaveLength(1);
    expect(timeline(expansionDeal)[0]).toMatchObject({
      eventTypeName: expect.stringContaining('payment_received'),
      properties: { amount: '$250.00', invoiceNumber: 'B-2', paymentMethod: 'Check', reference: 'CHK-1001' },
    });

    // Intuit redelivers the same notification, and sends another one (new event id) for the same payment.
    const paymentDelivery = [...h.qbo.emulator.webhookAttempts].reverse().find((a) => a.body.includes('qbo.payment.created'))!;
    const post = (body: string) =>
      h.runtime.app.request(`${PUBLIC_URL}/webhooks/quickbooks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'intuit-signature': signPayload(body, h.qbo.info.webhookVerifierToken) },
        body,
      });
    expect((await post(paymentDelivery.body)).status).toBe(200);
    const again = JSON.stringify(
      (JSON.parse(paymentDelivery.body) as Record<string, unknown>[])
        .filter((e) => e.type === 'qbo.payment.created.v1')
        .map((e) => ({ ...e, id: `${String(e.id)}-again`, type: 'qbo.payment.updated.v1' })),
    );
    expect((await post(again)).status).toBe(200);
    await h.drain();
    // And reconciliation passes over the same payment.
    await h.advance(5 * 60_000);
    await h.drain();
    expect(timeline(expansionDeal)).toHaveLength(1);

    // A run that sent the event but died before recording it: HubSpot refuses the same occurrence id (409).
    await h.db.query('UPDATE payment_applications SET received_sent = false WHERE qbo_payment_id = $1', [payment.Id]);
    await h.runtime.sync.enqueueChanges(connection.id, 'invoices', { qbo: { Payment: [payment.Id] } });
    await h.drain();
    expect(timeline(expansionDeal)).toHaveLength(1);
    expect((await h.runtime.invoiceStore.payments(connection.id, payment.Id))[0]).toMatchObject({ receivedSent: true });
  });

  test('paying in full marks invoice and deal paid, with a second timeline event', async () => {
    ids.p2 = (await pay(ids.b!, 750, 'VISA-42', { value: '3' })).Id;
    await h.drain();
    expect(await hubspotInvoice(ids.b!)).toMatchObject({
      hs_invoice_status: 'paid',
      qbo_invoice_status: 'paid',
      qbo_balance_due: '0.00',
      qbo_days_overdue: '0',
    });
    expect(await deal(expansionDeal)).toMatchObject({ qbo_invoice_status: 'paid', qbo_invoice_balance_due: '0.00', qbo_invoice_days_overdue: '0' });
    expect(timeline(expansionDeal).map((e) => e.properties['amount'])).toEqual(['$250.00', '$750.00']);
  });

  test('a voided and a deleted payment are reflected on the invoice and the deal, each with a reversal event', async () => {
    const p1 = await accountant.get('Payment', ids.p1!);
    await qboOperation('payment', 'operation=update&include=void', { Id: p1.Id, SyncToken: p1.SyncToken, sparse: true });
    await h.drain();
    expect(await hubspotInvoice(ids.b!)).toMatchObject({ hs_invoice_status: 'open', qbo_invoice_status: 'partially_paid', qbo_balance_due: '250.00' });

    const p2 = await accountant.get('Payment', ids.p2!);
    await qboOperation('payment', 'operation=delete', { Id: p2.Id, SyncToken: p2.SyncToken });
    await h.drain();
    expect(await hubspotInvoice(ids.b!)).toMatchObject({ qbo_invoice_status: 'overdue', qbo_balance_due: '1000.00', qbo_days_overdue: '1' });
    expect(await deal(expansionDeal)).toMatchObject({ qbo_invoice_status: 'overdue', qbo_invoice_balance_due: '1000.00' });

    const reversals = timeline(expansionDeal).filter((e) => e.eventTypeName.includes('payment_reversed'));
    expect(reversals.map((e) => [e.properties['amount'], e.properties['change']])).toEqual([
      ['$250.00', 'voided'],
      ['$750.00', 'deleted'],
    ]);
    expect(timeline(expansionDeal)).toHaveLength(4);
  });

  test('two invoices on one deal: the most recently updated one sets the deal properties', async () => {
    // Created by the "Create invoice" action from the renewal deal: no custom field, the recorded origin decides.
    await h.advance(1_000);
    const c = await newInvoice({ DocNumber: 'C-1', TxnDate: '2026-01-15', DueDate: '2026-02-14', Line: line(120) });
    ids.c = c.Id;
    await h.runtime.invoiceStore.recordOrigin(connection.id, c.Id, renewalDeal);
    await h.drain();
    expect(await associated(ids.c, 'deals')).toEqual([renewalDeal]);
    expect(await deal(renewalDeal)).toMatchObject({ qbo_invoice_number: 'C-1', qbo_invoice_amount_billed: '120.00' });

    await h.advance(1_000);
    const a = await invoiceOf(ids.a!);
    await accountant.update('Invoice', { Id: a.Id, SyncToken: a.SyncToken, sparse: true, CustomerMemo: { value: 'Thanks!' }, Line: line(320) });
    await h.drain();
    expect(await deal(renewalDeal)).toMatchObject({ qbo_invoice_number: 'A-1', qbo_invoice_amount_billed: '320.00' });
  });

  test('deleting an invoice archives it; voiding shows voided; with no invoice left the deal is cleared', async () => {
    const a = await invoiceOf(ids.a!);
    const archivedId = await hubspotInvoiceId(ids.a!);
    await qboOperation('invoice', 'operation=delete', { Id: a.Id, SyncToken: a.SyncToken });
    await h.drain();
    await expect(hubspotApi.crm.objects.basicApi.getById('invoices', archivedId)).rejects.toMatchObject({ code: 404 });
    expect(await deal(renewalDeal)).toMatchObject({ qbo_invoice_number: 'C-1', qbo_invoice_status: 'open' });

    await h.advance(1_000);
    const c: QboInvoice = await invoiceOf(ids.c!);
    await qboOperation('invoice', 'operation=void', { Id: c.Id, SyncToken: c.SyncToken });
    await h.drain();
    expect(await hubspotInvoice(ids.c!)).toMatchObject({
      hs_invoice_status: 'voided',
      qbo_invoice_status: 'voided',
      qbo_amount_billed: '0.00',
      qbo_balance_due: '0.00',
    });
    expect(await deal(renewalDeal)).toMatchObject({ qbo_invoice_number: 'C-1', qbo_invoice_status: 'voided' });

    const voided = await invoiceOf(ids.c!);
    await qboOperation('invoice', 'operation=delete', { Id: voided.Id, SyncToken: voided.SyncToken });
    await h.drain();
    expect(await deal(renewalDeal)).toMatchObject({ qbo_invoice_number: null, qbo_invoice_status: null, qbo_invoice_amount_billed: null });
    const [found] = await accountant.query('Invoice', `Id = ${qboQuote(ids.c!)}`);
    expect(found).toBeUndefined();
  });

  test('lost webhooks: reconciliation brings a new invoice within 10 minutes, and days overdue follow the calendar', async () => {
    h.qbo.emulator.dropWebhooks(true);
    ids.d = (await newInvoice({ DocNumber: 'D-1', TxnDate: '2026-01-15', DueDate: '2026-01-20', Line: line(75), CustomField: dealField(renewalDeal) })).Id;
    await h.drain();
    expect(await h.runtime.store.links.byQboId(connection.id, 'invoices', ids.d)).toBeUndefined();
    await h.advance(5 * 60_000);
    await h.drain();
    await h.advance(5 * 60_000);
    await h.drain();
    expect(await hubspotInvoice(ids.d)).toMatchObject({ hs_number: 'D-1', qbo_invoice_status: 'open' });
    h.qbo.emulator.dropWebhooks(false);

    // Seven days on, nothing changed in QBO, yet D-1 is two days overdue and B-2 eight.
    await h.advance(7 * 24 * 3600_000);
    await h.drain();
    await h.advance(5 * 60_000);
    await h.drain();
    hubspotApi = new Client({ accessToken: h.hubspot.emulator.issueToken().accessToken, basePath: h.hubspot.info.url });
    expect(await hubspotInvoice(ids.d)).toMatchObject({ qbo_invoice_status: 'overdue', qbo_days_overdue: '2' });
    expect(await deal(expansionDeal)).toMatchObject({ qbo_invoice_days_overdue: '8' });
  });

  test('an invoice moved to another deal in QBO leaves the old deal: associations and roll-ups follow it', async () => {
    const hubspotId = await hubspotInvoiceId(ids.d!);
    const dealInvoices = async (dealId: string) =>
      (await hubspotApi.crm.associations.v4.basicApi.getPage('deals', dealId, 'invoices')).results.map((r) => String(r.toObjectId));
    expect(await dealInvoices(renewalDeal)).toEqual([hubspotId]);

    await h.advance(1_000);
    const d = await invoiceOf(ids.d!);
    await accountant.update('Invoice', { Id: d.Id, SyncToken: d.SyncToken, sparse: true, CustomField: dealField(expansionDeal) });
    await h.drain();

    expect(await associated(ids.d!, 'deals')).toEqual([expansionDeal]);
    expect(await associated(ids.d!, 'contacts')).toEqual([contactId]);
    expect(await dealInvoices(renewalDeal)).toEqual([]);
    expect((await dealInvoices(expansionDeal)).sort()).toEqual([await hubspotInvoiceId(ids.b!), hubspotId].sort());
    // D-1 was the renewal deal's last invoice; on the expansion deal it is now the most recently updated one.
    expect(await deal(renewalDeal)).toMatchObject({
      qbo_invoice_number: null,
      qbo_invoice_status: null,
      qbo_invoice_amount_billed: null,
      qbo_invoice_balance_due: null,
    });
    expect(await deal(expansionDeal)).toMatchObject({ qbo_invoice_number: 'D-1', qbo_invoice_amount_billed: '75.00' });

    // The deal field cleared in QBO: the invoice keeps its contact and belongs to no deal; B-2 is the expansion deal's again.
    await h.advance(1_000);
    const moved = await invoiceOf(ids.d!);
    await accountant.update('Invoice', {
      Id: moved.Id,
      SyncToken: moved.SyncToken,
      sparse: true,
      CustomField: [{ DefinitionId: '1', Type: 'StringType', StringValue: '' }],
    });
    await h.drain();
    expect(await associated(ids.d!, 'deals')).toEqual([]);
    expect(await associated(ids.d!, 'contacts')).toEqual([contactId]);
    expect(await dealInvoices(expansionDeal)).toEqual([await hubspotInvoiceId(ids.b!)]);
    expect(await deal(expansionDeal)).toMatchObject({ qbo_invoice_number: 'B-2' });
  });
});
