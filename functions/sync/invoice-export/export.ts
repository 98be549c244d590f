import { createHash } from 'node:crypto';
import { byNumericId, CONTACT_PROPERTIES, billToOf, companyToday, LINE_ITEM_PROPERTIES, present, QboBilling } from '../../deal-invoices/billing';
import { buildInvoiceDraft, type InvoiceDraft } from '../../deal-invoices/builder';
import { InvoiceCreationFailed, invoiceFailure, type InvoiceFailureCode } from '../../deal-invoices/failures';
import type { HsObject } from '../../hubspot/client';
import type { QboUpdateBody } from '../../quickbooks/client';
import { QboApiError } from '../../quickbooks/errors';
import { invoicingSettings, qboInvoiceBody } from '../../quickbooks/invoice-draft';
import type { FlowContext } from '../flow';
import { billedLines } from '../invoices/owned-fields';
import { deriveInvoiceStatus } from '../invoices/status';
import type { InvoiceSettings } from '../invoices/settings';
import { RunBook } from '../shared/run-book';
import { SyncRecordFailed } from '../shared/failures';
import type { FlowSettings } from '../two-way/settings';
import { EXPORT_PROPERTIES, editedSince, exportNote, mappedTaxCode, notEligible, sharedFieldsOf, syncedShared, TaxMappingProblem } from './rules';

export interface ExportCounts {
  exported: number;
  updated: number;
  voided: number;
  skipped: number;
  failed: number;
}

/** The sync log's object: this flow is a direction of the invoice sync. */
export const OBJECT = 'invoices';

export interface ExportRun {
  ctx: FlowContext<InvoiceSettings>;
  book: RunBook<ExportCounts>;
}

export const openExportRun = (ctx: FlowContext<InvoiceSettings>): ExportRun => ({
  ctx,
  book: new RunBook(ctx, OBJECT, { exported: 0, updated: 0, voided: 0, skipped: 0, failed: 0 }),
});

/** The HubSpot invoices a webhook, a retry or reconciliation named: each exported once, or its void followed. */
export async function syncHubspotInvoices(run: ExportRun, ids: readonly string[]): Promise<ExportCounts> {
  const { hubspot } = run.ctx;
  const condition = run.ctx.settings.exportCondition?.property;
  const invoices = ids.length === 0 ? [] : await hubspot.read('invoices', [...ids], [...EXPORT_PROPERTIES, ...(condition ? [condition] : [])]);
  for (const invoice of invoices.sort(byNumericId)) {
    await run.book.guard({ hubspotId: invoice.id, action: 'export', direction: 'to_qbo' }, () => follow(run, invoice));
  }
  return run.book.finish();
}

/** One HubSpot invoice: exported when it is ours to export and eligible; voided in QuickBooks when voided in HubSpot. */
async function follow(run: ExportRun, invoice: HsObject): Promise<void> {
  const { store, connectionId } = run.ctx;
  const exported = await store.invoiceExports.byHubspotId(connectionId, invoice.id);
  if (exported?.qboInvoiceId !== undefined) {
    if (invoice.properties['hs_invoice_status'] === 'voided') return followVoid(run, invoice, exported.qboInvoiceId);
    return followSharedEdits(run, invoice, exported.qboInvoiceId);
  }
  // An invoice the QuickBooks → HubSpot direction brought is QuickBooks' own: never sent back.
  const link = await store.links.byHubspotId(connectionId, OBJECT, invoice.id);
  if (link !== undefined || present(invoice.properties['qbo_invoice_id']) !== undefined) return;
  if (notEligible(invoice, run.ctx.settings) !== undefined) return;
  await exportInvoice(run, invoice);
}

/** Voided in HubSpot: voided in QuickBooks too (once; an invoice QuickBooks already shows voided is left alone). */
async function followVoid(run: ExportRun, invoice: HsObject, qboId: string): Promise<void> {
  const { qbo } = run.ctx;
  const [current] = (await qbo.readMany('Invoice', [qboId])).values();
  // Voided is read from the amounts and memo alone; the day only matters for overdue.
  if (current === undefined || deriveInvoiceStatus(current, '1970-01-01') === 'voided') return;
  await qbo.voidInvoice(qboId, current.SyncToken);
  run.book.counts.voided++;
  await run.book.log({
    hubspotId: invoice.id,
    qboId,
    action: 'void',
    direction: 'to_qbo',
    outcome: 'succeeded',
    message: `HubSpot invoice ${invoice.properties['hs_number'] ?? invoice.id} was voided; its QuickBooks invoice ${current.DocNumber ?? qboId} was voided too.`,
  });
}

