import { z } from 'zod';
import { InvoiceCreationFailed } from './failures';

/** How the invoice is made: the "Create invoice" action's inputs (and, later, the deal card's form). */
export interface InvoiceOptions {
  /** `YYYY-MM-DD`; the company's today when absent. */
  invoiceDate?: string;
  /** `YYYY-MM-DD`; outranks the payment terms. */
  dueDate?: string;
  /** A QBO payment term, by name or id; the customer's or company's default terms when absent. */
  paymentTerms?: string;
  customerMessage?: string;
  sendEmail: boolean;
  /** A QBO tax code, by name or id, for every line (global companies); each item's default when absent. */
  taxCode?: string;
  whenCustomerMissing: 'create' | 'fail';
  whenItemMissing: 'create' | 'default_item' | 'fail';
}

/** QBO keeps at most 1,000 characters of a customer memo (CustomerMemo, https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice). */
const MAX_CUSTOMER_MESSAGE = 1000;

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const text = z.preprocess(blank, z.string().trim().optional());

/**
 * A date as a workflow sends it: `YYYY-MM-DD`, or epoch milliseconds (HubSpot's date values are midnight UTC), or an
 * ISO date-time whose UTC day is meant.
 */
const date = z.preprocess(
  blank,
  z
    .string()
    .trim()
    .transform((v, ctx) => {
      const at = /^\d+$/.test(v) ? new Date(Number(v)) : /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T00:00:00Z`) : new Date(v);
      if (Number.isNaN(at.getTime())) {
        ctx.addIssue({ code: 'custom', message: `"${v}" is not a date (use YYYY-MM-DD)` });
        return z.NEVER;
      }
      return at.toISOString().slice(0, 10);
    })
    .optional(),
);

const choice = <T extends string>(values: readonly [T, ...T[]], fallback: T) =>
  z.preprocess(blank, z.enum(values, { error: (i) => `"${String(i.input)}" is not one of ${values.join(', ')}` }).default(fallback));

const optionsSchema = z.object({
  invoiceDate: date,
  dueDate: date,
  paymentTerms: text,
  customerMessage: text.pipe(z.string().max(MAX_CUSTOMER_MESSAGE, `the message to the customer is longer than ${MAX_CUSTOMER_MESSAGE} characters`).optional()),
  sendEmail: z.preprocess((v) => (typeof v === 'boolean' ? (v ? 'yes' : 'no') : blank(v)), choice(['yes', 'no'], 'no')).transform((v) => v === 'yes'),
  taxCode: text,
  whenCustomerMissing: choice(['create', 'fail'], 'create'),
  whenItemMissing: choice(['create', 'default_item', 'fail'], 'create'),
});

/** Reads the caller's inputs (strings, as a workflow sends them); an invalid one is INVALID_INPUT, naming the field. */
export function parseInvoiceOptions(raw: Record<string, unknown>): InvoiceOptions {
  const parsed = optionsSchema.safeParse(raw);
  if (!parsed.success) {
    throw new InvoiceCreationFailed('INVALID_INPUT', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  const options: InvoiceOptions = {
    sendEmail: parsed.data.sendEmail,
    whenCustomerMissing: parsed.data.whenCustomerMissing,
    whenItemMissing: parsed.data.whenItemMissing,
  };
  for (const key of ['invoiceDate', 'dueDate', 'paymentTerms', 'customerMessage', 'taxCode'] as const) {
    const value = parsed.data[key];
    if (value !== undefined) options[key] = value;
  }
  if (options.invoiceDate && options.dueDate && options.dueDate < options.invoiceDate) {
    throw new InvoiceCreationFailed('INVALID_INPUT', `the due date ${options.dueDate} is before the invoice date ${options.invoiceDate}`);
  }
  return options;
}
