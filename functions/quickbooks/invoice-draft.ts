import type { InvoiceDraft } from '../deal-invoices/builder';
import { toNumber } from '../deal-invoices/decimal';
import type { QboCompanyInfo, QboPreferences } from './schemas';

/**
 * What a QBO company's settings mean for an invoice made from a deal
 * (https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/preferences, …/companyinfo).
 */
export interface InvoicingSettings {
  /** Outside the US, QBO's global tax model puts a tax code on every line; US companies use automated sales tax. */
  usesTaxCodes: boolean;
  multicurrency: boolean;
  homeCurrency: string;
  /** `SalesFormsPrefs.CustomTxnNumbers`: the company numbers its invoices itself, so QBO leaves DocNumber empty. */
  customNumbers: boolean;
  timeZone: string;
  /** The sales-form custom fields the company has turned on, by DefinitionId. */
  customFields: { id: string; name: string }[];
}

export function invoicingSettings(company: QboCompanyInfo, prefs: QboPreferences): InvoicingSettings {
  const entries = (prefs.SalesFormsPrefs?.CustomField ?? []).flatMap((group) => group.CustomField ?? []);
  const entry = (name: string) => entries.find((e) => e.Name === `SalesFormsPrefs.${name}`);
  const customFields = ['1', '2', '3'].flatMap((n) => {
    const label = entry(`SalesCustomName${n}`)?.StringValue;
    return entry(`UseSalesCustom${n}`)?.BooleanValue === true && label ? [{ id: n, name: label }] : [];
  });
  const country = (company.Country ?? company.CompanyAddr?.Country ?? 'US').toUpperCase();
  return {
    usesTaxCodes: !['US', 'USA'].includes(country),
    multicurrency: prefs.CurrencyPrefs?.MultiCurrencyEnabled === true,
    homeCurrency: prefs.CurrencyPrefs?.HomeCurrency?.value ?? 'USD',
    customNumbers: prefs.SalesFormsPrefs?.CustomTxnNumbers === true,
    timeZone: company.DefaultTimeZone ?? 'UTC',
    customFields,
  };
}

/** QBO's invoice create body (https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice) for a draft: one SalesItemLineDetail line per deal line. */
export function qboInvoiceBody(draft: InvoiceDraft): Record<string, unknown> {
  return {
    CustomerRef: { value: draft.customerId },
    TxnDate: draft.txnDate,
    ...(draft.dueDate !== undefined ? { DueDate: draft.dueDate } : {}),
    ...(draft.termId !== undefined ? { SalesTermRef: { value: draft.termId } } : {}),
    ...(draft.docNumber !== undefined ? { DocNumber: draft.docNumber } : {}),
    ...(draft.currency !== undefined ? { CurrencyRef: { value: draft.currency } } : {}),
    ...(draft.customerMemo !== undefined ? { CustomerMemo: { value: draft.customerMemo } } : {}),
    ...(draft.billEmail !== undefined ? { BillEmail: { Address: draft.billEmail } } : {}),
    ...(draft.dealField !== undefined
      ? { CustomField: [{ DefinitionId: draft.dealField.definitionId, Type: 'StringType', StringValue: draft.dealField.value }] }
      : {}),
    ...(draft.taxExcluded ? { GlobalTaxCalculation: 'TaxExcluded' } : {}),
    PrivateNote: draft.privateNote,
    Line: draft.lines.map((line) => ({
      DetailType: 'SalesItemLineDetail',
      Amount: line.amountCents / 100,
      ...(line.description !== undefined ? { Description: line.description } : {}),
      SalesItemLineDetail: {
        ItemRef: { value: line.itemId },
        Qty: toNumber(line.quantity),
        UnitPrice: toNumber(line.unitPrice),
        ...(line.taxCodeId !== undefined ? { TaxCodeRef: { value: line.taxCodeId } } : {}),
      },
    })),
  };
}