const FIELD_LABELS = { invoiceDate: 'invoice date', dueDate: 'due date', memo: 'customer memo' } as const;

/**
 * Dates and memo edited in HubSpot after the invoice went to QuickBooks: sent as a sparse update, which leaves the
 * lines (HubSpot's, guarded by the other direction) untouched. Only the fields HubSpot changed since they were last in
 * sync go, so an edit QuickBooks made meanwhile is not overwritten (the other direction brings it to HubSpot). A stale
 * SyncToken (QuickBooks error 5010: edited meanwhile) is answered by reading the invoice again and retrying once.
 */
async function followSharedEdits(run: ExportRun, invoice: HsObject, qboId: string): Promise<void> {
  const { store, qbo, connectionId, now } = run.ctx;
  const link = await store.links.byHubspotId(connectionId, OBJECT, invoice.id);
  if (link === undefined) return;
  const inHubspot = sharedFieldsOf(invoice.properties);
  // A date HubSpot no longer has is not cleared in QuickBooks: an invoice there always has its date.
  const edited = editedSince(link.syncedValues, inHubspot).filter((k) => inHubspot[k] !== undefined);
  if (edited.length === 0) return;
  const body: QboUpdateBody = { Id: qboId, SyncToken: link.qboSyncToken ?? '0', sparse: true };
  if (edited.includes('invoiceDate')) body['TxnDate'] = inHubspot.invoiceDate;
  if (edited.includes('dueDate')) body['DueDate'] = inHubspot.dueDate;
  if (edited.includes('memo')) body['CustomerMemo'] = { value: inHubspot.memo };
  const updated = await updateRereadingStale(qbo, body);
  await store.links.save(
    { ...link, qboSyncToken: updated.SyncToken, syncedValues: { ...link.syncedValues, ...Object.fromEntries(edited.map((k) => [k, inHubspot[k]!])) } },
    now(),
  );
  run.book.counts.updated++;
  await run.book.log({
    hubspotId: invoice.id,
    qboId,
    action: 'update',
    direction: 'to_qbo',
    outcome: 'succeeded',
    message: `HubSpot invoice ${invoice.properties['hs_number'] ?? invoice.id}: ${edited.map((k) => `${FIELD_LABELS[k]} ${inHubspot[k] || '(empty)'}`).join(', ')} sent to QuickBooks invoice ${updated.DocNumber ?? qboId}.`,
  });
}

async function updateRereadingStale(qbo: FlowContext<InvoiceSettings>['qbo'], body: QboUpdateBody) {
  try {
    return await qbo.update('Invoice', body);
  } catch (err) {
    if (!(err instanceof QboApiError && err.kind === 'stale_object')) throw err;
    const fresh = await qbo.get('Invoice', body.Id);
    return qbo.update('Invoice', { ...body, SyncToken: fresh.SyncToken });
  }
}

/**
 * QBO's request id, one per HubSpot invoice (at most 50 characters, a repeat returns the first response,
 * https://developer.intuit.com/app/developer/qbo/docs/learn/rest-api-features): a retry after a lost answer, a crash or
 * a repeated webhook gets the first invoice back instead of a second one.
 */
const requestId = (connectionId: string, hubspotInvoiceId: string): string =>
  createHash('sha256').update(`${connectionId}:hubspot-invoice:${hubspotInvoiceId}`).digest('hex').slice(0, 36);

/** Duplicate document number (https://developer.intuit.com/app/developer/qbo/docs/develop/troubleshooting/error-codes). */
const DUPLICATE_DOC_NUMBER = '6140';

/**
 * Creates the QBO invoice once: the contact's customer, the line items' items, each line's tax code from the tax
 * mapping, the invoice's currency, dates, memo and PO number, and HubSpot's number when the company numbers its own
 * invoices (QBO's own number otherwise, which the QuickBooks → HubSpot direction writes back). Linked both ways at
 * once, so neither direction makes a twin.
 */
