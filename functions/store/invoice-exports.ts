import type { Queryable } from './db';

/** One billed line as exported to QuickBooks: the fields of an invoice HubSpot owns. */
export interface ExportedLine {
  itemId: string;
  quantity: string;
  unitPrice: string;
  amountCents: number;
  taxCodeId: string | undefined;
}

export interface InvoiceExport {
  hubspotInvoiceId: string;
  qboInvoiceId: string | undefined;
  lines: ExportedLine[] | undefined;
  /** The QuickBooks edit of HubSpot-owned fields already reported (its content hash). */
  flaggedHash: string | undefined;
}

interface Row {
  hubspot_invoice_id: string;
  qbo_invoice_id: string | null;
  lines: ExportedLine[] | null;
  flagged_hash: string | null;
}

const fromRow = (r: Row): InvoiceExport => ({
  hubspotInvoiceId: r.hubspot_invoice_id,
  qboInvoiceId: r.qbo_invoice_id ?? undefined,
  lines: r.lines ?? undefined,
  flaggedHash: r.flagged_hash ?? undefined,
});

/** HubSpot invoices exported to QuickBooks (migration 0008). */
export function invoiceExportStore(db: Queryable) {
  return {
    async byHubspotId(connectionId: string, hubspotInvoiceId: string): Promise<InvoiceExport | undefined> {
      const [row] = await db.query<Row>('SELECT * FROM invoice_exports WHERE connection_id = $1 AND hubspot_invoice_id = $2', [connectionId, hubspotInvoiceId]);
      return row === undefined ? undefined : fromRow(row);
    },

    async byQboId(connectionId: string, qboInvoiceId: string): Promise<InvoiceExport | undefined> {
      const [row] = await db.query<Row>('SELECT * FROM invoice_exports WHERE connection_id = $1 AND qbo_invoice_id = $2', [connectionId, qboInvoiceId]);
      return row === undefined ? undefined : fromRow(row);
    },

    /** Recorded before QuickBooks is asked; a repeat keeps the first row. */
    async begin(connectionId: string, hubspotInvoiceId: string): Promise<void> {
      await db.query(`INSERT INTO invoice_exports (connection_id, hubspot_invoice_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
        connectionId,
        hubspotInvoiceId,
      ]);
    },

    async created(connectionId: string, hubspotInvoiceId: string, qboInvoiceId: string, lines: ExportedLine[]): Promise<void> {
      await db.query(
        `UPDATE invoice_exports SET qbo_invoice_id = $3, lines = $4::jsonb, updated_at = now() WHERE connection_id = $1 AND hubspot_invoice_id = $2`,
        [connectionId, hubspotInvoiceId, qboInvoiceId, JSON.stringify(lines)],
      );
    },

    async setFlagged(connectionId: string, qboInvoiceId: string, hash: string | undefined): Promise<void> {
      await db.query(`UPDATE invoice_exports SET flagged_hash = $3, updated_at = now() WHERE connection_id = $1 AND qbo_invoice_id = $2`, [
        connectionId,
        qboInvoiceId,
        hash ?? null,
      ]);
    },

    async forget(connectionId: string): Promise<void> {
      await db.query('DELETE FROM invoice_exports WHERE connection_id = $1', [connectionId]);
    },
  };
}
