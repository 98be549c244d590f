import type { QboInvoice, QboPayment } from '../../quickbooks/schemas';
import type { FlowContext } from '../flow';
import { RunBook } from '../shared/run-book';
import type { InvoiceSettings } from './settings';
import { localDate } from './status';

export interface InvoiceCounts {
  created: number;
  updated: number;
  unchanged: number;
  archived: number;
  dealsUpdated: number;
  paymentEvents: number;
  skipped: number;
  failed: number;
}

/** The sync log's and the store's name for this flow. */
export const OBJECT = 'invoices';

/** Invoices or payments read from QBO by id: the entity, or undefined when QBO no longer has it (deleted). */
export type Reads<T> = Map<string, T | undefined>;

/** One run of the invoice flow for one connection: what every step of it shares. */
export interface InvoiceRun {
  ctx: FlowContext<InvoiceSettings>;
  book: RunBook<InvoiceCounts>;
  /** Deals whose latest invoice or totals may have changed in this run: rolled up once at its end. */
  affectedDeals: Set<string>;
  /** Whether a deal an invoice names exists, asked once per run. */
  dealExists: Map<string, boolean>;
  /** Linked contact id → the contact HubSpot has for it now (undefined: gone), read once per run. */
  contactNow: Map<string, string | undefined>;
  today: string | undefined;
}

export function openRun(ctx: FlowContext<InvoiceSettings>): InvoiceRun {
  const counts: InvoiceCounts = { created: 0, updated: 0, unchanged: 0, archived: 0, dealsUpdated: 0, paymentEvents: 0, skipped: 0, failed: 0 };
  return { ctx, book: new RunBook(ctx, OBJECT, counts), affectedDeals: new Set(), dealExists: new Map(), contactNow: new Map(), today: undefined };
}

/**
 * Today in the company's time zone (CompanyInfo.DefaultTimeZone,
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/companyinfo), read once per run.
 */
export async function companyToday(run: InvoiceRun): Promise<string> {
  if (run.today === undefined) {
    const { qbo, now, log, connectionId } = run.ctx;
    const timeZone = (await qbo.companyInfo()).DefaultTimeZone;
    try {
      run.today = localDate(now(), timeZone ?? 'UTC');
    } catch {
      log.warn({ connectionId, timeZone }, 'QuickBooks company time zone not recognised; using UTC');
      run.today = localDate(now(), 'UTC');
    }
  }
  return run.today;
}

/** By id; an id QBO does not return is deleted (a read of a deleted transaction finds nothing). */
export async function readById<E extends 'Invoice' | 'Payment'>(
  run: InvoiceRun,
  entity: E,
  ids: readonly string[],
): Promise<Reads<E extends 'Invoice' ? QboInvoice : QboPayment>> {
  const found = await run.ctx.qbo.readMany(entity, ids);
  return new Map([...new Set(ids)].map((id) => [id, found.get(id) as (E extends 'Invoice' ? QboInvoice : QboPayment) | undefined]));
}