async function exportInvoice(run: ExportRun, invoice: HsObject): Promise<void> {
  const { ctx } = run;
  const { store, hubspot, qbo, connectionId, settings } = ctx;
  const props = invoice.properties;
  await store.invoiceExports.begin(connectionId, invoice.id);

  const assoc = (type: Parameters<typeof hubspot.associations>[2]) => hubspot.associations('invoices', invoice.id, type);
  const [contactIds, lineItemIds, dealIds, taxIds, discountIds, feeIds] = await Promise.all([
    assoc('contacts'),
    assoc('line_items'),
    assoc('deals'),
    assoc('taxes'),
    assoc('discounts'),
    assoc('fees'),
  ]);
  if (contactIds.length !== 1) throw new SyncRecordFailed('no_contact', 'The HubSpot invoice needs exactly one associated contact to be billed in QuickBooks.');
  if (lineItemIds.length === 0) throw new SyncRecordFailed('no_line_items', 'The HubSpot invoice has no line items: there is nothing to bill in QuickBooks.');
  if (discountIds.length + feeIds.length > 0) {
    throw new SyncRecordFailed(
      'unsupported_adjustment',
      'The HubSpot invoice has an invoice-level discount or fee, which the sync does not send to QuickBooks yet: put discounts and fees on its line items.',
    );
  }
  const [[contact], lineItems, taxes, [deal], companyInfo, preferences] = await Promise.all([
    hubspot.read('contacts', contactIds, CONTACT_PROPERTIES),
    hubspot.read('line_items', lineItemIds, LINE_ITEM_PROPERTIES),
    taxIds.length === 0 ? Promise.resolve([]) : hubspot.read('taxes', taxIds, ['hs_label']),
    dealIds.length === 0 ? Promise.resolve([]) : hubspot.read('deals', [[...dealIds].sort((a, b) => Number(a) - Number(b))[0]!], ['dealname']),
    qbo.companyInfo(),
    qbo.preferences(),
  ]);
  if (contact === undefined) throw new SyncRecordFailed('no_contact', 'The HubSpot invoice needs exactly one associated contact to be billed in QuickBooks.');
  const company = invoicingSettings(companyInfo, preferences);
  const today = companyToday(ctx.now(), company.timeZone);
  const billing = new QboBilling({
    connectionId,
    store,
    hubspot,
    qbo,
    syncNow: (object, changes, adjust) => ctx.syncOther<FlowSettings>(object, changes, adjust),
    step: () => ctx.signal.throwIfAborted(),
  });

  try {
    const invoiceTaxes = taxes.map((t) => present(t.properties['hs_label']) ?? `tax ${t.id}`);
    const wanted = new Map(
      lineItems.map((li) => [li.id, mappedTaxCode({ invoiceTaxes, lineTaxRate: present(li.properties['hs_tax_rate_group_id']) }, settings)]),
    );
    const facts = await billing.companyFacts(company, settings.dealFieldName, today, {
      terms: false,
      taxCodes: [...wanted.values()].some((w) => w !== undefined),
    });
    const taxCodeId = (w: string | undefined) => (w === undefined ? undefined : resolveTaxCode(w, facts.taxCodes, company.usesTaxCodes));
    const customerId = await billing.customerFor(contact, settings.whenCustomerMissing);
    const itemOf = await billing.itemsFor(lineItems, settings.defaultItemId === undefined ? 'create' : 'default_item', settings.defaultItemId);
    const [customer, lines] = await Promise.all([
      qbo.get('Customer', customerId),
      billing.lines(lineItems, itemOf, company, (li) => taxCodeId(wanted.get(li.id))),
    ]);
    const number = present(props['hs_number']);
    const po = present(props['hs_purchase_order_number']);
    const shared = sharedFieldsOf(props);
    const { invoiceDate, dueDate, memo } = shared;
    const draft = buildInvoiceDraft({
      deal: { id: deal?.id ?? invoice.id, name: present(deal?.properties['dealname']), currency: present(props['hs_currency']) },
      lines,
      billTo: billToOf(customerId, customer, contact),
      company: { ...facts, dealFieldId: deal === undefined ? undefined : facts.dealFieldId },
      options: {
        ...(invoiceDate === undefined ? {} : { invoiceDate }),
        ...(dueDate === undefined ? {} : { dueDate }),
        ...(memo === '' ? {} : { customerMessage: memo }),
        sendEmail: false,
        whenCustomerMissing: settings.whenCustomerMissing,
        whenItemMissing: 'create',
      },
      docNumber: company.customNumbers ? number : undefined,
      privateNote: exportNote(number ?? invoice.id, invoice.id, po),
    });
    const created = await createOnce(run, invoice, draft, number);
    // HubSpot's lines as QuickBooks holds them (with the codes and rounding it filled in): what a later edit is compared with.
    await store.invoiceExports.created(connectionId, invoice.id, created.Id, billedLines(created));
    await store.links.save(
      {
        connectionId,
        object: OBJECT,
        hubspotId: invoice.id,
        qboId: created.Id,
        hubspotHash: undefined,
        qboHash: undefined,
        qboSyncToken: created.SyncToken,
        syncedValues: { contact: contact.id, deal: deal?.id ?? '', ...syncedShared(shared) },
      },
      ctx.now(),
    );
    if (deal !== undefined) await store.invoices.recordOrigin(connectionId, created.Id, deal.id);
    // The other direction writes QBO's number and status back, whether or not QBO's webhook arrives (or came too early).
    await ctx.enqueue('invoices', { qbo: { Invoice: [created.Id] } });
    run.book.counts.exported++;
    await run.book.log({
      hubspotId: invoice.id,
      qboId: created.Id,
      action: 'export',
      direction: 'to_qbo',
      outcome: 'succeeded',
      message: `HubSpot invoice ${number ?? invoice.id} became QuickBooks invoice ${created.DocNumber ?? created.Id} (${created.TotalAmt.toFixed(2)} ${created.CurrencyRef?.value ?? company.homeCurrency}).`,
    });
  } catch (err) {
    if (err instanceof InvoiceCreationFailed) throw new SyncRecordFailed(err.code.toLowerCase(), exportFailure(err.code, err.detail));
    if (err instanceof TaxMappingProblem) throw new SyncRecordFailed('tax_mapping', err.message);
    throw err;
  }
}

