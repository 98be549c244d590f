import { Client } from '@hubspot/api-client';
import { defaultAssociationType } from '../../emulators/hubspot/associations/types';
import type { ObjectTypeName } from '../../emulators/hubspot/objects/types';
import type { QboClient } from '../../functions/quickbooks/client';
import type { QboInvoice } from '../../functions/quickbooks/schemas';
import type { Connection } from '../../functions/store/connections';
import type { InvoiceSettings } from '../../functions/sync/invoices/settings';
import { startHarness, type Harness } from '../helpers/harness';

/**
 * HubSpot invoices → QuickBooks, end to end on both emulators: a person builds and finalizes invoices in HubSpot (as a
 * HubSpot user: their webhooks reach the app), an accountant works in QuickBooks through node-quickbooks, HubSpot is
 * read back through the official client.
 */

interface Line {
  product: string;
  quantity: string;
}

/** A HubSpot user's draft invoice with its contact, line items (each from a product), deal and taxes; returns its id. */
function draftInvoice(
  h: Harness,
  input: { currency: string; contact: string; lines: Line[]; deal?: string; taxes?: string[]; properties?: Record<string, string> },
): string {
  const emu = h.hubspot.emulator;
  const invoice = emu.createAsUser('invoices', { hs_currency: input.currency, ...input.properties });
  const associate = (toType: ObjectTypeName, toId: string) =>
    emu.records.associations.add('invoices', invoice.id, toType, toId, [defaultAssociationType('invoices', toType)!]);
  associate('contacts', input.contact);
  for (const line of input.lines) associate('line_items', emu.createAsUser('line_items', { hs_product_id: line.product, quantity: line.quantity }).id);
  if (input.deal) associate('deals', input.deal);
  for (const tax of input.taxes ?? []) associate('taxes', tax);
  return invoice.id;
}

const salesLines = (invoice: QboInvoice) => invoice.Line.filter((l) => l.DetailType === 'SalesItemLineDetail');

