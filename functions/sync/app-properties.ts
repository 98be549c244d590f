import type { HubSpotClient, PropertyDef } from '../hubspot/client';
import { INVOICE_STATUSES, STATUS_LABELS } from './invoices/status';

/** The app's own HubSpot property group, on every object it writes to. */
export const APP_GROUP = { name: 'quickbooks_online', label: 'QuickBooks Online' };

const DESCRIPTION = 'Set by QuickBooks Online for HubSpot; do not edit.';

const text = (name: string, label: string): PropertyDef => ({
  name,
  label,
  type: 'string',
  fieldType: 'text',
  groupName: APP_GROUP.name,
  description: DESCRIPTION,
});
const number = (name: string, label: string): PropertyDef => ({
  name,
  label,
  type: 'number',
  fieldType: 'number',
  groupName: APP_GROUP.name,
  description: DESCRIPTION,
});
const date = (name: string, label: string): PropertyDef => ({
  name,
  label,
  type: 'date',
  fieldType: 'date',
  groupName: APP_GROUP.name,
  description: DESCRIPTION,
});
const status = (name: string, label: string): PropertyDef => ({
  name,
  label,
  type: 'enumeration',
  fieldType: 'select',
  groupName: APP_GROUP.name,
  description: DESCRIPTION,
  options: INVOICE_STATUSES.map((value, displayOrder) => ({ label: STATUS_LABELS[value], value, displayOrder })),
});

/** On HubSpot's invoice object: the QBO facts HubSpot's own properties cannot carry (see invoices/mapping.ts). */
export const INVOICE_PROPERTIES: PropertyDef[] = [
  text('qbo_invoice_id', 'QuickBooks invoice ID'),
  status('qbo_invoice_status', 'QuickBooks invoice status'),
  number('qbo_amount_billed', 'Amount billed (QuickBooks)'),
  number('qbo_balance_due', 'Balance due (QuickBooks)'),
  number('qbo_days_overdue', 'Days overdue (QuickBooks)'),
  text('qbo_recipient', 'Recipient (QuickBooks)'),
  text('qbo_invoice_link', 'Open in QuickBooks'),
];

/**
 * On deals: the most recently updated QBO invoice of the deal (as HubSpot's own QuickBooks integration does), and the
 * totals across all of the deal's invoices, for workflows, lists and reports on money owed.
 */
export const DEAL_INVOICE_PROPERTIES: PropertyDef[] = [
  text('qbo_invoice_number', 'Invoice number'),
  status('qbo_invoice_status', 'Invoice status'),
  number('qbo_invoice_amount_billed', 'Invoice amount billed'),
  number('qbo_invoice_balance_due', 'Invoice balance due'),
  text('qbo_invoice_currency', 'Invoice currency'),
  text('qbo_invoice_recipient', 'Invoice recipient'),
  date('qbo_invoice_due_date', 'Invoice due date'),
  number('qbo_invoice_days_overdue', 'Invoice days overdue'),
  text('qbo_invoice_link', 'Invoice in QuickBooks'),
  number('qbo_invoices_count', 'Invoices (all)'),
  number('qbo_invoices_total_billed', 'Total billed (all invoices)'),
  number('qbo_invoices_total_paid', 'Total paid (all invoices)'),
  number('qbo_invoices_total_outstanding', 'Total outstanding (all invoices)'),
  number('qbo_invoices_overdue_count', 'Overdue invoices'),
  text('qbo_invoices_currency', 'Currency of the invoice totals'),
];

/**
 * Properties the app creates on install: the linked QBO id on contacts and products, visible to users and
 * searchable, which is also how a retried create finds its earlier result instead of duplicating it; and the
 * invoice flow's properties on invoices and deals.
 */
export async function ensureAppProperties(hubspot: HubSpotClient): Promise<void> {
  await hubspot.ensurePropertyGroup('contacts', APP_GROUP);
  await hubspot.ensureProperties('contacts', [text('qbo_customer_id', 'QuickBooks customer ID')]);
  await hubspot.ensurePropertyGroup('products', APP_GROUP);
  await hubspot.ensureProperties('products', [text('qbo_item_id', 'QuickBooks item ID')]);
  await ensureInvoiceProperties(hubspot);
}

/** Also run before the invoice sync's first run, so portals installed before it existed get them too. */
export async function ensureInvoiceProperties(hubspot: HubSpotClient): Promise<void> {
  await hubspot.ensurePropertyGroup('invoices', APP_GROUP);
  await hubspot.ensureProperties('invoices', INVOICE_PROPERTIES);
  await hubspot.ensurePropertyGroup('deals', APP_GROUP);
  await hubspot.ensureProperties('deals', DEAL_INVOICE_PROPERTIES);
}
