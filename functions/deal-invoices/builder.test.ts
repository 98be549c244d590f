import { formatDecimal } from './decimal';
import { buildInvoiceDraft, type BuildInput, type DealLine } from './builder';
import { InvoiceCreationFailed, type InvoiceFailureCode } from './failures';

const line = (overrides: Partial<DealLine> = {}): DealLine => ({
  lineItemId: '1',
  name: 'Consulting hour',
  description: undefined,
  quantity: '1',
  unitPrice: '150',
  unitDiscount: undefined,
  discountPercent: undefined,
  netAmount: undefined,
  itemId: '7',
  itemTaxCodeId: undefined,
  ...overrides,
});

const input = (overrides: Partial<BuildInput> = {}): BuildInput => ({
  deal: { id: '501', name: 'Retrofit', currency: undefined },
  lines: [line()],
  billTo: {
    customerId: '58',
    customerName: 'Ada Lovelace',
    customerCurrency: undefined,
    customerEmail: undefined,
    contactName: 'Ada Lovelace',
    contactEmail: 'ada@x.example',
  },
  company: {
    usesTaxCodes: false,
    multicurrency: false,
    homeCurrency: 'USD',
    today: '2026-01-15',
    terms: [{ id: '3', name: 'Net 30' }],
    taxCodes: [],
    dealFieldId: undefined,
  },
  options: { sendEmail: false, whenCustomerMissing: 'create', whenItemMissing: 'create' },
  docNumber: undefined,
  ...overrides,
});

const priced = (l: Partial<DealLine>) => {
  const [out] = buildInvoiceDraft(input({ lines: [line(l)] })).lines;
  return [formatDecimal(out!.quantity), formatDecimal(out!.unitPrice), out!.amountCents, out!.description];
};

const failure = (i: BuildInput): [InvoiceFailureCode, string] => {
  try {
    buildInvoiceDraft(i);
  } catch (err) {
    if (err instanceof InvoiceCreationFailed) return [err.code, err.detail];
    throw err;
  }
  throw new Error('expected a failure');
};

describe('a deal as an invoice draft', () => {
  test("line discounts are folded into the unit price, exactly, and bill HubSpot's net price to the cent", () => {
    expect(priced({ quantity: '3', discountPercent: '10', netAmount: '405.00' })).toEqual(['3', '135', 40500, 'Consulting hour (list price 150, 10% off)']);
    expect(priced({ quantity: '2', unitPrice: '1200', unitDiscount: '100', netAmount: '2200.00' })).toEqual([
      '2',
      '1100',
      220000,
      'Consulting hour (list price 1200, 100 off each)',
    ]);
    expect(priced({ quantity: '7', unitPrice: '99.99', discountPercent: '15', description: 'Tuning' })).toEqual([
      '7',
      '84.9915',
      59494,
      'Tuning (list price 99.99, 15% off)',
    ]);
    expect(priced({ quantity: '128.35', unitPrice: '14.5' })).toEqual(['128.35', '14.5', 186108, 'Consulting hour']);
  });

  test('when HubSpot rounded its discount differently, the unit price comes from its net price; as a last resort one unit of it', () => {
    // 3 × 0.35 less 50%: folded, 3 × 0.175 = 0.525 bills 0.53; a HubSpot that rounded the 0.525 discount up shows 0.52.
    expect(priced({ quantity: '3', unitPrice: '0.35', discountPercent: '50', netAmount: '0.52' })).toEqual([
      '3',
      '0.173',
      52,
      'Consulting hour (list price 0.35, 50% off)',
    ]);
    expect(priced({ quantity: '3', unitPrice: '100', netAmount: '250.00' })).toEqual(['3', '83.333', 25000, 'Consulting hour']);
    expect(priced({ quantity: '70000000000', unitPrice: '0', netAmount: '1.00' })).toEqual(['1', '1', 100, 'Consulting hour (70000000000 × 0)']);
  });

  test("the customer's currency in multicurrency companies; a deal in another currency is refused", () => {
    const multi = { ...input().company, multicurrency: true };
    const euro = { ...input().billTo, customerCurrency: 'EUR' };
    expect(buildInvoiceDraft(input({ company: multi, billTo: euro, deal: { id: '1', name: undefined, currency: 'EUR' } })).currency).toBe('EUR');
    expect(buildInvoiceDraft(input({ company: multi })).currency).toBe('USD');
    expect(buildInvoiceDraft(input({ deal: { id: '1', name: undefined, currency: 'USD' } })).currency).toBeUndefined();
    expect(failure(input({ company: multi, billTo: euro, deal: { id: '1', name: undefined, currency: 'USD' } }))).toEqual([
      'CURRENCY_MISMATCH',
      'the deal is in USD, QuickBooks customer Ada Lovelace in EUR',
    ]);
  });

  test("tax codes: every line's own in global companies, or the one the options name; US companies take TAX or NON at most", () => {
    const global = {
      ...input().company,
      usesTaxCodes: true,
      taxCodes: [
        { id: '2', name: '20.0% S' },
        { id: '3', name: '5.0% R' },
      ],
    };
    const lines = [line({ itemTaxCodeId: '2' }), line({ lineItemId: '2', name: 'Books', itemTaxCodeId: undefined })];
    expect(failure(input({ company: global, lines }))).toEqual(['TAX_CODE_MISSING', 'line item "Books"']);
    const named = buildInvoiceDraft(input({ company: global, lines, options: { ...input().options, taxCode: '5.0% r' } }));
    expect(named.lines.map((l) => l.taxCodeId)).toEqual(['3', '3']);
    expect(named.taxExcluded).toBe(true);
    expect(failure(input({ company: global, options: { ...input().options, taxCode: 'VAT' } }))).toEqual([
      'TAX_CODE_UNKNOWN',
      '"VAT" (the company\'s tax codes: 20.0% S, 5.0% R)',
    ]);
    expect(buildInvoiceDraft(input({ options: { ...input().options, taxCode: 'non' } })).lines[0]!.taxCodeId).toBe('NON');
    expect(buildInvoiceDraft(input()).lines[0]!.taxCodeId).toBeUndefined();
  });

  test('dates, terms, number, memo, e-mail and the deal field', () => {
    const draft = buildInvoiceDraft(
      input({
        options: { ...input().options, paymentTerms: 'net 30', customerMessage: 'Thanks', sendEmail: true },
        company: { ...input().company, dealFieldId: '1' },
        docNumber: 'HS-501',
      }),
    );
    expect(draft).toMatchObject({
      txnDate: '2026-01-15',
      dueDate: undefined,
      termId: '3',
      docNumber: 'HS-501',
      customerMemo: 'Thanks',
      billEmail: 'ada@x.example',
      dealField: { definitionId: '1', value: '501' },
    });
    expect(draft.privateNote).toBe('Created from HubSpot deal "Retrofit" (501).');
    expect(failure(input({ options: { ...input().options, paymentTerms: 'Net 31' } }))).toEqual(['TERMS_UNKNOWN', '"Net 31" (the company\'s terms: Net 30)']);
    expect(failure(input({ billTo: { ...input().billTo, contactEmail: undefined }, options: { ...input().options, sendEmail: true } }))).toEqual([
      'CONTACT_WITHOUT_EMAIL',
      'Ada Lovelace',
    ]);
    expect(failure(input({ lines: [] }))[0]).toBe('NO_LINE_ITEMS');
    expect(failure(input({ lines: [line({ quantity: 'two' })] }))).toEqual([
      'INVALID_INPUT',
      'line item "Consulting hour" has quantity "two", which is not a number',
    ]);
  });
});