describe('HubSpot invoices → QuickBooks (US company)', () => {
  let h: Harness;
  let connection: Connection;
  let hubspotApi: Client;
  let accountant: QboClient;
  let contact: string;
  let deal: string;
  let products: string[];
  let customerId: string;
  let itemIds: string[];

  const finalize = (id: string) => h.hubspot.emulator.editAsUser('invoices', id, { hs_invoice_status: 'open' });
  const qboInvoiceOf = async (hubspotId: string) => (await h.runtime.store.invoiceExports.byHubspotId(connection.id, hubspotId))?.qboInvoiceId;
  const allQboInvoices = () => accountant.query('Invoice');
  const hubspotInvoice = async (id: string) =>
    (
      await hubspotApi.crm.objects.basicApi.getById('invoices', id, [
        'hs_number',
        'hs_invoice_status',
        'hs_invoice_billable',
        'hs_amount_billed',
        'qbo_invoice_id',
        'qbo_invoice_status',
        'qbo_balance_due',
      ])
    ).properties;
  const hubspotInvoiceCount = () => h.hubspot.emulator.records.list('invoices').length;
  const saveInvoiceSettings = async (changes: Partial<InvoiceSettings>) => {
    const { settings } = await h.runtime.sync.settings<InvoiceSettings>(connection.id, 'invoices');
    const { firstSyncCompletedAt: _done, ...editable } = settings;
    await h.runtime.sync.saveSettings(connection.id, 'invoices', { ...editable, ...changes });
  };
  const pay = (invoiceId: string, amount: number, ref: string) =>
    accountant.create(
      'Payment',
      {
        CustomerRef: { value: customerId },
        TotalAmt: amount,
        PaymentRefNum: ref,
        Line: [{ Amount: amount, LinkedTxn: [{ TxnId: invoiceId, TxnType: 'Invoice' }] }],
      },
      { requestId: `pay-${ref}` },
    );

  beforeAll(async () => {
    h = await startHarness();
    hubspotApi = new Client({ accessToken: h.hubspot.emulator.issueToken().accessToken, basePath: h.hubspot.info.url });
    accountant = h.qboUser();
    const seeded = h.hubspot.emulator.seed({
      contacts: [{ email: 'grace@hopper.dev', firstname: 'Grace', lastname: 'Hopper' }],
      products: [
        { name: 'Consulting hour', price: '150', hs_sku: 'CONS-1' },
        { name: 'Support plan', price: '40.50', hs_sku: 'SUP-1' },
      ],
      deals: [{ properties: { dealname: 'Hopper rollout' }, contactIndexes: [0] }],
    });
    [contact] = seeded.contacts as [string];
    products = seeded.products;
    deal = seeded.deals[0]!.id;
    const created = h.qbo.emulator.seed({
      entities: {
        Customer: [{ DisplayName: 'Grace Hopper', PrimaryEmailAddr: { Address: 'grace@hopper.dev' } }],
        Item: [
          { Name: 'Consulting hour', Sku: 'CONS-1', Type: 'Service', UnitPrice: 150, IncomeAccountRef: { value: '1' } },
          { Name: 'Support plan', Sku: 'SUP-1', Type: 'Service', UnitPrice: 40.5, IncomeAccountRef: { value: '1' } },
        ],
      },
    });
    customerId = String(created.Customer![0]!.Id);
    itemIds = created.Item!.map((i) => String(i.Id));

    connection = await h.connect();
    await h.syncsOn(connection, 'contacts', 'products');
    await saveInvoiceSettings({ direction: 'both' });
    await h.runtime.sync.setEnabled(connection.id, 'invoices', true);
    await h.drain();
  });
  afterAll(() => h.stop());

  test('a finalized two-line HubSpot invoice becomes exactly one QuickBooks invoice; QuickBooks numbers it and HubSpot gets the number; nothing new in HubSpot', async () => {
    const id = draftInvoice(h, {
      currency: 'USD',
      contact,
      deal,
      lines: [
        { product: products[0]!, quantity: '2' },
        { product: products[1]!, quantity: '3' },
      ],
      properties: { hs_due_date: '2026-02-14T00:00:00.000Z', hs_comments: 'Thank you!', hs_purchase_order_number: 'PO-77' },
    });
    const before = hubspotInvoiceCount();
    await h.drain();
    // A draft is not sent.
    expect(await qboInvoiceOf(id)).toBeUndefined();

    finalize(id);
    await h.drain();
    const qboId = await qboInvoiceOf(id);
    const invoice = await accountant.get('Invoice', qboId!);
    expect(invoice).toMatchObject({
      CustomerRef: { value: customerId },
      CurrencyRef: { value: 'USD' },
      DueDate: '2026-02-14',
      CustomerMemo: { value: 'PO number: PO-77\nThank you!' },
      TotalAmt: 421.5,
      Balance: 421.5,
    });
    expect(
      salesLines(invoice).map((l) => [l.SalesItemLineDetail?.ItemRef?.value, l.SalesItemLineDetail?.Qty, l.SalesItemLineDetail?.UnitPrice, l.Amount]),
    ).toEqual([
      [itemIds[0], 2, 150, 300],
      [itemIds[1], 3, 40.5, 121.5],
    ]);
    expect(await hubspotInvoice(id)).toMatchObject({
      hs_number: invoice.DocNumber,
      hs_invoice_status: 'open',
      hs_amount_billed: '421.50',
      qbo_invoice_id: qboId,
      qbo_invoice_status: 'open',
    });
    // HubSpot's own invoice stays billable in HubSpot: the sync does not turn it into an outside invoice.
    expect((await hubspotInvoice(id)).hs_invoice_billable).toBeNull();
    expect(hubspotInvoiceCount()).toBe(before);
    expect((await allQboInvoices()).filter((i) => i.Id === qboId)).toHaveLength(1);
  });

  test('repeated webhooks, retries and reconciliation create nothing twice; a lost webhook is caught by reconciliation', async () => {
    const id = draftInvoice(h, { currency: 'USD', contact, lines: [{ product: products[0]!, quantity: '1' }] });
    finalize(id);
    await h.drain();
    const count = (await allQboInvoices()).length;
    // The same change named again (a redelivered webhook, a retry from sync health) and a reconciliation pass.
    await h.runtime.sync.enqueueChanges(connection.id, 'invoices_to_qbo', { hubspot: { invoices: [id] } });
    await h.runtime.sync.syncNow(connection.id, 'invoices_to_qbo', { hubspot: { invoices: [id] } });
    await h.advance(5 * 60_000);
    await h.drain();
    expect((await allQboInvoices()).length).toBe(count);

    h.hubspot.emulator.dropWebhooks();
    const lost = draftInvoice(h, { currency: 'USD', contact, lines: [{ product: products[1]!, quantity: '1' }] });
    finalize(lost);
    await h.drain();
    expect(await qboInvoiceOf(lost)).toBeUndefined();
    h.hubspot.emulator.dropWebhooks(false);
    await h.advance(5 * 60_000);
    await h.drain();
    expect(await qboInvoiceOf(lost)).toBeDefined();
    expect((await allQboInvoices()).length).toBe(count + 1);
  });

  test('QuickBooks payments mark it partially paid, then paid, in HubSpot and on the deal timeline', async () => {
    const id = draftInvoice(h, { currency: 'USD', contact, deal, lines: [{ product: products[0]!, quantity: '2' }] });
    finalize(id);
    await h.drain();
    const qboId = (await qboInvoiceOf(id))!;
    await pay(qboId, 100, 'CHK-1');
    await h.drain();
    expect(await hubspotInvoice(id)).toMatchObject({ hs_invoice_status: 'open', qbo_invoice_status: 'partially_paid', qbo_balance_due: '200.00' });
    await pay(qboId, 200, 'CHK-2');
    await h.drain();
    expect(await hubspotInvoice(id)).toMatchObject({ hs_invoice_status: 'paid', qbo_invoice_status: 'paid', qbo_balance_due: '0.00' });
    const number = (await accountant.get('Invoice', qboId)).DocNumber;
    const events = h.hubspot.emulator.timelineEvents('deals', deal).filter((e) => e.properties['invoiceNumber'] === number);
    expect(events.map((e) => e.properties['amount'])).toEqual(['$100.00', '$200.00']);
  });

  test('a void in HubSpot voids the QuickBooks invoice; a void in QuickBooks voids the HubSpot invoice', async () => {
    const inHubspot = draftInvoice(h, { currency: 'USD', contact, lines: [{ product: products[0]!, quantity: '1' }] });
    const inQbo = draftInvoice(h, { currency: 'USD', contact, lines: [{ product: products[1]!, quantity: '1' }] });
    finalize(inHubspot);
    finalize(inQbo);
    await h.drain();

    h.hubspot.emulator.editAsUser('invoices', inHubspot, { hs_invoice_status: 'voided' });
    await h.drain();
    expect(await accountant.get('Invoice', (await qboInvoiceOf(inHubspot))!)).toMatchObject({ TotalAmt: 0, PrivateNote: expect.stringMatching(/^Voided/) });

    const qboId = (await qboInvoiceOf(inQbo))!;
    expect((await h.qboPost('invoice', { Id: qboId, SyncToken: (await accountant.get('Invoice', qboId)).SyncToken }, 'operation=void')).status).toBe(200);
    await h.drain();
    expect(await hubspotInvoice(inQbo)).toMatchObject({ hs_invoice_status: 'voided', qbo_invoice_status: 'voided' });
  });

  test('a QuickBooks edit of the lines is flagged in sync health with what changed, or reverted, per setting', async () => {
    const id = draftInvoice(h, { currency: 'USD', contact, lines: [{ product: products[0]!, quantity: '2' }] });
    finalize(id);
    await h.drain();
    const qboId = (await qboInvoiceOf(id))!;
    const editLine = async (qty: number) => {
      const current = await accountant.get('Invoice', qboId);
      const [line] = salesLines(current);
      await accountant.update('Invoice', {
        Id: qboId,
        SyncToken: current.SyncToken,
        sparse: true,
        Line: [{ ...line, Amount: qty * 150, SalesItemLineDetail: { ...line!.SalesItemLineDetail, Qty: qty } }],
      });
      await h.drain();
    };

    await editLine(3);
    const health = (await (await h.appFetch('/api/sync-health')).json()) as { failures: { object: string; code: string; message: string }[] };
    const flagged = health.failures.filter((f) => f.code === 'owned_fields_edited_in_qbo');
    expect(flagged).toHaveLength(1);
    expect(flagged[0]!.message).toContain('line 1 quantity 2 → 3; line 1 amount 300.00 → 450.00');
    // Flagged, not lost and not reverted: QuickBooks keeps the edit.
    expect((await accountant.get('Invoice', qboId)).TotalAmt).toBe(450);

    await saveInvoiceSettings({ onOwnedFieldEdit: 'revert' });
    await editLine(4);
    expect(salesLines(await accountant.get('Invoice', qboId)).map((l) => [l.SalesItemLineDetail?.Qty, l.Amount])).toEqual([[2, 300]]);
    const log = (await (await h.appFetch('/api/sync-log?object=invoices')).json()) as { entries: { action: string; message: string }[] };
    expect(log.entries.find((e) => e.action === 'owned_fields' && e.message.includes('put back'))?.message).toContain('line 1 quantity 2 → 4');
    // The lines match again: the flag is answered and leaves sync health.
    const after = (await (await h.appFetch('/api/sync-health')).json()) as { failures: { code: string }[] };
    expect(after.failures.filter((f) => f.code === 'owned_fields_edited_in_qbo')).toHaveLength(0);
  });
});