async function createOnce(run: ExportRun, invoice: HsObject, draft: InvoiceDraft, number: string | undefined) {
  try {
    return await run.ctx.qbo.create('Invoice', qboInvoiceBody(draft), { requestId: requestId(run.ctx.connectionId, invoice.id) });
  } catch (err) {
    if (err instanceof QboApiError && err.code === DUPLICATE_DOC_NUMBER) {
      throw new SyncRecordFailed(
        'duplicate_number',
        `QuickBooks already has an invoice numbered ${number ?? '(none)'} (QuickBooks error ${DUPLICATE_DOC_NUMBER}). This company numbers its own invoices, so HubSpot's number is kept and never changed silently: renumber one of the two invoices, then retry this one from sync health.`,
      );
    }
    throw err;
  }
}

/** A tax code as the admin wrote it (a name or an id), checked against the company's; a US company takes TAX or NON. */
function resolveTaxCode(wanted: string, codes: { id: string; name: string }[], usesTaxCodes: boolean): string {
  if (!usesTaxCodes) {
    const code = wanted.trim().toUpperCase();
    if (code === 'TAX' || code === 'NON') return code;
    throw new TaxMappingProblem(`"${wanted}" is not a tax code in this US company, which calculates sales tax itself: map HubSpot taxes to TAX or NON.`);
  }
  const w = wanted.trim().toLowerCase();
  const found = codes.find((c) => c.id === wanted.trim()) ?? codes.find((c) => c.name.trim().toLowerCase() === w);
  if (found === undefined)
    throw new TaxMappingProblem(
      `The tax mapping names "${wanted}", which is not one of the company's tax codes (${codes.map((c) => c.name).join(', ') || 'none'}).`,
    );
  return found.id;
}

/** The builder's refusals, worded for an invoice sent from HubSpot rather than for the "Create invoice" action. */
const EXPORT_MESSAGES: Partial<Record<InvoiceFailureCode, (detail: string) => string>> = {
  CUSTOMER_NOT_IN_QBO: (d) =>
    `Contact ${d} has no QuickBooks customer, and the invoice sync is set not to create one: link the contact, or let the sync create customers.`,
  CONTACT_WITHOUT_EMAIL: (d) => `Contact ${d} has no e-mail address, which a new QuickBooks customer needs: add one in HubSpot, then retry.`,
  CURRENCY_MISMATCH: (d) => `The invoice's currency does not match its QuickBooks customer's (${d}): QuickBooks bills a customer only in its own currency.`,
  TAX_CODE_MISSING: (d) =>
    `QuickBooks needs a tax code on every line, and none is set for ${d}: map the invoice's tax in the invoice sync's settings, or set a default tax code.`,
};

function exportFailure(code: InvoiceFailureCode, detail: string): string {
  return EXPORT_MESSAGES[code]?.(detail) ?? invoiceFailure(code, detail).message;
}
