import type { QboInvoice } from '../../quickbooks/schemas';
import type { InvoiceExport } from '../../store/invoice-exports';
import type { InvoiceState } from '../../store/invoices';
import type { Link } from '../../store/links';
import { contentHash } from '../shared/values';
import { contactOf, dealOf } from './deals';
import { DELETED_INVOICE, invoiceFacts, toDealRollup, toExportedHubspotInvoice, toHubspotInvoice, type InvoiceFacts } from './mapping';
import { guardOwnedFields } from './owned-fields';
import { companyToday, OBJECT, type InvoiceRun } from './run';
import { importsToHubspot } from './settings';
import { exportedFrom } from '../invoice-export/rules';

/** A link's sync time while its records disagree on what one side owns: before any failure the sync log holds. */
const NEVER_SYNCED = new Date(0);

/** The link's HubSpot hash once the HubSpot invoice has been archived: a repeated delete notification is a no-op. */
const ARCHIVED = 'archived';

/**
 * One QBO invoice onto its HubSpot invoice: created (with its contact and deal) or updated only when what it would
 * show changed, its contact and deal re-associated when they changed, and its deal's roll-up marked for the end of
 * the run. An invoice QBO no longer has is deleted.
 */
export async function syncInvoice(run: InvoiceRun, qboId: string, invoice: QboInvoice | undefined): Promise<void> {
  const { store, hubspot, now, connectionId, environment, settings } = run.ctx;
  const link = await store.links.byQboId(connectionId, OBJECT, qboId);
  const prior = await store.invoices.state(connectionId, qboId);
  const exported = await store.invoiceExports.byQboId(connectionId, qboId);
  if (exported !== undefined && link !== undefined) return syncExported(run, qboId, invoice, link, exported, prior);
  // Only HubSpot → QuickBooks: invoices made in QuickBooks stay there (those already brought keep following).
  if (link === undefined && !importsToHubspot(settings)) return;
  // Being exported right now (QBO's webhook came before the export linked it): the export links it, then queues it here.
  const from = exportedFrom(invoice?.PrivateNote);
  if (link === undefined && from !== undefined && (await store.invoiceExports.byHubspotId(connectionId, from)) !== undefined) return;
  if (invoice === undefined) return deleteInvoice(run, qboId, link, prior?.dealId);

  const facts = invoiceFacts(invoice, await companyToday(run), environment);
  const dealId = await dealOf(run, invoice);
  const contactId = await contactOf(run, facts);
  const properties = toHubspotInvoice(facts);
  const associated = { deal: dealId ?? '', contact: contactId ?? '' };
  const hash = contentHash({ ...properties, '@deal': associated.deal, '@contact': associated.contact });

  if (link?.hubspotHash === hash) {
    run.book.counts.unchanged++;
  } else {
    let hubspotId = link && link.hubspotHash !== ARCHIVED ? link.hubspotId : await findHubspotInvoice(run, qboId);
    if (hubspotId === undefined) {
      const associations = [
        ...(contactId ? [{ toType: 'contacts' as const, toId: contactId }] : []),
        ...(dealId ? [{ toType: 'deals' as const, toId: dealId }] : []),
      ];
      const [created] = await hubspot.create(OBJECT, [{ properties, associations }]);
      hubspotId = created!.id;
      run.book.counts.created++;
    } else {
      await hubspot.update(OBJECT, [{ id: hubspotId, properties }]);
      // Only the record the link names carries what syncedValues says; one found by search starts from nothing known.
      const before = link && link.hubspotHash !== ARCHIVED ? link.syncedValues : undefined;
      await reassociate(run, hubspotId, 'contacts', before?.['contact'], contactId);
      await reassociate(run, hubspotId, 'deals', before?.['deal'], dealId);
      run.book.counts.updated++;
    }
    await store.links.save(
      { connectionId, object: OBJECT, hubspotId, qboId, hubspotHash: hash, qboHash: undefined, qboSyncToken: invoice.SyncToken, syncedValues: associated },
      now(),
    );
  }

  await recordState(run, facts, dealId, prior);
}

/**
 * An invoice made in HubSpot and exported to QBO: its HubSpot invoice gets QBO's number, dates, status and money
 * (payments), never its lines, which HubSpot owns (see owned-fields.ts); deleted in QBO, it is kept and marked deleted.
 */
async function syncExported(
  run: InvoiceRun,
  qboId: string,
  invoice: QboInvoice | undefined,
  link: Link,
  exported: InvoiceExport,
  prior: InvoiceState | undefined,
): Promise<void> {
  const { store, hubspot, now, connectionId, environment } = run.ctx;
  if (invoice === undefined) {
    await store.invoices.removeState(connectionId, qboId);
    if (prior?.dealId) run.affectedDeals.add(prior.dealId);
    const hash = contentHash(DELETED_INVOICE);
    if (link.hubspotHash === hash) return;
    await hubspot.update(OBJECT, [{ id: link.hubspotId, properties: DELETED_INVOICE }]);
    await store.links.save({ ...link, hubspotHash: hash }, now());
    run.book.counts.updated++;
    return;
  }
  const facts = invoiceFacts(invoice, await companyToday(run), environment);
  const dealId = await dealOf(run, invoice);
  const flagged = await guardOwnedFields(run, invoice, exported, link.hubspotId);
  const properties = toExportedHubspotInvoice(facts);
  const hash = contentHash(properties);
  if (link.hubspotHash === hash) {
    run.book.counts.unchanged++;
  } else {
    await hubspot.update(OBJECT, [{ id: link.hubspotId, properties }]);
    run.book.counts.updated++;
  }
  // While a QuickBooks edit of HubSpot's lines stands unresolved the link is not in sync, so its failure stays open.
  await store.links.save({ ...link, hubspotHash: hash, qboSyncToken: invoice.SyncToken }, flagged ? NEVER_SYNCED : now());
  await recordState(run, facts, dealId, prior);
}

