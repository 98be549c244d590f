import type { AppEventOccurrence } from '../../hubspot/client';
import type { PaymentApplication } from '../../store/invoices';
import { formatMoney } from './mapping';

/**
 * Payment events on the deal timeline, as app events (hubspot-api.md §12; types in `src/app/app-events/`). The
 * event type is named by its uid, which the docs accept in place of the fullyQualifiedName. Occurrences are
 * immutable, so each carries an id derived from the payment and invoice: a repeated send is refused by HubSpot
 * instead of doubling the event, and a voided or deleted payment gets a second event rather than an edit.
 */
export const PAYMENT_RECEIVED_EVENT = 'payment_received';
export const PAYMENT_REVERSED_EVENT = 'payment_reversed';

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

export function paymentReversed(a: PaymentApplication, dealId: string, invoiceNumber: string, at: Date): AppEventOccurrence {
  return {
    eventTypeName: PAYMENT_REVERSED_EVENT,
    objectId: dealId,
    id: `qbo-payment-${a.qboPaymentId}-invoice-${a.qboInvoiceId}-${a.state}`,
    timestamp: at,
    properties: {
      amount: formatMoney(a.amountCents, a.currency),
      invoiceNumber,
      change: a.state === 'voided' ? 'voided' : 'deleted',
      reference: a.reference ?? 'None',
      qboPaymentId: a.qboPaymentId,
    },
  };
}
