import type { QuickBooksEmulator } from '../../emulators/quickbooks/emulator';
import { table } from '../../emulators/quickbooks/state/store';

const DAY_MS = 86_400_000;

/**
 * The sandbox company's invoices and payments, one of each status the invoice sync shows (sync/invoices/status.ts):
 * partly paid and open on Ada's "Engine retrofit" deal, paid and overdue on Grace's "Compiler support" deal
 * (named in the "HubSpot Deal" custom field, as an accountant would), and a voided one with no deal.
 * Dates are relative to the emulator's clock so "overdue" stays overdue whenever the sandbox starts.
 */
export function seedSandboxInvoices(qbo: QuickBooksEmulator, dealIds: readonly string[]): void {
  const day = (offset: number) => new Date(qbo.now().getTime() + offset * DAY_MS).toISOString().slice(0, 10);
  const customer = (displayName: string) => {
    const found = [...table(qbo.state, 'Customer').values()].find((c) => c.DisplayName === displayName);
    if (!found) throw new Error(`sandbox seed: no QuickBooks customer ${displayName}`);
    return { value: String(found.Id) };
  };
  const line = (amount: number, qty = 1) => ({
    DetailType: 'SalesItemLineDetail',
    Amount: amount,
    SalesItemLineDetail: { ItemRef: { value: '1' }, Qty: qty, UnitPrice: amount / qty },
  });
  const deal = (index: number) => {
    const id = dealIds[index];
    return id === undefined ? {} : { CustomField: [{ DefinitionId: '1', Type: 'StringType', StringValue: id }] };
  };
  const ada = customer('Ada Lovelace');
  const grace = customer('Grace Hopper');

  const { Invoice: invoices = [] } = qbo.seed({
    entities: {
      Invoice: [
        { DocNumber: 'SBX-1001', CustomerRef: ada, TxnDate: day(-10), DueDate: day(20), Line: [line(300, 2), line(1200)], ...deal(0) },
        { DocNumber: 'SBX-1002', CustomerRef: ada, TxnDate: day(-2), DueDate: day(28), Line: [line(300, 2)], ...deal(0) },
        { DocNumber: 'SBX-1003', CustomerRef: grace, TxnDate: day(-40), DueDate: day(-10), Line: [line(1188, 12)], ...deal(1) },
        { DocNumber: 'SBX-1004', CustomerRef: grace, TxnDate: day(-40), DueDate: day(-10), Line: [line(99)], ...deal(1) },
        // What a void leaves behind
        // (https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice): amounts zeroed,
        // "Voided" prefixed to the memo.
        {
          DocNumber: 'SBX-1005',
          CustomerRef: customer('Charles Babbage'),
          TxnDate: day(-5),
          DueDate: day(25),
          PrivateNote: 'Voided - duplicate of SBX-1001',
          Line: [line(0)],
        },
      ],
    },
  });
  const invoiceId = (docNumber: string) => String(invoices.find((i) => i.DocNumber === docNumber)?.Id);
  const applied = (docNumber: string, amount: number) => [{ Amount: amount, LinkedTxn: [{ TxnId: invoiceId(docNumber), TxnType: 'Invoice' }] }];
  qbo.seed({
    entities: {
      Payment: [
        { CustomerRef: ada, TotalAmt: 500, TxnDate: day(-3), PaymentMethodRef: { value: '2' }, PaymentRefNum: 'CHK-2041', Line: applied('SBX-1001', 500) },
        {
          CustomerRef: grace,
          TotalAmt: 1188,
          TxnDate: day(-12),
          PaymentMethodRef: { value: '3' },
          PaymentRefNum: 'VISA-7719',
          Line: applied('SBX-1003', 1188),
        },
      ],
    },
  });
}
