import { qboAppLink } from '../../quickbooks/app-links';
import type { QboEnvironment } from '../../quickbooks/endpoints';
import type { DealInvoiceTotals } from '../../store/invoices';
import type { QboInvoice, QboPayment } from '../../quickbooks/schemas';
import { daysOverdue, deriveInvoiceStatus, fromCents, hubspotInvoiceStatus, toCents, type InvoiceStatus } from './status';

/** What the sync knows about one QBO invoice once read: the facts every HubSpot property is made from. */
export interface InvoiceFacts {
  qboId: string;
  number: string | undefined;
  status: InvoiceStatus;
  currency: string | undefined;
  amountBilledCents: number;
  balanceDueCents: number;
  invoiceDate: string | undefined;
  dueDate: string | undefined;
  daysOverdue: number;
  recipient: string | undefined;
  link: string;
  customerId: string;
  updatedAt: Date;
}

export function invoiceFacts(invoice: QboInvoice, today: string, environment: QboEnvironment): InvoiceFacts {
  return {
    qboId: invoice.Id,
    number: invoice.DocNumber,
    status: deriveInvoiceStatus(invoice, today),
    currency: invoice.CurrencyRef?.value,
    amountBilledCents: toCents(invoice.TotalAmt),
    balanceDueCents: toCents(invoice.Balance),
    invoiceDate: invoice.TxnDate,
    dueDate: invoice.DueDate,
    daysOverdue: daysOverdue(invoice, today),
    recipient: invoice.CustomerRef.name ?? invoice.BillEmail?.Address,
    link: qboAppLink(environment, 'Invoice', invoice.Id),
    customerId: invoice.CustomerRef.value,
    updatedAt: new Date(invoice.MetaData?.LastUpdatedTime ?? 0),
  };
}

/**
 * HubSpot `date` values are `YYYY-MM-DD`; `datetime` ones ISO-8601, here midnight UTC of the QBO date
 * (https://developers.hubspot.com/docs/api-reference/legacy/crm/properties/guide).
 */
const asDatetime = (isoDate: string | undefined): string => (isoDate === undefined ? '' : `${isoDate}T00:00:00.000Z`);

/**
 * HubSpot invoice-object properties
 * (https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/invoices/guide). Amounts and the link go to app
 * properties, not `hs_amount_billed` / `hs_balance_due` / `hs_invoice_link`: whether HubSpot lets an integration write
 * those is undocumented, and one refused property would fail the whole write. `hs_invoice_billable: false` marks the
 * invoice as billed outside HubSpot, which also spares it HubSpot's open-invoice validation. An empty string clears a
 * property (a number removed in QBO is removed in HubSpot too).
 */
export function toHubspotInvoice(f: InvoiceFacts): Record<string, string> {
  return {
    hs_number: f.number ?? '',
    hs_invoice_date: asDatetime(f.invoiceDate),
    hs_due_date: asDatetime(f.dueDate),
    hs_invoice_status: hubspotInvoiceStatus(f.status),
    hs_invoice_billable: 'false',
    ...(f.currency !== undefined ? { hs_currency: f.currency } : {}),
    qbo_invoice_id: f.qboId,
    qbo_invoice_status: f.status,
    qbo_amount_billed: fromCents(f.amountBilledCents),
    qbo_balance_due: fromCents(f.balanceDueCents),
    qbo_days_overdue: String(f.daysOverdue),
    qbo_recipient: f.recipient ?? '',
    qbo_invoice_link: f.link,
  };
}

/**
 * A HubSpot invoice made in HubSpot and exported to QBO: QBO writes back its number (when it numbered it), dates,
 * status and money, never what HubSpot owns (currency, billability; lines stay HubSpot's).
 */
export function toExportedHubspotInvoice(f: InvoiceFacts): Record<string, string> {
  const { hs_invoice_billable: _billable, hs_currency: _currency, hs_number: number, ...rest } = toHubspotInvoice(f);
  return f.number === undefined ? rest : { ...rest, hs_number: number! };
}

/** The invoice properties of a QBO invoice deleted while its HubSpot twin is kept (settings `onDelete: keep`). */
export const DELETED_INVOICE: Record<string, string> = {
  hs_invoice_status: 'voided',
  qbo_invoice_status: 'deleted',
  qbo_balance_due: '0.00',
  qbo_days_overdue: '0',
};

/** The deal roll-up properties one invoice would give its deal (the most recently updated invoice's win). */
export function toDealRollup(f: InvoiceFacts): Record<string, string> {
  return {
    qbo_invoice_number: f.number ?? '',
    qbo_invoice_status: f.status,
    qbo_invoice_amount_billed: fromCents(f.amountBilledCents),
    qbo_invoice_balance_due: fromCents(f.balanceDueCents),
    qbo_invoice_currency: f.currency ?? '',
    qbo_invoice_recipient: f.recipient ?? '',
    qbo_invoice_due_date: f.dueDate ?? '',
    qbo_invoice_days_overdue: String(f.daysOverdue),
    qbo_invoice_link: f.link,
  };
}

