import type { HubSpotClient } from '../../hubspot/client';
import { HubSpotApiError } from '../../hubspot/errors';
import type { QboPayment } from '../../quickbooks/schemas';
import type { PaymentApplication } from '../../store/invoices';
import { isVoidedPayment, paymentApplications } from './mapping';
import type { InvoiceRun } from './run';
import { paymentChanged, paymentReceived, paymentReversed } from './timeline';

/** The timeline event a payment application is owed next, if any. */
function nextPaymentEvent(a: PaymentApplication): 'received' | 'changed' | 'reversal' | undefined {
  if (a.state !== 'applied') return a.receivedSent && !a.reversalSent ? 'reversal' : undefined;
  if (!a.receivedSent) return a.amountCents > 0 ? 'received' : undefined;
  return a.reportedCents !== a.amountCents ? 'changed' : undefined;
}

/**
 * Records the money the payment received for each invoice now (credit it uses is not money); what it applied before
 * and no longer does is voided or deleted. Returns the invoices touched, and those whose money received changed.
 */
export async function recordPayment(run: InvoiceRun, paymentId: string, payment: QboPayment | undefined): Promise<{ touched: string[]; moved: string[] }> {
  const { store, connectionId } = run.ctx;
  const prior = await store.invoices.payments(connectionId, paymentId);
  const voided = payment !== undefined && isVoidedPayment(payment);
  const current = payment && !voided ? paymentApplications(payment) : new Map<string, number>();
  for (const [invoiceId, amountCents] of current) {
    await store.invoices.savePayment(connectionId, {
      qboPaymentId: paymentId,
      qboInvoiceId: invoiceId,
      amountCents,
      currency: payment?.CurrencyRef?.value,
      method: payment?.PaymentMethodRef?.name,
      reference: payment?.PaymentRefNum,
      paidOn: payment?.TxnDate,
      state: 'applied',
    });
  }
  for (const a of prior) {
    if (a.state === 'applied' && !current.has(a.qboInvoiceId))
      await store.invoices.setPaymentState(connectionId, paymentId, a.qboInvoiceId, voided ? 'voided' : 'deleted');
  }
  const before = new Map(prior.filter((a) => a.state === 'applied').map((a) => [a.qboInvoiceId, a.amountCents]));
  const touched = [...new Set([...current.keys(), ...prior.map((a) => a.qboInvoiceId)])];
  return { touched, moved: touched.filter((id) => before.get(id) !== current.get(id)) };
}

/**
 * The deal's timeline follows the money: one event when a payment's money lands on an invoice of a deal, one more
 * each time its amount is edited in QBO, and one if it is voided or deleted. A payment that only uses credit
 * received no money and adds nothing.
 */
export async function sendPaymentEvents(run: InvoiceRun, paymentId: string): Promise<void> {
  const { store, connectionId, now } = run.ctx;
  for (const a of await store.invoices.payments(connectionId, paymentId)) {
    const event = nextPaymentEvent(a);
    if (event === undefined) continue;
    const state = await store.invoices.state(connectionId, a.qboInvoiceId);
    if (!state?.dealId) continue;
    const number = state.dealValues['qbo_invoice_number'] || a.qboInvoiceId;
    const at = event === 'received' && a.paidOn ? eventTime(run, a) : now();
    const occurrence = { received: paymentReceived, changed: paymentChanged, reversal: paymentReversed }[event](a, state.dealId, number, at);
    await sendOnce(run.ctx.hubspot, occurrence);
    await store.invoices.markEventSent(connectionId, paymentId, a.qboInvoiceId, event, event === 'reversal' ? 0 : a.amountCents);
    run.book.counts.paymentEvents++;
  }
}

/** The payment's own date, at noon UTC so it reads as that day in any time zone; never in the future. */
function eventTime(run: InvoiceRun, a: PaymentApplication): Date {
  const noon = new Date(`${a.paidOn}T12:00:00Z`);
  return noon.getTime() > run.ctx.now().getTime() ? run.ctx.now() : noon;
}

async function sendOnce(hubspot: HubSpotClient, occurrence: Parameters<HubSpotClient['sendAppEvent']>[0]): Promise<void> {
  try {
    await hubspot.sendAppEvent(occurrence);
  } catch (err) {
    // Occurrences are immutable (https://developers.hubspot.com/docs/apps/developer-platform/add-features/app-events/send-event-occurrences):
    // a 409 for our id means an earlier attempt already landed.
    if (!(err instanceof HubSpotApiError && err.kind === 'conflict')) throw err;
  }
}
