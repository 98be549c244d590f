import { qboInvoiceSchema, qboPaymentSchema } from '../../quickbooks/schemas';
import {
  dealIdFromCustomField,
  formatMoney,
  invoiceFacts,
  isVoidedPayment,
  paymentApplications,
  toDealRollup,
  toDealTotals,
  toHubspotInvoice,
} from './mapping';
import { fromCents } from './status';

// An invoice create response (https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice),
// with a payment of 100 applied and a euro currency (multi-currency company).
const invoice = qboInvoiceSchema.parse({
  Id: '130',
  SyncToken: '1',
  MetaData: { CreateTime: '2024-05-01T09:00:00-07:00', LastUpdatedTime: '2024-05-10T10:00:00-07:00' },
  CustomField: [{ DefinitionId: '1', Name: 'HubSpot Deal', Type: 'StringType', StringValue: ' 123456 ' }],
  DocNumber: 'HS-1037',
  TxnDate: '2024-05-01',
  DueDate: '2024-05-31',
  CurrencyRef: { value: 'EUR', name: 'Euro' },
  LinkedTxn: [{ TxnId: '140', TxnType: 'Payment' }],
  Line: [{ Id: '1', Amount: 300, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: '1' }, Qty: 2, UnitPrice: 150 } }],
  CustomerRef: { value: '58', name: 'Acme Corp' },
  BillEmail: { Address: 'ap@acme.example' },
  TotalAmt: 300,
  Balance: 200,
});

describe('invoice mapping', () => {
  const facts = invoiceFacts(invoice, '2024-06-05', 'production');

  test("HubSpot invoice properties: HubSpot's own where writable, app properties for the rest", () => {
    expect(toHubspotInvoice(facts)).toStrictEqual({
      hs_number: 'HS-1037',
      hs_invoice_date: '2024-05-01T00:00:00.000Z',
      hs_due_date: '2024-05-31T00:00:00.000Z',
      hs_invoice_status: 'open',
      hs_invoice_billable: 'false',
      hs_currency: 'EUR',
      qbo_invoice_id: '130',
      qbo_invoice_status: 'partially_paid',
      qbo_amount_billed: '300.00',
      qbo_balance_due: '200.00',
      qbo_days_overdue: '5',
      qbo_recipient: 'Acme Corp',
      qbo_invoice_link: 'https://app.qbo.intuit.com/app/invoice?txnId=130',
    });
  });

  test('deal roll-up properties keep the invoice currency', () => {
    expect(toDealRollup(facts)).toStrictEqual({
      qbo_invoice_number: 'HS-1037',
      qbo_invoice_status: 'partially_paid',
      qbo_invoice_amount_billed: '300.00',
      qbo_invoice_balance_due: '200.00',
      qbo_invoice_currency: 'EUR',
      qbo_invoice_recipient: 'Acme Corp',
      qbo_invoice_due_date: '2024-05-31',
      qbo_invoice_days_overdue: '5',
      qbo_invoice_link: 'https://app.qbo.intuit.com/app/invoice?txnId=130',
    });
    expect(facts.updatedAt.toISOString()).toBe('2024-05-10T17:00:00.000Z');
  });

  test('an unnumbered invoice clears hs_number; the sandbox link points at the sandbox UI', () => {
    const unnumbered = invoiceFacts(qboInvoiceSchema.parse({ ...invoice, DocNumber: undefined }), '2024-05-05', 'sandbox');
    expect(toHubspotInvoice(unnumbered)).toMatchObject({
      hs_number: '',
      qbo_days_overdue: '0',
      qbo_invoice_link: 'https://app.sandbox.qbo.intuit.com/app/invoice?txnId=130',
    });
  });

  test('the deal named in the custom field, by its configurable label', () => {
    expect(dealIdFromCustomField(invoice, 'HubSpot Deal')).toBe('123456');
    expect(dealIdFromCustomField(invoice, ' hubspot deal ')).toBe('123456');
    expect(dealIdFromCustomField(invoice, 'Deal ID')).toBeUndefined();
    const notAnId = qboInvoiceSchema.parse({ ...invoice, CustomField: [{ DefinitionId: '1', Name: 'HubSpot Deal', StringValue: 'Acme renewal' }] });
    expect(dealIdFromCustomField(notAnId, 'HubSpot Deal')).toBeUndefined();
  });

  test('payments: the money each invoice received, in cents, credit used taken off; voids are recognised', () => {
    // A payment (https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/payment) split over
    // two invoices, with $5 of a credit memo used: $95.10 of money.
    const payment = qboPaymentSchema.parse({
      Id: '140',
      SyncToken: '0',
      CustomerRef: { value: '58' },
      TotalAmt: 95.1,
      PaymentRefNum: 'CHK-1001',
      Line: [
        { Amount: 60.05, LinkedTxn: [{ TxnId: '130', TxnType: 'Invoice' }] },
        { Amount: 40.05, LinkedTxn: [{ TxnId: '131', TxnType: 'Invoice' }] },
        { Amount: 5, LinkedTxn: [{ TxnId: '9', TxnType: 'CreditMemo' }] },
      ],
    });
    expect([...paymentApplications(payment)]).toEqual([
      ['130', 5505],
      ['131', 4005],
    ]);
    const creditOnly = qboPaymentSchema.parse({
      ...payment,
      TotalAmt: 0,
      Line: [
        { Amount: 20, LinkedTxn: [{ TxnId: '130', TxnType: 'Invoice' }] },
        { Amount: 20, LinkedTxn: [{ TxnId: '9', TxnType: 'CreditMemo' }] },
      ],
    });
    expect([...paymentApplications(creditOnly)]).toEqual([['130', 0]]);
    expect(isVoidedPayment(payment)).toBe(false);
    expect(isVoidedPayment(qboPaymentSchema.parse({ ...payment, TotalAmt: 0, PrivateNote: 'Voided' }))).toBe(true);
  });

  test('deal totals across all invoices: one currency adds up; several give counts only', () => {
    const usd = { currency: 'USD', invoices: 2, billedCents: 150_000, paidCents: 100_000, outstandingCents: 45_000, overdue: 1 };
    expect(toDealTotals([usd])).toEqual({
      qbo_invoices_count: '2',
      qbo_invoices_overdue_count: '1',
      qbo_invoices_currency: 'USD',
      qbo_invoices_total_billed: '1500.00',
      qbo_invoices_total_paid: '1000.00',
      qbo_invoices_total_outstanding: '450.00',
    });
    expect(toDealTotals([usd, { ...usd, currency: 'EUR', overdue: 0 }])).toMatchObject({
      qbo_invoices_count: '4',
      qbo_invoices_overdue_count: '1',
      qbo_invoices_currency: 'USD, EUR',
      qbo_invoices_total_billed: '',
    });
    expect(toDealTotals([])).toMatchObject({ qbo_invoices_count: '', qbo_invoices_total_outstanding: '' });
    expect(fromCents(123_456_789_012)).toBe('1234567890.12');
    expect(fromCents(-5)).toBe('-0.05');
  });

  test('amounts read as money in their own currency', () => {
    expect(formatMoney(125000, 'USD')).toBe('$1,250.00');
    expect(formatMoney(8000, 'EUR')).toBe('€80.00');
    expect(formatMoney(8000, 'XYZ1')).toBe('80.00 XYZ1');
    expect(formatMoney(8000, undefined)).toBe('80.00');
  });
});
