import { InvoiceCreationFailed } from './failures';
import { parseInvoiceOptions } from './options';

const invalid = (raw: Record<string, unknown>): string => {
  try {
    parseInvoiceOptions(raw);
  } catch (err) {
    if (err instanceof InvoiceCreationFailed && err.code === 'INVALID_INPUT') return err.detail;
    throw err;
  }
  throw new Error('expected INVALID_INPUT');
};

describe("the action's inputs", () => {
  test('empty inputs mean the defaults: create what is missing, do not e-mail', () => {
    expect(parseInvoiceOptions({})).toEqual({ sendEmail: false, whenCustomerMissing: 'create', whenItemMissing: 'create' });
    expect(parseInvoiceOptions({ paymentTerms: '  ', taxCode: '', sendEmail: '' })).toEqual({
      sendEmail: false,
      whenCustomerMissing: 'create',
      whenItemMissing: 'create',
    });
  });

  test("dates arrive as YYYY-MM-DD or as HubSpot's epoch milliseconds (midnight UTC)", () => {
    expect(parseInvoiceOptions({ invoiceDate: '2026-03-01', dueDate: String(Date.UTC(2026, 2, 31)) })).toMatchObject({
      invoiceDate: '2026-03-01',
      dueDate: '2026-03-31',
    });
    expect(invalid({ invoiceDate: 'soon' })).toBe('invoiceDate: "soon" is not a date (use YYYY-MM-DD)');
    expect(invalid({ invoiceDate: '2026-03-10', dueDate: '2026-03-01' })).toBe('the due date 2026-03-01 is before the invoice date 2026-03-10');
  });

  test("choices are checked, and the message fits QBO's customer memo", () => {
    expect(parseInvoiceOptions({ sendEmail: 'yes', whenCustomerMissing: 'fail', whenItemMissing: 'default_item', customerMessage: ' Thanks ' })).toMatchObject({
      sendEmail: true,
      whenCustomerMissing: 'fail',
      whenItemMissing: 'default_item',
      customerMessage: 'Thanks',
    });
    expect(invalid({ whenItemMissing: 'skip' })).toBe('whenItemMissing: "skip" is not one of create, default_item, fail');
    expect(invalid({ customerMessage: 'x'.repeat(1001) })).toBe('customerMessage: the message to the customer is longer than 1000 characters');
  });
});
