import { changedIds, type Flow } from '../flow';
import { defaultInvoiceSettings, EditableInvoiceSettingsSchema, exportsToQbo, InvoiceSettingsSchema, type InvoiceSettings } from '../invoices/settings';
import { openExportRun, syncHubspotInvoices, type ExportCounts } from './export';
import { notEligible, EXPORT_PROPERTIES } from './rules';

/** This flow's checkpoint name (its own: the invoice sync's `qbo` checkpoint is the other direction's). */
const CHECKPOINT = 'invoices_to_qbo';

export interface ExportPreview {
  eligible: number;
}

/**
 * HubSpot invoices → QuickBooks invoices: the HubSpot → QuickBooks direction of the invoice sync, run with that sync's
 * settings while its direction includes it.
 * - Change sources: HubSpot's invoice webhooks (generic `object.*` subscriptions support invoices,
 *   https://developers.hubspot.com/changelog/public-beta-generic-webhook-subscriptions) for status changes, and
 *   reconciliation on invoices' `hs_lastmodifieddate` every 5 minutes, so a lost webhook still lands within 10.
 * - An invoice is exported once, when it reaches a status the settings name (finalized: `open`) and passes the filters;
 *   invoices the QuickBooks → HubSpot direction made are never sent back. Exactly once: a row per HubSpot invoice is
 *   written before QuickBooks is asked, QBO's request id derives from the invoice, and the flow's lease runs one run at
 *   a time per connection.
 * - After that, HubSpot owns the lines, prices and tax (a QuickBooks edit of them is flagged or reverted by the other
 *   direction, which reads QuickBooks' changes); a void in HubSpot voids the QuickBooks invoice.
 */
export const invoiceExportFlow: Flow<InvoiceSettings, ExportCounts, ExportPreview> = {
  name: 'invoices_to_qbo',
  label: 'Invoices HubSpot → QuickBooks',
  direction: 'to_qbo',
  directionOf: { flow: 'invoices', runs: exportsToQbo },
  listensTo: { hubspot: ['invoices'], qbo: [] },
  qboIdProperties: [],
  settings: { stored: InvoiceSettingsSchema, editable: EditableInvoiceSettingsSchema, defaults: defaultInvoiceSettings },
  changed: (ctx, changes) => syncHubspotInvoices(openExportRun(ctx), changedIds(changes, 'hubspot', 'invoices')),
  async reconcile(ctx) {
    const startedAt = ctx.now();
    const cursor = await ctx.store.checkpoints.get(ctx.connectionId, CHECKPOINT, 'hubspot');
    const ids: string[] = [];
    // No checkpoint yet (the direction was just turned on): every HubSpot invoice is looked at once.
    for await (const page of ctx.hubspot.modifiedSince('invoices', new Date(cursor ?? 0), ['hs_invoice_status'])) ids.push(...page.map((i) => i.id));
    const counts = await syncHubspotInvoices(openExportRun(ctx), ids);
    await ctx.store.checkpoints.set(ctx.connectionId, CHECKPOINT, 'hubspot', startedAt.toISOString());
    return counts;
  },
  firstSync(ctx) {
    return this.reconcile(ctx);
  },
  async preview(ctx) {
    let eligible = 0;
    for await (const page of ctx.hubspot.listAll('invoices', EXPORT_PROPERTIES))
      eligible += page.filter((i) => notEligible(i, ctx.settings) === undefined).length;
    return { eligible };
  },
  async retryOf(failed) {
    const ids = failed.filter((e) => e.direction === 'to_qbo' && (e.action === 'export' || e.action === 'void') && e.hubspotId).map((e) => e.hubspotId!);
    return { hubspot: { invoices: [...new Set(ids)] } };
  },
  forget: (store, connectionId) => store.invoiceExports.forget(connectionId),
};
