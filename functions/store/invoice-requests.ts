import type { Queryable } from './db';

export type InvoiceRequestStatus = 'pending' | 'created' | 'failed';

export interface InvoiceRequest {
  connectionId: string;
  idempotencyKey: string;
  dealId: string;
  status: InvoiceRequestStatus;
  qboInvoiceId: string | undefined;
  emailed: boolean;
  /** The final outcome, exactly as first returned; replays return it again. */
  outcome: Record<string, unknown> | undefined;
  createdAt: Date;
}

interface Row {
  connection_id: string;
  idempotency_key: string;
  deal_id: string;
  status: InvoiceRequestStatus;
  qbo_invoice_id: string | null;
  emailed: boolean;
  outcome: Record<string, unknown> | null;
  created_at: Date;
}

const fromRow = (r: Row): InvoiceRequest => ({
  connectionId: r.connection_id,
  idempotencyKey: r.idempotency_key,
  dealId: r.deal_id,
  status: r.status,
  qboInvoiceId: r.qbo_invoice_id ?? undefined,
  emailed: r.emailed,
  outcome: r.outcome ?? undefined,
  createdAt: new Date(r.created_at),
});

/** Invoice-from-deal requests by idempotency key (migration 0004). */
export function invoiceRequestStore(db: Queryable) {
  return {
    async get(connectionId: string, idempotencyKey: string): Promise<InvoiceRequest | undefined> {
      const [row] = await db.query<Row>('SELECT * FROM invoice_requests WHERE connection_id = $1 AND idempotency_key = $2', [connectionId, idempotencyKey]);
      return row === undefined ? undefined : fromRow(row);
    },

    /** Records the request once; a repeat leaves the first one (and its deal) as it is. */
    async begin(connectionId: string, idempotencyKey: string, dealId: string): Promise<InvoiceRequest> {
      const [row] = await db.query<Row>(
        `INSERT INTO invoice_requests (connection_id, idempotency_key, deal_id, status) VALUES ($1, $2, $3, 'pending')
         ON CONFLICT (connection_id, idempotency_key) DO UPDATE SET updated_at = invoice_requests.updated_at
         RETURNING *`,
        [connectionId, idempotencyKey, dealId],
      );
      return fromRow(row!);
    },

    async setInvoice(connectionId: string, idempotencyKey: string, qboInvoiceId: string): Promise<void> {
      await db.query('UPDATE invoice_requests SET qbo_invoice_id = $3, updated_at = now() WHERE connection_id = $1 AND idempotency_key = $2', [
        connectionId,
        idempotencyKey,
        qboInvoiceId,
      ]);
    },

    async setEmailed(connectionId: string, idempotencyKey: string): Promise<void> {
      await db.query('UPDATE invoice_requests SET emailed = true, updated_at = now() WHERE connection_id = $1 AND idempotency_key = $2', [
        connectionId,
        idempotencyKey,
      ]);
    },

    /** The final outcome; a request already settled keeps its first one. */
    async settle(
      connectionId: string,
      idempotencyKey: string,
      status: Exclude<InvoiceRequestStatus, 'pending'>,
      outcome: Record<string, unknown>,
    ): Promise<void> {
      await db.query(
        `UPDATE invoice_requests SET status = $3, outcome = $4, updated_at = now()
         WHERE connection_id = $1 AND idempotency_key = $2 AND status = 'pending'`,
        [connectionId, idempotencyKey, status, JSON.stringify(outcome)],
      );
    },
  };
}

export type InvoiceRequestStore = ReturnType<typeof invoiceRequestStore>;
