import type { HsObject } from '../../hubspot/client';
import type { InvoiceSettings } from '../invoices/settings';

/** The HubSpot invoice properties the export reads. */
export const EXPORT_PROPERTIES = [
  'hs_invoice_status',
  'hs_currency',
  'hs_number',
  'hs_invoice_date',
  'hs_due_date',
  'hs_comments',
  'hs_purchase_order_number',
  'hs_amount_billed',
  'qbo_invoice_id',
];

const cents = (amount: string): number => {
  const [whole = '0', fraction = ''] = amount.trim().split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0').slice(0, 2));
};

/**
 * Why a HubSpot invoice made in HubSpot is not sent to QuickBooks (undefined: it is). Its status must be one the
 * settings name (finalized invoices are `open`), its amount billed at least the minimum, and the optional property
 * condition met.
 */
export function notEligible(
  invoice: HsObject,
  settings: Pick<InvoiceSettings, 'exportStatuses' | 'exportMinimumAmount' | 'exportCondition'>,
): string | undefined {
  const status = invoice.properties['hs_invoice_status'] ?? 'draft';
  if (!(settings.exportStatuses as readonly string[]).includes(status)) return `its status is ${status}`;
  if (settings.exportMinimumAmount !== undefined && cents(invoice.properties['hs_amount_billed'] ?? '0') < cents(settings.exportMinimumAmount))
    return `it bills less than ${settings.exportMinimumAmount}`;
  const condition = settings.exportCondition;
  if (condition !== undefined && (invoice.properties[condition.property] ?? '') !== condition.value) return `${condition.property} is not "${condition.value}"`;
  return undefined;
}

/** A HubSpot tax, as the tax mapping names it: an invoice's tax by its label, a line item's tax rate by its group id. */
export interface HubspotTaxes {
  /** Labels of the taxes associated with the invoice. */
  invoiceTaxes: string[];
  /** The line item's `hs_tax_rate_group_id`, when it has one. */
  lineTaxRate: string | undefined;
}

export class TaxMappingProblem extends Error {
  override readonly name = 'TaxMappingProblem';
}

/**
 * The QuickBooks tax code (as the admin wrote it: a name or an id) for one line: the line's own tax rate when the
 * mapping names it, else the invoice's tax, else the default tax code; undefined leaves the item's default code. An
 * unmapped HubSpot tax is a problem, not a silent default: the invoice would be billed at the wrong rate.
 */
export function mappedTaxCode(taxes: HubspotTaxes, settings: Pick<InvoiceSettings, 'taxMapping' | 'defaultTaxCode'>): string | undefined {
  const mapped = (hubspotTax: string) => settings.taxMapping.find((m) => m.hubspotTax.trim().toLowerCase() === hubspotTax.trim().toLowerCase())?.qboTaxCode;
  if (taxes.lineTaxRate !== undefined) {
    const code = mapped(taxes.lineTaxRate);
    if (code !== undefined) return code;
  }
  if (taxes.invoiceTaxes.length > 0) {
    const unmapped = taxes.invoiceTaxes.filter((label) => mapped(label) === undefined);
    if (unmapped.length > 0) {
      throw new TaxMappingProblem(
        `HubSpot tax ${unmapped.map((l) => `"${l}"`).join(', ')} has no QuickBooks tax code: add it to the invoice sync's tax mapping, then retry.`,
      );
    }
    const codes = [...new Set(taxes.invoiceTaxes.map((l) => mapped(l)!))];
    if (codes.length > 1) {
      throw new TaxMappingProblem(
        `The invoice has several taxes (${taxes.invoiceTaxes.join(', ')}) mapped to different QuickBooks tax codes; QuickBooks puts one tax code on each line: map them to one combined tax code.`,
      );
    }
    return codes[0];
  }
  return settings.defaultTaxCode;
}

/** The statement memo of an exported invoice: says where it came from, and names the HubSpot record (see exportedFrom). */
export const exportNote = (number: string, hubspotId: string, po: string | undefined): string =>
  `Created from HubSpot invoice ${number} (record ${hubspotId})${po === undefined ? '' : `, PO ${po}`}.`;

/** The HubSpot invoice an exported QBO invoice's memo names, if any. */
export const exportedFrom = (privateNote: string | undefined): string | undefined =>
  /^Created from HubSpot invoice .* \(record (\d+)\)/.exec(privateNote ?? '')?.[1];