/** A deal none of whose invoices remain: every roll-up property cleared. */
export const EMPTY_DEAL_ROLLUP: Record<string, string> = Object.fromEntries(
  Object.keys(
    toDealRollup({
      qboId: '',
      number: undefined,
      status: 'open',
      currency: undefined,
      amountBilledCents: 0,
      balanceDueCents: 0,
      invoiceDate: undefined,
      dueDate: undefined,
      daysOverdue: 0,
      recipient: undefined,
      link: '',
      customerId: '',
      updatedAt: new Date(0),
    }),
  ).map((k) => [k, '']),
);

/**
 * The HubSpot deal a QBO invoice names in its sales-form custom field
 * (https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice: `CustomField[]` with the
 * label in `Name`), matched by label, case- and space-insensitively. Only a plain record id counts.
 */
export function dealIdFromCustomField(invoice: QboInvoice, fieldName: string): string | undefined {
  const wanted = fieldName.trim().toLowerCase();
  const field = invoice.CustomField?.find((f) => (f.Name ?? '').trim().toLowerCase() === wanted);
  const value = field?.StringValue?.trim();
  return value !== undefined && /^\d+$/.test(value) ? value : undefined;
}

/**
 * A voided payment keeps its lines with amounts zeroed and "Voided" prefixed to PrivateNote
 * (https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/payment).
 */
export const isVoidedPayment = (p: QboPayment): boolean => (p.PrivateNote ?? '').startsWith('Voided') && toCents(p.TotalAmt) === 0;

/**
 * Invoice id → cents of money a payment received for it. A payment's lines link the invoices it pays and, beside them,
 * the credit it uses towards them: a credit memo, or another credit transaction
 * (https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/payment). Credit is not money
 * received, so it is taken off the invoice lines in line order (QBO does not say which invoice it went to); what is
 * left sums to the money the payment applied. An invoice settled by credit alone received 0.
 */
export function paymentApplications(p: QboPayment): Map<string, number> {
  const invoiceLines: [string, number][] = [];
  let credit = 0;
  for (const line of p.Line ?? []) {
    const cents = toCents(line.Amount ?? 0);
    const linked = line.LinkedTxn ?? [];
    const invoices = linked.filter((txn) => txn.TxnType === 'Invoice');
    if (invoices.length > 0) for (const txn of invoices) invoiceLines.push([txn.TxnId, cents]);
    else if (linked.length > 0) credit += cents;
  }
  const received = new Map<string, number>();
  for (const [invoiceId, cents] of invoiceLines) {
    const covered = Math.min(cents, credit);
    credit -= covered;
    received.set(invoiceId, (received.get(invoiceId) ?? 0) + cents - covered);
  }
  return received;
}

/**
 * The deal's totals across all of its invoices, beside the most recently updated invoice's properties: workflows and
 * reports on money owed need every invoice, not the latest. Amounts are in the invoices' currency; a deal whose
 * invoices are in several currencies gets counts only (amounts in different currencies do not add up), and its
 * currency property names them all.
 */
export function toDealTotals(perCurrency: readonly DealInvoiceTotals[]): Record<string, string> {
  if (perCurrency.length === 0) return EMPTY_DEAL_TOTALS;
  const counts = {
    qbo_invoices_count: String(perCurrency.reduce((n, t) => n + t.invoices, 0)),
    qbo_invoices_overdue_count: String(perCurrency.reduce((n, t) => n + t.overdue, 0)),
    qbo_invoices_currency: perCurrency
      .map((t) => t.currency ?? '')
      .filter(Boolean)
      .join(', '),
  };
  const [only] = perCurrency;
  if (perCurrency.length > 1 || only === undefined) return { ...EMPTY_DEAL_TOTALS, ...counts };
  return {
    ...counts,
    qbo_invoices_total_billed: fromCents(only.billedCents),
    qbo_invoices_total_paid: fromCents(only.paidCents),
    qbo_invoices_total_outstanding: fromCents(only.outstandingCents),
  };
}

/** A deal none of whose invoices remain: every total cleared. */
export const EMPTY_DEAL_TOTALS: Record<string, string> = {
  qbo_invoices_count: '',
  qbo_invoices_overdue_count: '',
  qbo_invoices_currency: '',
  qbo_invoices_total_billed: '',
  qbo_invoices_total_paid: '',
  qbo_invoices_total_outstanding: '',
};

/** "$1,250.00", "€80.00": the amount as a reader of the deal timeline expects it. */
export function formatMoney(cents: number, currency: string | undefined): string {
  if (currency === undefined) return fromCents(cents);
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(cents / 100);
  } catch {
    return `${fromCents(cents)} ${currency}`;
  }
}
