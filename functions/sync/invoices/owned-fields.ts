import type { QboInvoice } from '../../quickbooks/schemas';
import type { ExportedLine, InvoiceExport } from '../../store/invoice-exports';
import { contentHash } from '../shared/values';
import type { InvoiceRun } from './run';
import { toCents } from './status';

/** A QBO invoice's billed lines in the shape they were exported in (QBO appends a subtotal line, which is not billed). */
export function billedLines(invoice: QboInvoice): ExportedLine[] {
  return invoice.Line.filter((l) => l.DetailType === 'SalesItemLineDetail').map((l) => ({
    itemId: l.SalesItemLineDetail?.ItemRef?.value ?? '',
    quantity: String(l.SalesItemLineDetail?.Qty ?? 1),
    unitPrice: String(l.SalesItemLineDetail?.UnitPrice ?? 0),
    amountCents: toCents(l.Amount ?? 0),
    taxCodeId: l.SalesItemLineDetail?.TaxCodeRef?.value,
  }));
}

const FIELDS: { key: keyof ExportedLine; label: string; show: (l: ExportedLine) => string }[] = [
  { key: 'itemId', label: 'item', show: (l) => l.itemId },
  { key: 'quantity', label: 'quantity', show: (l) => String(Number(l.quantity)) },
  { key: 'unitPrice', label: 'unit price', show: (l) => String(Number(l.unitPrice)) },
  { key: 'amountCents', label: 'amount', show: (l) => (l.amountCents / 100).toFixed(2) },
  { key: 'taxCodeId', label: 'tax code', show: (l) => l.taxCodeId ?? 'none' },
];

/** What QuickBooks changed in the lines HubSpot billed, in words ("line 2 quantity 3 → 4"); empty when nothing did. */
export function ownedFieldChanges(exported: readonly ExportedLine[], now: readonly ExportedLine[]): string[] {
  const changes: string[] = [];
  for (let i = 0; i < Math.max(exported.length, now.length); i++) {
    const before = exported[i];
    const after = now[i];
    if (before === undefined) changes.push(`line ${i + 1} added (${FIELDS.map((f) => `${f.label} ${f.show(after!)}`).join(', ')})`);
    else if (after === undefined) changes.push(`line ${i + 1} removed`);
    else for (const f of FIELDS) if (f.show(before) !== f.show(after)) changes.push(`line ${i + 1} ${f.label} ${f.show(before)} → ${f.show(after)}`);
  }
  return changes;
}

/**
 * An invoice made in HubSpot owns its lines, prices and tax: a QuickBooks edit of them is never silently lost. With
 * `onOwnedFieldEdit: flag` it is kept and reported once as a failure in sync health (what changed, on which invoice),
 * until the lines match again; with `revert`, HubSpot's lines are written back to QuickBooks (a sparse update replaces
 * every line, https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice) and the log
 * says what was undone. Returns whether an unresolved flag stands (the link is then not in sync).
 */
export async function guardOwnedFields(run: InvoiceRun, invoice: QboInvoice, exported: InvoiceExport, hubspotId: string): Promise<boolean> {
  const { store, qbo, connectionId, settings } = run.ctx;
  const original = exported.lines ?? [];
  const changes = ownedFieldChanges(original, billedLines(invoice));
  const place = { qboId: invoice.Id, hubspotId, action: 'owned_fields', direction: 'to_hubspot' as const };
  const name = `QuickBooks invoice ${invoice.DocNumber ?? invoice.Id}`;
  if (changes.length === 0 || invoice.PrivateNote?.startsWith('Voided')) {
    if (exported.flaggedHash !== undefined) {
      await store.invoiceExports.setFlagged(connectionId, invoice.Id, undefined);
      await run.book.log({ ...place, outcome: 'succeeded', message: `${name}'s lines match its HubSpot invoice again.` });
    }
    return false;
  }
  if (settings.onOwnedFieldEdit === 'revert') {
    await qbo.update('Invoice', {
      Id: invoice.Id,
      SyncToken: invoice.SyncToken,
      sparse: true,
      Line: original.map((l) => ({
        DetailType: 'SalesItemLineDetail',
        Amount: l.amountCents / 100,
        SalesItemLineDetail: {
          ItemRef: { value: l.itemId },
          Qty: Number(l.quantity),
          UnitPrice: Number(l.unitPrice),
          ...(l.taxCodeId === undefined ? {} : { TaxCodeRef: { value: l.taxCodeId } }),
        },
      })),
    });
    await run.book.log({
      ...place,
      outcome: 'succeeded',
      message: `${name} was edited in QuickBooks, but its lines belong to the HubSpot invoice it was made from: HubSpot's lines were put back (${changes.join('; ')}).`,
      details: { changes, resolution: 'reverted' },
    });
    return false;
  }
  const hash = contentHash({ changes: changes.join('\n') });
  if (exported.flaggedHash !== hash) {
    await store.invoiceExports.setFlagged(connectionId, invoice.Id, hash);
    run.book.counts.failed++;
    await run.book.log({
      ...place,
      outcome: 'failed',
      errorCode: 'owned_fields_edited_in_qbo',
      message: `${name} was edited in QuickBooks, but its lines, prices and tax belong to the HubSpot invoice it was made from: ${changes.join('; ')}. QuickBooks keeps the edit and HubSpot's lines are unchanged; undo it in QuickBooks, or set the invoice sync to put HubSpot's lines back.`,
      details: { changes, resolution: 'flagged' },
    });
  }
  return true;
}
