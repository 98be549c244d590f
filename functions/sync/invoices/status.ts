import type { QboInvoice } from '../../quickbooks/schemas';

/**
 * An invoice's status as QBO's UI would show it. QBO v3 has no documented status field, so it is derived from
 * Balance, TotalAmt, DueDate and the void marker, in the order `deriveInvoiceStatus` gives.
 */
export const INVOICE_STATUSES = ['open', 'partially_paid', 'overdue', 'paid', 'voided', 'deleted'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

export const STATUS_LABELS: Record<InvoiceStatus, string> = {
  open: 'Open',
  partially_paid: 'Partially paid',
  overdue: 'Overdue',
  paid: 'Paid',
  voided: 'Voided',
  deleted: 'Deleted',
};

/** Money compared in integer cents: QBO recomputes totals and rounds to the cent. */
export const toCents = (amount: number): number => Math.round(amount * 100);

/** Whole cents as a decimal string, on the integer (no float division): 123456789 → "1234567.89". */
export function fromCents(cents: number): string {
  const abs = Math.abs(cents);
  return `${cents < 0 ? '-' : ''}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/**
 * The calendar date (`YYYY-MM-DD`) at `now` in an IANA time zone: QBO's "today" is the company's
 * (CompanyInfo.DefaultTimeZone,
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/companyinfo).
 */
export function localDate(now: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

const dayNumber = (isoDate: string): number => Math.floor(Date.parse(`${isoDate}T00:00:00Z`) / 86_400_000);

/** Whole days past the due date while money is still owed; 0 otherwise. */
export function daysOverdue(invoice: Pick<QboInvoice, 'Balance' | 'DueDate'>, today: string): number {
  if (toCents(invoice.Balance) <= 0 || invoice.DueDate === undefined) return 0;
  return Math.max(0, dayNumber(today) - dayNumber(invoice.DueDate));
}

/**
 * In order: voided (PrivateNote starts with "Voided" and the total is 0), paid, partially paid, overdue
 * (balance left and the due date before the company's today), open. Deleted is not visible on an entity: the
 * caller knows it from a missing read or a CDC tombstone. An invoice that totals 0 owes nothing, so it reads as
 * paid.
 */
export function deriveInvoiceStatus(invoice: Pick<QboInvoice, 'TotalAmt' | 'Balance' | 'DueDate' | 'PrivateNote'>, today: string): InvoiceStatus {
  const total = toCents(invoice.TotalAmt);
  const balance = toCents(invoice.Balance);
  if ((invoice.PrivateNote ?? '').startsWith('Voided') && total === 0) return 'voided';
  if (balance <= 0) return 'paid';
  if (balance < total) return 'partially_paid';
  if (daysOverdue(invoice, today) > 0) return 'overdue';
  return 'open';
}

/**
 * HubSpot's invoice object knows only `draft | open | paid | voided`
 * (https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/invoices/guide); the full status lives in an
 * app property.
 */
export function hubspotInvoiceStatus(status: InvoiceStatus): 'open' | 'paid' | 'voided' {
  switch (status) {
    case 'paid':
      return 'paid';
    case 'voided':
    case 'deleted':
      return 'voided';
    default:
      return 'open';
  }
}
