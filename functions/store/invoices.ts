import type { Queryable } from './db';

export interface InvoiceState {
  qboInvoiceId: string;
  dealId: string | undefined;
  qboUpdatedAt: Date;
  /** The invoice's own date (TxnDate), `YYYY-MM-DD`. */
  invoiceDate?: string | undefined;
  dueDate: string | undefined;
  billedCents: number;
  balanceCents: number;
  currency: string | undefined;
  daysOverdue: number;
  dealValues: Record<string, string>;
}

export type PaymentState = 'applied' | 'voided' | 'deleted';

export interface PaymentApplication {
  qboPaymentId: string;
  qboInvoiceId: string;
  amountCents: number;
  currency: string | undefined;
  method: string | undefined;
  reference: string | undefined;
  paidOn: string | undefined;
  state: PaymentState;
  receivedSent: boolean;
  reversalSent: boolean;
  /** What the deal timeline last said was received; a later different amount gets a "changed" event. */
  reportedCents: number | undefined;
  /** How many "changed" events were sent (each carries its own occurrence id). */
  changeEvents: number;
}

/** A deal's invoices in one currency, summed in cents. */
export interface DealInvoiceTotals {
  currency: string | undefined;
  invoices: number;
  billedCents: number;
  paidCents: number;
  outstandingCents: number;
  overdue: number;
}

interface StateRow {
  qbo_invoice_id: string;
  deal_id: string | null;
  qbo_updated_at: Date;
  invoice_date: string | Date | null;
  due_date: string | Date | null;
  billed_cents: string | number;
  balance_cents: string | number;
  currency: string | null;
  days_overdue: number;
  deal_values: Record<string, string>;
}

interface PaymentRow {
  qbo_payment_id: string;
  qbo_invoice_id: string;
  amount_cents: string | number;
  currency: string | null;
  method: string | null;
  reference: string | null;
  paid_on: string | Date | null;
  state: PaymentState;
  received_sent: boolean;
  reversal_sent: boolean;
  reported_cents: string | number | null;
  change_events: number;
}

/** `date` columns come back as Date from node-postgres and as a string from PGlite: both become `YYYY-MM-DD`. */
const isoDate = (d: string | Date | null): string | undefined =>
  d === null ? undefined : typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10);

const stateFromRow = (r: StateRow): InvoiceState => ({
  qboInvoiceId: r.qbo_invoice_id,
  dealId: r.deal_id ?? undefined,
  qboUpdatedAt: new Date(r.qbo_updated_at),
  invoiceDate: isoDate(r.invoice_date),
  dueDate: isoDate(r.due_date),
  billedCents: Number(r.billed_cents),
  balanceCents: Number(r.balance_cents),
  currency: r.currency ?? undefined,
  daysOverdue: r.days_overdue,
  dealValues: r.deal_values,
});

const paymentFromRow = (r: PaymentRow): PaymentApplication => ({
  qboPaymentId: r.qbo_payment_id,
  qboInvoiceId: r.qbo_invoice_id,
  amountCents: Number(r.amount_cents),
  currency: r.currency ?? undefined,
  method: r.method ?? undefined,
  reference: r.reference ?? undefined,
  paidOn: isoDate(r.paid_on),
  state: r.state,
  receivedSent: r.received_sent,
  reversalSent: r.reversal_sent,
  reportedCents: r.reported_cents === null ? undefined : Number(r.reported_cents),
  changeEvents: r.change_events,
});