/** What the invoice shows on its deal, kept for the deal's roll-up; the deal is marked for the end of the run when that changed. */
async function recordState(run: InvoiceRun, facts: InvoiceFacts, dealId: string | undefined, prior: InvoiceState | undefined): Promise<void> {
  const { store, connectionId } = run.ctx;
  const qboId = facts.qboId;
  const dealValues = toDealRollup(facts);
  await store.invoices.saveState(connectionId, {
    qboInvoiceId: qboId,
    dealId,
    qboUpdatedAt: facts.updatedAt,
    invoiceDate: facts.invoiceDate,
    dueDate: facts.dueDate,
    billedCents: facts.amountBilledCents,
    balanceCents: facts.balanceDueCents,
    currency: facts.currency,
    daysOverdue: facts.daysOverdue,
    dealValues,
  });
  const rollupChanged =
    !prior ||
    prior.dealId !== dealId ||
    prior.qboUpdatedAt.getTime() !== facts.updatedAt.getTime() ||
    contentHash(prior.dealValues) !== contentHash(dealValues);
  if (rollupChanged && dealId) run.affectedDeals.add(dealId);
  if (prior?.dealId && prior.dealId !== dealId) run.affectedDeals.add(prior.dealId);
}

/**
 * Follows a changed contact or deal: the new one is associated (unlabeled default,
 * https://developers.hubspot.com/docs/api-reference/crm-associations-v4/guide; PUT is
 * idempotent, so only a change costs a call) and the old one dissociated, so the invoice shows on one deal only.
 */
async function reassociate(
  run: InvoiceRun,
  hubspotId: string,
  toType: 'contacts' | 'deals',
  before: string | undefined,
  now: string | undefined,
): Promise<void> {
  // syncedValues records "none" as ''.
  const previous = before === '' ? undefined : before;
  if (now === previous) return;
  if (now) await run.ctx.hubspot.associate(OBJECT, hubspotId, toType, now);
  if (previous) await run.ctx.hubspot.dissociate(OBJECT, hubspotId, toType, previous);
}

/** Deleted in QBO: dropped from its deal's roll-up; archived in HubSpot, or kept and marked deleted (settings.onDelete). */
async function deleteInvoice(run: InvoiceRun, qboId: string, link: Link | undefined, priorDealId: string | undefined): Promise<void> {
  const { store, hubspot, now, connectionId, settings } = run.ctx;
  await store.invoices.removeState(connectionId, qboId);
  if (priorDealId) run.affectedDeals.add(priorDealId);
  if (link?.hubspotHash === ARCHIVED) return;
  const hubspotId = link?.hubspotId ?? (await findHubspotInvoice(run, qboId));
  if (hubspotId === undefined) return;
  let hash: string;
  if (settings.onDelete === 'archive') {
    // Only draft invoices can be deleted (https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/invoices/guide):
    // back to draft, then archive.
    await hubspot.update(OBJECT, [{ id: hubspotId, properties: { hs_invoice_status: 'draft' } }]);
    await hubspot.archive(OBJECT, [hubspotId]);
    run.book.counts.archived++;
    hash = ARCHIVED;
  } else {
    await hubspot.update(OBJECT, [{ id: hubspotId, properties: DELETED_INVOICE }]);
    run.book.counts.updated++;
    hash = contentHash(DELETED_INVOICE);
  }
  await store.links.save(
    { connectionId, object: OBJECT, hubspotId, qboId, hubspotHash: hash, qboHash: undefined, qboSyncToken: undefined, syncedValues: link?.syncedValues },
    now(),
  );
  await run.book.log({
    qboId,
    hubspotId,
    action: 'delete',
    direction: 'to_hubspot',
    outcome: 'succeeded',
    message: `The invoice was deleted in QuickBooks; its HubSpot invoice was ${hash === ARCHIVED ? 'archived' : 'marked deleted'}.`,
  });
}

/** Our own earlier create carries the QBO id: a create retried after a lost response finds it instead of duplicating. */
async function findHubspotInvoice(run: InvoiceRun, qboId: string): Promise<string | undefined> {
  const [found] = await run.ctx.hubspot.search(OBJECT, {
    filters: [{ propertyName: 'qbo_invoice_id', operator: 'EQ', value: qboId }],
    properties: ['qbo_invoice_id'],
    limit: 1,
  });
  return found?.id;
}
