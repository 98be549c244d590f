import type { HsObject } from '../../hubspot/client';
import { exportedFrom, exportNote, mappedTaxCode, notEligible, TaxMappingProblem } from './rules';

const invoice = (properties: Record<string, string>): HsObject => ({ id: '7', properties, archived: false }) as unknown as HsObject;
const filters = { exportStatuses: ['open' as const], exportMinimumAmount: undefined, exportCondition: undefined };

describe('which HubSpot invoices go to QuickBooks', () => {
  test('by status, minimum amount (in exact cents) and property condition', () => {
    expect(notEligible(invoice({ hs_invoice_status: 'draft' }), filters)).toBe('its status is draft');
    expect(notEligible(invoice({ hs_invoice_status: 'open' }), filters)).toBeUndefined();
    expect(notEligible(invoice({ hs_invoice_status: 'paid' }), { ...filters, exportStatuses: ['open', 'paid'] })).toBeUndefined();
    const minimum = { ...filters, exportMinimumAmount: '100.10' };
    expect(notEligible(invoice({ hs_invoice_status: 'open', hs_amount_billed: '100.09' }), minimum)).toBe('it bills less than 100.10');
    expect(notEligible(invoice({ hs_invoice_status: 'open', hs_amount_billed: '100.1' }), minimum)).toBeUndefined();
    const condition = { ...filters, exportCondition: { property: 'hs_title', value: 'Export' } };
    expect(notEligible(invoice({ hs_invoice_status: 'open', hs_title: 'Other' }), condition)).toBe('hs_title is not "Export"');
    expect(notEligible(invoice({ hs_invoice_status: 'open', hs_title: 'Export' }), condition)).toBeUndefined();
  });
});

describe('tax mapping', () => {
  const settings = {
    taxMapping: [
      { hubspotTax: 'VAT 20%', qboTaxCode: '20.0% S' },
      { hubspotTax: 'rate-5', qboTaxCode: '5.0% R' },
      { hubspotTax: 'VAT (alt)', qboTaxCode: '20.0% S' },
    ],
    defaultTaxCode: '0.0% Z',
  };

  test("a line's own mapped rate, else the invoice's tax (by label, any case), else the default", () => {
    expect(mappedTaxCode({ invoiceTaxes: ['VAT 20%'], lineTaxRate: 'rate-5' }, settings)).toBe('5.0% R');
    expect(mappedTaxCode({ invoiceTaxes: ['vat 20%'], lineTaxRate: 'unmapped-rate' }, settings)).toBe('20.0% S');
    expect(mappedTaxCode({ invoiceTaxes: ['VAT 20%', 'VAT (alt)'], lineTaxRate: undefined }, settings)).toBe('20.0% S');
    expect(mappedTaxCode({ invoiceTaxes: [], lineTaxRate: undefined }, settings)).toBe('0.0% Z');
    expect(mappedTaxCode({ invoiceTaxes: [], lineTaxRate: undefined }, { ...settings, defaultTaxCode: undefined })).toBeUndefined();
  });

  test('an unmapped tax, or taxes mapped to different codes, are refused with the reason', () => {
    expect(() => mappedTaxCode({ invoiceTaxes: ['Eco levy'], lineTaxRate: undefined }, settings)).toThrow(
      new TaxMappingProblem('HubSpot tax "Eco levy" has no QuickBooks tax code: add it to the invoice sync\'s tax mapping, then retry.'),
    );
    expect(() => mappedTaxCode({ invoiceTaxes: ['VAT 20%', 'rate-5'], lineTaxRate: undefined }, settings)).toThrow(/mapped to different QuickBooks tax codes/);
  });
});

test("an exported invoice's memo names its HubSpot record; other memos name none", () => {
  expect(exportedFrom(exportNote('INV-1001', '42', 'PO-7'))).toBe('42');
  expect(exportedFrom('Created from HubSpot deal "Big" (9).')).toBeUndefined();
  expect(exportedFrom(undefined)).toBeUndefined();
});