/** The invoice flow's own tables (migration 0003): deal attribution, per-invoice deal roll-ups, payment applications. */
export function invoiceStore(db: Queryable) {
  return {
    /** Called by the "Create invoice" action once QBO has created the invoice from `dealId`; a repeat changes nothing. */
    async recordOrigin(connectionId: string, qboInvoiceId: string, dealId: string): Promise<void> {
      await db.query(
        `INSERT INTO invoice_origins (connection_id, qbo_invoice_id, deal_id) VALUES ($1, $2, $3)
         ON CONFLICT (connection_id, qbo_invoice_id) DO NOTHING`,
        [connectionId, qboInvoiceId, dealId],
      );
    },

    async originOf(connectionId: string, qboInvoiceId: string): Promise<string | undefined> {
      const [row] = await db.query<{ deal_id: string }>('SELECT deal_id FROM invoice_origins WHERE connection_id = $1 AND qbo_invoice_id = $2', [
        connectionId,
        qboInvoiceId,
      ]);
      return row?.deal_id;
    },

    async state(connectionId: string, qboInvoiceId: string): Promise<InvoiceState | undefined> {
      const [row] = await db.query<StateRow>('SELECT * FROM invoice_states WHERE connection_id = $1 AND qbo_invoice_id = $2', [connectionId, qboInvoiceId]);
      return row === undefined ? undefined : stateFromRow(row);
    },

    async saveState(connectionId: string, s: InvoiceState): Promise<void> {
      await db.query(
        `INSERT INTO invoice_states (connection_id, qbo_invoice_id, deal_id, qbo_updated_at, invoice_date, due_date, billed_cents, balance_cents, currency, days_overdue, deal_values)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (connection_id, qbo_invoice_id) DO UPDATE SET
           deal_id = EXCLUDED.deal_id, qbo_updated_at = EXCLUDED.qbo_updated_at, invoice_date = EXCLUDED.invoice_date, due_date = EXCLUDED.due_date,
           billed_cents = EXCLUDED.billed_cents, balance_cents = EXCLUDED.balance_cents, currency = EXCLUDED.currency,
           days_overdue = EXCLUDED.days_overdue, deal_values = EXCLUDED.deal_values`,
        [
          connectionId,
          s.qboInvoiceId,
          s.dealId ?? null,
          s.qboUpdatedAt,
          s.invoiceDate ?? null,
          s.dueDate ?? null,
          s.billedCents,
          s.balanceCents,
          s.currency ?? null,
          s.daysOverdue,
          JSON.stringify(s.dealValues),
        ],
      );
    },

    async removeState(connectionId: string, qboInvoiceId: string): Promise<void> {
      await db.query('DELETE FROM invoice_states WHERE connection_id = $1 AND qbo_invoice_id = $2', [connectionId, qboInvoiceId]);
    },

    /** The deal's most recently updated invoice (ties broken by the higher QBO id, i.e. the newer invoice). */
    async latestForDeal(connectionId: string, dealId: string): Promise<InvoiceState | undefined> {
      const [row] = await db.query<StateRow>(
        `SELECT * FROM invoice_states WHERE connection_id = $1 AND deal_id = $2
         ORDER BY qbo_updated_at DESC, length(qbo_invoice_id) DESC, qbo_invoice_id DESC LIMIT 1`,
        [connectionId, dealId],
      );
      return row === undefined ? undefined : stateFromRow(row);
    },

    /** Every invoice synced onto the deal, newest first (the deal card reads these, never QBO). */
    async forDeal(connectionId: string, dealId: string): Promise<InvoiceState[]> {
      const rows = await db.query<StateRow>(
        `SELECT * FROM invoice_states WHERE connection_id = $1 AND deal_id = $2
         ORDER BY invoice_date DESC NULLS LAST, length(qbo_invoice_id) DESC, qbo_invoice_id DESC`,
        [connectionId, dealId],
      );
      return rows.map(stateFromRow);
    },

    /** What every payment applied to the deal's invoices, newest first; reversed ones are kept with their state. */
    async paymentsForDeal(connectionId: string, dealId: string): Promise<PaymentApplication[]> {
      const rows = await db.query<PaymentRow>(
        `SELECT p.* FROM payment_applications p
         JOIN invoice_states s ON s.connection_id = p.connection_id AND s.qbo_invoice_id = p.qbo_invoice_id
         WHERE p.connection_id = $1 AND s.deal_id = $2
         ORDER BY p.paid_on DESC NULLS LAST, p.qbo_payment_id DESC, p.qbo_invoice_id`,
        [connectionId, dealId],
      );
      return rows.map(paymentFromRow);
    },

    /**
     * Every invoice of a deal, summed per currency in whole cents: billed, paid (money received by payments that are
     * still applied; credit used is not money), outstanding (QBO's balance due), and how many are overdue.
     */
    async dealTotals(connectionId: string, dealId: string): Promise<DealInvoiceTotals[]> {
      const rows = await db.query<{
        currency: string | null;
        invoices: number;
        billed: string | number;
        paid: string | number;
        outstanding: string | number;
        overdue: number;
      }>(
        `SELECT s.currency, count(*)::int AS invoices, sum(s.billed_cents) AS billed, coalesce(sum(p.paid), 0) AS paid,
                sum(s.balance_cents) AS outstanding, (count(*) FILTER (WHERE s.days_overdue > 0))::int AS overdue
         FROM invoice_states s
         LEFT JOIN LATERAL (SELECT sum(amount_cents) AS paid FROM payment_applications a
                            WHERE a.connection_id = s.connection_id AND a.qbo_invoice_id = s.qbo_invoice_id AND a.state = 'applied') p ON true
         WHERE s.connection_id = $1 AND s.deal_id = $2
         GROUP BY s.currency ORDER BY s.currency`,
        [connectionId, dealId],
      );
      return rows.map((r) => ({
        currency: r.currency ?? undefined,
        invoices: r.invoices,
        billedCents: Number(r.billed),
        paidCents: Number(r.paid),
        outstandingCents: Number(r.outstanding),
        overdue: r.overdue,
      }));
    },

    /** Invoices still owing whose days overdue have moved on since they were synced (the calendar, not QBO, changed). */
    async overdueDrift(connectionId: string, today: string): Promise<string[]> {
      const rows = await db.query<{ qbo_invoice_id: string }>(
        `SELECT qbo_invoice_id FROM invoice_states
         WHERE connection_id = $1 AND balance_cents > 0 AND due_date < $2::date AND days_overdue <> ($2::date - due_date)`,
        [connectionId, today],
      );
      return rows.map((r) => r.qbo_invoice_id);
    },

    async payments(connectionId: string, qboPaymentId: string): Promise<PaymentApplication[]> {
      const rows = await db.query<PaymentRow>('SELECT * FROM payment_applications WHERE connection_id = $1 AND qbo_payment_id = $2 ORDER BY qbo_invoice_id', [
        connectionId,
        qboPaymentId,
      ]);
      return rows.map(paymentFromRow);
    },

    /** Records what a payment applies now; the event flags survive, so an event already sent is never sent again. */
    async savePayment(connectionId: string, a: Omit<PaymentApplication, 'receivedSent' | 'reversalSent' | 'reportedCents' | 'changeEvents'>): Promise<void> {
      await db.query(
        `INSERT INTO payment_applications (connection_id, qbo_payment_id, qbo_invoice_id, amount_cents, currency, method, reference, paid_on, state)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (connection_id, qbo_payment_id, qbo_invoice_id) DO UPDATE SET
           amount_cents = EXCLUDED.amount_cents, currency = EXCLUDED.currency, method = EXCLUDED.method,
           reference = EXCLUDED.reference, paid_on = EXCLUDED.paid_on, state = EXCLUDED.state`,
        [connectionId, a.qboPaymentId, a.qboInvoiceId, a.amountCents, a.currency ?? null, a.method ?? null, a.reference ?? null, a.paidOn ?? null, a.state],
      );
    },

    /** A payment reversed (voided or deleted) keeps its last applied amount, for the reversal event. */
    async setPaymentState(connectionId: string, qboPaymentId: string, qboInvoiceId: string, state: PaymentState): Promise<void> {
      await db.query('UPDATE payment_applications SET state = $4 WHERE connection_id = $1 AND qbo_payment_id = $2 AND qbo_invoice_id = $3', [
        connectionId,
        qboPaymentId,
        qboInvoiceId,
        state,
      ]);
    },

    /** A timeline event was sent for the application: `reportedCents` is the amount the timeline now shows. */
    async markEventSent(
      connectionId: string,
      qboPaymentId: string,
      qboInvoiceId: string,
      event: 'received' | 'changed' | 'reversal',
      reportedCents: number,
    ): Promise<void> {
      const set = { received: 'received_sent = true', changed: 'change_events = change_events + 1', reversal: 'reversal_sent = true' }[event];
      await db.query(`UPDATE payment_applications SET ${set}, reported_cents = $4 WHERE connection_id = $1 AND qbo_payment_id = $2 AND qbo_invoice_id = $3`, [
        connectionId,
        qboPaymentId,
        qboInvoiceId,
        reportedCents,
      ]);
    },

    /** Deleting the invoice sync forgets its roll-ups and payment records; the action's deal origins are facts and stay. */
    async forget(connectionId: string): Promise<void> {
      await db.query('DELETE FROM invoice_states WHERE connection_id = $1', [connectionId]);
      await db.query('DELETE FROM payment_applications WHERE connection_id = $1', [connectionId]);
    },
  };
}

export type InvoiceStore = ReturnType<typeof invoiceStore>;
