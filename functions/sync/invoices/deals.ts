import type { QboInvoice } from '../../quickbooks/schemas';
import { dealIdFromCustomField, EMPTY_DEAL_ROLLUP, toDealTotals, type InvoiceFacts } from './mapping';
import type { InvoiceRun } from './run';

/** The deal the "Create invoice" action made it from, else the one its custom field names, if that deal exists. */
export async function dealOf(run: InvoiceRun, invoice: QboInvoice, logMissing = true): Promise<string | undefined> {
  const { store, hubspot, connectionId, settings } = run.ctx;
  const dealId = (await store.invoices.originOf(connectionId, invoice.Id)) ?? dealIdFromCustomField(invoice, settings.dealFieldName);
  if (dealId === undefined) return undefined;
  if (!run.dealExists.has(dealId)) {
    const [deal] = await hubspot.read('deals', [dealId], ['dealname']);
    run.dealExists.set(dealId, deal !== undefined && !deal.archived);
    if (!run.dealExists.get(dealId) && logMissing) {
      run.book.counts.skipped++;
      await run.book.log({
        qboId: invoice.Id,
        action: 'associate_deal',
        direction: 'to_hubspot',
        outcome: 'skipped',
        message: `QuickBooks invoice ${invoice.DocNumber ?? invoice.Id} names HubSpot deal ${dealId}, which does not exist; the invoice is linked to its contact only.`,
      });
    }
  }
  return run.dealExists.get(dealId) ? dealId : undefined;
}

/**
 * The HubSpot contact linked to the invoice's customer by the Contacts ⇄ Customers sync, if it still exists. The link
 * outlives a contact deleted or merged away in HubSpot (deletes are not synced), and HubSpot refuses an association to
 * a record that does not exist: such an invoice goes to HubSpot without its contact. A merged-away id that HubSpot
 * answers with the surviving contact gives that contact.
 */
export async function contactOf(run: InvoiceRun, facts: InvoiceFacts, logMissing = true): Promise<string | undefined> {
  const { store, hubspot, connectionId } = run.ctx;
  const linked = (await store.links.byQboId(connectionId, 'contacts', facts.customerId))?.hubspotId;
  if (linked === undefined) return undefined;
  if (!run.contactNow.has(linked)) {
    const [contact] = await hubspot.read('contacts', [linked], ['email']);
    const current = contact !== undefined && !contact.archived ? contact.id : undefined;
    run.contactNow.set(linked, current);
    if (current === undefined && logMissing) {
      run.book.counts.skipped++;
      await run.book.log({
        hubspotId: linked,
        qboId: facts.qboId,
        action: 'associate_contact',
        direction: 'to_hubspot',
        outcome: 'skipped',
        message: `QuickBooks invoice ${facts.number ?? facts.qboId} is for a customer linked to HubSpot contact ${linked}, which no longer exists (deleted, or merged into another); the invoice is synced without a contact.`,
      });
    }
  }
  return run.contactNow.get(linked);
}

/**
 * The deal shows its most recently updated invoice, and its totals across all of its invoices; with none left, its
 * invoice properties are cleared.
 */
export async function rollUp(run: InvoiceRun, dealId: string): Promise<void> {
  const { store, hubspot, connectionId } = run.ctx;
  const latest = await store.invoices.latestForDeal(connectionId, dealId);
  const totals = await store.invoices.dealTotals(connectionId, dealId);
  await hubspot.update('deals', [{ id: dealId, properties: { ...(latest?.dealValues ?? EMPTY_DEAL_ROLLUP), ...toDealTotals(totals) } }]);
  if (totals.length > 1) {
    run.book.counts.skipped++;
    await run.book.log({
      hubspotId: dealId,
      action: 'deal_rollup',
      direction: 'to_hubspot',
      outcome: 'skipped',
      message: `Deal ${dealId} has invoices in ${totals.map((t) => t.currency).join(' and ')}; amounts in different currencies do not add up, so its invoice totals show counts only.`,
    });
  }
  run.book.counts.dealsUpdated++;
}
