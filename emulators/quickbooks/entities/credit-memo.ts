/**
 * CreditMemo: credit owed to a customer (a return, a goodwill discount), with sales-form lines as an invoice's.
 * A payment uses it by linking it beside the invoices it pays (a Payment line's LinkedTxn may be a CreditMemo:
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/payment): the credit is taken off
 * the money received, and `Balance` / `RemainingCredit` is what is left.
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/creditmemo
 */
import { z } from 'zod';
import { faults } from '../errors';
import { table, type JsonObject } from '../state/store';
import { localDate } from '../time';
import { inHomeCurrency } from './currency';
import { recomputeCustomerBalance, refValue } from './customer';
import { date, email, memo, money, ref, str } from './fields';
import { appliedToTxn, salesFormAmounts, salesLine } from './invoice';
import { touch } from './operations';
import { refOut, round2 } from './refs';
import type { EntityDef, WriteContext } from './types';

export const creditMemo: EntityDef = {
  name: 'CreditMemo',
  nameList: false,
  operations: new Set(['create', 'update', 'delete']),
  writable: {
    CustomerRef: ref,
    Line: z.array(salesLine),
    DocNumber: str(21),
    TxnDate: date,
    PrivateNote: str(4000),
    CustomerMemo: memo,
    BillEmail: email,
    CurrencyRef: ref,
    ExchangeRate: money,
    ClassRef: ref,
    DepartmentRef: ref,
    GlobalTaxCalculation: z.enum(['TaxExcluded', 'TaxInclusive', 'NotApplicable']),
  },
  system: ['TotalAmt', 'Balance', 'RemainingCredit', 'HomeTotalAmt', 'HomeBalance', 'TxnTaxDetail', 'LinkedTxn'],
  queryable: {
    Id: 'id',
    DocNumber: 'string',
    TxnDate: 'date',
    CustomerRef: 'ref',
    TotalAmt: 'number',
    Balance: 'number',
    'MetaData.CreateTime': 'datetime',
    'MetaData.LastUpdatedTime': 'datetime',
  },
  build(input, ctx, prior) {
    const realm = ctx.realm;
    const { customerRef: customer, currency, lines, mode, tax, total } = salesFormAmounts(ctx, input, prior, 'CreditMemo');
    const used = prior ? appliedToTxn(realm, 'CreditMemo', String(prior.Id)).amount : 0;
    if (total < used) throw faults.businessValidation(`The credit memo total ${total} is less than the ${used} of its credit already used.`);
    const remaining = round2(total - used);
    const entity: JsonObject = {
      ...input,
      CustomerRef: refOut(customer),
      Line: lines,
      TxnDate: typeof input.TxnDate === 'string' ? input.TxnDate : typeof prior?.TxnDate === 'string' ? prior.TxnDate : localDate(ctx.now, realm.timeZone),
      ...currency,
      TxnTaxDetail: tax.taxLines.length ? { TotalTax: tax.totalTax, TaxLine: tax.taxLines } : { TotalTax: 0 },
      TotalAmt: total,
      Balance: remaining,
      RemainingCredit: remaining,
    };
    if (mode) entity.GlobalTaxCalculation = mode;
    if (realm.multicurrency) Object.assign(entity, { HomeTotalAmt: inHomeCurrency(entity, total), HomeBalance: inHomeCurrency(entity, remaining) });
    const priorCustomer = prior ? refValue(prior.CustomerRef) : undefined;
    return {
      entity,
      commit: () => {
        recomputeCustomerBalance(realm, customer.value);
        if (priorCustomer && priorCustomer !== customer.value) recomputeCustomerBalance(realm, priorCustomer);
      },
    };
  },
  beforeDelete(existing, ctx) {
    if (appliedToTxn(ctx.realm, 'CreditMemo', String(existing.Id)).paymentIds.length > 0) {
      throw faults.businessValidation('This credit memo has been applied to invoices. Delete or unlink the payments first.');
    }
    const customerId = refValue(existing.CustomerRef);
    return () => customerId && recomputeCustomerBalance(ctx.realm, customerId);
  },
};

/** What is left of a credit memo once payments have used some of it. */
export function syncCreditMemoUse(ctx: WriteContext, creditMemoId: string): void {
  const memo = table(ctx.realm, 'CreditMemo').get(creditMemoId);
  if (!memo) return;
  const remaining = round2(Number(memo.TotalAmt) - appliedToTxn(ctx.realm, 'CreditMemo', creditMemoId).amount);
  if (remaining === memo.Balance) return;
  touch(creditMemo, ctx, {
    ...memo,
    Balance: remaining,
    RemainingCredit: remaining,
    ...(ctx.realm.multicurrency ? { HomeBalance: inHomeCurrency(memo, remaining) } : {}),
  });
}
