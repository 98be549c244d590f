import { ensureInvoiceProperties } from '../app-properties';
import { changedIds, type Flow } from '../flow';
import { openRun, type InvoiceCounts } from './run';
import { defaultInvoiceSettings, EditableInvoiceSettingsSchema, InvoiceSettingsSchema, type InvoiceSettings } from './settings';
import { firstSync, preview, reconcile, syncChanged, type InvoicePreview } from './sync';

/**
 * QBO invoices and payments → HubSpot invoices, deal roll-up properties and deal timeline events: the invoice sync,
 * whose settings also carry its other direction (HubSpot invoices → QBO, invoice-export/declare.ts). For an invoice made
 * in HubSpot it brings back QBO's number, dates, status and payments, and guards the lines HubSpot owns
 * (owned-fields.ts); with the direction HubSpot → QuickBooks only, invoices made in QBO are not brought.
 * - Change sources: QBO webhooks for Invoice and Payment (ids only), and reconciliation through the QBO adapter's
 *   change feed from the `invoices`/`qbo` checkpoint, which also re-reads invoices whose days overdue moved.
 * - Deletes: an invoice QBO no longer returns (or a CDC tombstone) is archived in HubSpot or kept marked deleted
 *   (settings.onDelete). A deleted payment is known from what it had applied (`payment_applications`).
 * - Idempotence: the link's hash skips writes that change nothing; a missing link is searched by `qbo_invoice_id`
 *   before creating; timeline occurrences carry a stable id and are flagged once sent. One run per connection at a
 *   time across every process (the runner's lease), so a webhook's job and a reconciliation never both create one.
 */
export const invoicesFlow: Flow<InvoiceSettings, InvoiceCounts, InvoicePreview> = {
  name: 'invoices',
  label: 'Invoices QuickBooks → HubSpot',
  direction: 'to_hubspot',
  listensTo: { hubspot: [], qbo: ['Invoice', 'Payment'] },
  qboIdProperties: [{ hubspotType: 'invoices', property: 'qbo_invoice_id' }],
  settings: { stored: InvoiceSettingsSchema, editable: EditableInvoiceSettingsSchema, defaults: defaultInvoiceSettings },
  prepare: (ctx) => ensureInvoiceProperties(ctx.hubspot),
  changed: (ctx, changes) =>
    syncChanged(openRun(ctx), { invoiceIds: changedIds(changes, 'qbo', 'Invoice'), paymentIds: changedIds(changes, 'qbo', 'Payment') }),
  reconcile: (ctx) => reconcile(openRun(ctx)),
  firstSync: (ctx) => firstSync(openRun(ctx)),
  preview: (ctx) => preview(openRun(ctx)),
  async retryOf(all, { store, connectionId }) {
    // HubSpot invoices the other direction failed to export are its to retry.
    const failed = all.filter((e) => !(e.direction === 'to_qbo' && (e.action === 'export' || e.action === 'void')));
    // A failure names a QBO invoice, a payment, or (for a deal roll-up) only the deal: the invoice or payment is synced
    // again, which also redoes its deal; a deal's roll-up is redone by syncing the deal's invoices again.
    const isPayment = (action: string) => action.startsWith('payment');
    const dealInvoices: string[] = [];
    for (const e of failed) {
      if (e.action === 'deal_rollup' && e.hubspotId) dealInvoices.push(...(await store.invoices.forDeal(connectionId, e.hubspotId)).map((s) => s.qboInvoiceId));
    }
    const invoiceIds = [...new Set([...failed.flatMap((e) => (e.qboId && !isPayment(e.action) ? [e.qboId] : [])), ...dealInvoices])];
    const paymentIds = [...new Set(failed.flatMap((e) => (e.qboId && isPayment(e.action) ? [e.qboId] : [])))];
    return { qbo: { Invoice: invoiceIds, Payment: paymentIds } };
  },
  forget: (store, connectionId) => store.invoices.forget(connectionId),
};
