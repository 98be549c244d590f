import type { AppEventOccurrence } from '../../hubspot/client';
import type { PaymentApplication } from '../../store/invoices';
import { formatMoney } from './mapping';

/**
 * Payment events on the deal timeline, as app events
 * (https://developers.hubspot.com/docs/apps/developer-platform/add-features/app-events/send-event-occurrences; types in
 * `src/app/app-events/`). The event type is named by its uid, which the docs accept in place of the fullyQualifiedName.
 * Occurrences are immutable, so each carries an id derived from the payment and invoice: a repeated send is refused by
 * HubSpot instead of doubling the event; a payment whose amount is edited, voided or deleted gets another event rather
 * than an edit. Only money received is reported: credit a payment uses (a credit memo) is not.
 */
export const PAYMENT_RECEIVED_EVENT = 'payment_received';
export const PAYMENT_REVERSED_EVENT = 'payment_reversed';
export const PAYMENT_CHANGED_EVENT = 'payment_changed';

export function paymentReceived(a: PaymentApplication, dealId: string, invoiceNumber: string, at: Date): AppEventOccurrence {
  return {
    eventTypeName: PAYMENT_RECEIVED_EVENT,
    objectId: dealId,
    id: `qbo-payment-${a.qboPaymentId}-invoice-${a.qboInvoiceId}`,
    timestamp: at,
    properties: {
      amount: formatMoney(a.amountCents, a.currency),
      invoiceNumber,
      paymentMethod: a.method ?? 'Not recorded',
      reference: a.reference ?? 'None',
      paymentDate: a.paidOn ?? '',
      qboPaymentId: a.qboPaymentId,
    },
  };
}

/** The amount a payment applies to an invoice was edited in QBO after the timeline said it was received. */
export function paymentChanged(a: PaymentApplication, dealId: string, invoiceNumber: string, at: Date): AppEventOccurrence {
  return {
    eventTypeName: PAYMENT_CHANGED_EVENT,
    objectId: dealId,
    id: `qbo-payment-${a.qboPaymentId}-invoice-${a.qboInvoiceId}-change-${a.changeEvents + 1}`,
    timestamp: at,
    properties: {
      previousAmount: formatMoney(a.reportedCents ?? 0, a.currency),
      amount: formatMoney(a.amountCents, a.currency),
      invoiceNumber,
      reference: a.reference ?? 'None',
      qboPaymentId: a.qboPaymentId,
    },
  };
}

/** Reverses what the timeline said was received for the invoice. */
export function paymentReversed(a: PaymentApplication, dealId: string, invoiceNumber: string, at: Date): AppEventOccurrence {
  return {
    eventTypeName: PAYMENT_REVERSED_EVENT,
    objectId: dealId,
    id: `qbo-payment-${a.qboPaymentId}-invoice-${a.qboInvoiceId}-${a.state}`,
    timestamp: at,
    properties: {
      amount: formatMoney(a.reportedCents ?? a.amountCents, a.currency),
      invoiceNumber,
      change: a.state === 'voided' ? 'voided' : 'deleted',
      reference: a.reference ?? 'None',
      qboPaymentId: a.qboPaymentId,
    },
  };
}
