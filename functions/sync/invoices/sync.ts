import type { QboDeleted, QboInvoice, QboPayment } from '../../quickbooks/schemas';
import { qboQuote } from '../../quickbooks/client';
import { contactOf, dealOf, rollUp } from './deals';
import { invoiceFacts, toDealRollup } from './mapping';
import { recordPayment, sendPaymentEvents } from './payments';
import { companyToday, OBJECT, readById, type InvoiceCounts, type InvoiceRun, type Reads } from './run';
import type { InvoiceStatus } from './status';
import { syncInvoice } from './write-hubspot';

export interface InvoicePreview {
  counts: {
    invoices: number;
    create: number;
    update: number;
    withDeal: number;
    withoutContact: number;
    payments: number;
    byStatus: Partial<Record<InvoiceStatus, number>>;
  };
  samples: {
    qboId: string;
    number: string | undefined;
    status: InvoiceStatus;
    amountBilled: string;
    balanceDue: string;
    currency: string | undefined;
    dealId: string | undefined;
    contactId: string | undefined;
  }[];
}

const SAMPLE_SIZE = 5;

/** Syncs the invoices and payments a notification named. */
export async function syncChanged(run: InvoiceRun, changed: { invoiceIds: readonly string[]; paymentIds: readonly string[] }): Promise<InvoiceCounts> {
  return apply(run, new Map(), await readById(run, 'Payment', changed.paymentIds), changed.invoiceIds);
}

/**
 * Everything changed in QBO since the checkpoint, whether or not a webhook said so: QBO's change feed (CDC tombstones
 * mean deleted), and the invoices whose days overdue moved with the calendar, since turning overdue changes nothing in
 * QBO. The checkpoint moves to the newest LastUpdatedTime QBO returned.
 */
export async function reconcile(run: InvoiceRun): Promise<InvoiceCounts> {
  const { store, qbo, now, connectionId } = run.ctx;
  const cursor = await store.checkpoints.get(connectionId, OBJECT, 'qbo');
  const since = cursor ? new Date(cursor) : now();
  const invoiceReads: Reads<QboInvoice> = new Map();
  const paymentReads: Reads<QboPayment> = new Map();
  let newest = since.getTime();
  for await (const page of qbo.changedSince(['Invoice', 'Payment'], since)) {
    const reads = (page.entity === 'Invoice' ? invoiceReads : paymentReads) as Reads<QboInvoice | QboPayment>;
    for (const row of page.rows) {
      reads.set(row.Id, isTombstone(row) ? undefined : row);
      const updated = row.MetaData?.LastUpdatedTime;
      if (updated) newest = Math.max(newest, Date.parse(updated));
    }
  }
  const drifted = await store.invoices.overdueDrift(connectionId, await companyToday(run));
  const counts = await apply(run, invoiceReads, paymentReads, drifted);
  await store.checkpoints.set(connectionId, OBJECT, 'qbo', new Date(newest).toISOString());
  return counts;
}

const isTombstone = (row: QboInvoice | QboPayment | QboDeleted): row is QboDeleted => 'status' in row && row.status === 'Deleted';

/** Every invoice (from `firstSyncFrom` on) and every payment applied to them; reconciliation starts from here. */
export async function firstSync(run: InvoiceRun): Promise<InvoiceCounts> {
  const startedAt = run.ctx.now().toISOString();
  const { invoices, payments } = await readAll(run);
  const counts = await apply(run, new Map(invoices.map((i) => [i.Id, i])), new Map(payments.map((p) => [p.Id, p])), []);
  await run.ctx.store.checkpoints.set(run.ctx.connectionId, OBJECT, 'qbo', startedAt);
  return counts;
}

/** What the first sync would do, without writing anything. */
export async function preview(run: InvoiceRun): Promise<InvoicePreview> {
  const { store, connectionId, environment } = run.ctx;
  const { invoices, payments } = await readAll(run);
  const today = await companyToday(run);
  const out: InvoicePreview = {
    counts: { invoices: invoices.length, create: 0, update: 0, withDeal: 0, withoutContact: 0, payments: payments.length, byStatus: {} },
    samples: [],
  };
  for (const invoice of invoices) {
    const facts = invoiceFacts(invoice, today, environment);
    const linked = await store.links.byQboId(connectionId, OBJECT, invoice.Id);
    const dealId = await dealOf(run, invoice, false);
    const contactId = await contactOf(run, facts, false);
    out.counts[linked ? 'update' : 'create']++;
    if (dealId) out.counts.withDeal++;
    if (!contactId) out.counts.withoutContact++;
    out.counts.byStatus[facts.status] = (out.counts.byStatus[facts.status] ?? 0) + 1;
    if (out.samples.length < SAMPLE_SIZE) {
      const rollup = toDealRollup(facts);
      out.samples.push({
        qboId: invoice.Id,
        number: facts.number,
        status: facts.status,
        amountBilled: rollup.qbo_invoice_amount_billed!,
        balanceDue: rollup.qbo_invoice_balance_due!,
        currency: facts.currency,
        dealId,
        contactId,
      });
    }
  }
  return out;
}

async function readAll(run: InvoiceRun): Promise<{ invoices: QboInvoice[]; payments: QboPayment[] }> {
  const { qbo, settings } = run.ctx;
  const where = settings.firstSyncFrom === undefined ? undefined : `TxnDate >= ${qboQuote(settings.firstSyncFrom)}`;
  return { invoices: await qbo.query('Invoice', where), payments: await qbo.query('Payment', where) };
}

/**
 * One run's work: payments first (they name the invoices they touch), then every touched invoice, then the deals
 * whose latest invoice or totals may have changed, then the timeline events (which need the invoice's deal and number).
 */
async function apply(
  run: InvoiceRun,
  invoiceReads: Reads<QboInvoice>,
  paymentReads: Reads<QboPayment>,
  moreInvoiceIds: readonly string[],
): Promise<InvoiceCounts> {
  const { book } = run;
  const invoiceIds = new Set([...invoiceReads.keys(), ...moreInvoiceIds]);
  const moneyMoved = new Set<string>();
  for (const [paymentId, payment] of paymentReads) {
    await book.guard({ qboId: paymentId, action: 'payment', direction: 'to_hubspot' }, async () => {
      const { touched, moved } = await recordPayment(run, paymentId, payment);
      for (const id of touched) invoiceIds.add(id);
      for (const id of moved) moneyMoved.add(id);
    });
  }
  const toRead = [...invoiceIds].filter((id) => !invoiceReads.has(id));
  for (const [id, invoice] of await readById(run, 'Invoice', toRead)) invoiceReads.set(id, invoice);

  for (const id of invoiceIds) {
    await book.guard({ qboId: id, action: invoiceReads.get(id) ? 'upsert' : 'delete', direction: 'to_hubspot' }, () =>
      syncInvoice(run, id, invoiceReads.get(id)),
    );
  }
  // Money received counts in the deal's totals even when the invoice's balance did not move (credit swapped for money).
  for (const id of moneyMoved) {
    const dealId = (await run.ctx.store.invoices.state(run.ctx.connectionId, id))?.dealId;
    if (dealId) run.affectedDeals.add(dealId);
  }
  for (const dealId of run.affectedDeals) {
    await book.guard({ hubspotId: dealId, action: 'deal_rollup', direction: 'to_hubspot' }, () => rollUp(run, dealId));
  }
  for (const paymentId of paymentReads.keys()) {
    await book.guard({ qboId: paymentId, action: 'payment_event', direction: 'to_hubspot' }, () => sendPaymentEvents(run, paymentId));
  }
  return book.finish();
}
