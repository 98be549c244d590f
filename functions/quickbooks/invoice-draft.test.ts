import { decimalOf, parseDecimal } from '../deal-invoices/decimal';
import { invoicingSettings, qboInvoiceBody } from './invoice-draft';
import { qboCompanyInfoSchema, qboPreferencesSchema } from './schemas';

const company = (country: string) => qboCompanyInfoSchema.parse({ Id: '1', CompanyName: 'Co', Country: country, DefaultTimeZone: 'Europe/London' });
const prefs = qboPreferencesSchema.parse({
  CurrencyPrefs: { MultiCurrencyEnabled: true, HomeCurrency: { value: 'GBP' } },
  SalesFormsPrefs: {
    CustomTxnNumbers: true,
    CustomField: [
      {
        CustomField: [
          { Name: 'SalesFormsPrefs.UseSalesCustom1', Type: 'BooleanType', BooleanValue: true },
          { Name: 'SalesFormsPrefs.UseSalesCustom2', Type: 'BooleanType', BooleanValue: false },
        ],
      },
      {
        CustomField: [
          { Name: 'SalesFormsPrefs.SalesCustomName1', Type: 'StringType', StringValue: 'HubSpot Deal' },
          { Name: 'SalesFormsPrefs.SalesCustomName2', Type: 'StringType', StringValue: 'Crew #' },
        ],
      },
    ],
  },
});

describe('QBO invoices from drafts', () => {
  test("what the company's settings mean for an invoice", () => {
    expect(invoicingSettings(company('GB'), prefs)).toEqual({
      usesTaxCodes: true,
      multicurrency: true,
      homeCurrency: 'GBP',
      customNumbers: true,
      timeZone: 'Europe/London',
      customFields: [{ id: '1', name: 'HubSpot Deal' }],
    });
    expect(invoicingSettings(company('US'), qboPreferencesSchema.parse({}))).toMatchObject({
      usesTaxCodes: false,
      multicurrency: false,
      homeCurrency: 'USD',
      customNumbers: false,
      customFields: [],
    });
  });

  test("a draft written as QBO's create body", () => {
    const body = qboInvoiceBody({
      customerId: '58',
      currency: 'EUR',
      txnDate: '2026-01-20',
      dueDate: '2026-02-04',
      termId: '2',
      docNumber: 'HS-501',
      customerMemo: 'Thanks',
      privateNote: 'Created from HubSpot deal 501.',
      billEmail: 'ap@x.example',
      dealField: { definitionId: '1', value: '501' },
      taxExcluded: true,
      lines: [{ itemId: '7', description: 'Consulting', quantity: parseDecimal('3'), unitPrice: parseDecimal('84.9915'), amountCents: 25497, taxCodeId: '2' }],
    });
    expect(body).toEqual({
      CustomerRef: { value: '58' },
      TxnDate: '2026-01-20',
      DueDate: '2026-02-04',
      SalesTermRef: { value: '2' },
      DocNumber: 'HS-501',
      CurrencyRef: { value: 'EUR' },
      CustomerMemo: { value: 'Thanks' },
      BillEmail: { Address: 'ap@x.example' },
      CustomField: [{ DefinitionId: '1', Type: 'StringType', StringValue: '501' }],
      GlobalTaxCalculation: 'TaxExcluded',
      PrivateNote: 'Created from HubSpot deal 501.',
      Line: [
        {
          DetailType: 'SalesItemLineDetail',
          Amount: 254.97,
          Description: 'Consulting',
          SalesItemLineDetail: { ItemRef: { value: '7' }, Qty: 3, UnitPrice: 84.9915, TaxCodeRef: { value: '2' } },
        },
      ],
    });
    // Unset parts are left out, not sent empty: QBO would read an empty DocNumber or memo as a value.
    expect(
      JSON.stringify(
        qboInvoiceBody({
          customerId: '1',
          currency: undefined,
          txnDate: '2026-01-01',
          dueDate: undefined,
          termId: undefined,
          docNumber: undefined,
          customerMemo: undefined,
          privateNote: 'x',
          billEmail: undefined,
          dealField: undefined,
          taxExcluded: false,
          lines: [{ itemId: '1', description: undefined, quantity: decimalOf(1n), unitPrice: decimalOf(1n), amountCents: 100, taxCodeId: undefined }],
        }),
      ),
    ).toBe(
      '{"CustomerRef":{"value":"1"},"TxnDate":"2026-01-01","PrivateNote":"x","Line":[{"DetailType":"SalesItemLineDetail","Amount":1,"SalesItemLineDetail":{"ItemRef":{"value":"1"},"Qty":1,"UnitPrice":1}}]}',
    );
  });
});
