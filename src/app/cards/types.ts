/**
 * The backend's answer for a deal, as this card reads it (the backend's contract: functions/http/api/contract.ts in the
 * app's repository; restated here because an extension may import nothing from outside its own folder).
 */
export type InvoiceStatus = 'open' | 'partially_paid' | 'overdue' | 'paid' | 'voided' | 'deleted';

export interface DealInvoices {
  connection: { state: 'connected' | 'needs_reconnect' | 'not_connected'; companyName: string | null };
  invoices: {
    qboInvoiceId: string;
    number: string | null;
    invoiceDate: string | null;
    dueDate: string | null;
    currency: string | null;
    amount: string;
    balance: string;
    status: InvoiceStatus;
    daysOverdue: number;
    qboUrl: string | null;
  }[];
  payments: {
    qboPaymentId: string;
    qboInvoiceId: string;
    invoiceNumber: string | null;
    paidOn: string | null;
    amount: string;
    currency: string | null;
    method: string | null;
    reference: string | null;
    state: 'applied' | 'voided' | 'deleted';
  }[];
  totals: { currency: string | null; billed: string; paid: string; outstanding: string }[];
  createInvoice: { available: boolean; enabled: boolean; reason: string | null };
}

export interface CreatedInvoice {
  qboInvoiceId: string;
  number: string | null;
  qboUrl: string | null;
}
