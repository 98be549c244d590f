/**
 * Payment: lines apply it to invoices (Invoice Balance and LinkedTxn follow) and may use a credit memo's
 * credit towards them (its Balance follows): TotalAmt is the money received, the invoice lines less the credit
 * lines, and what is not applied is UnappliedAmt. Deposits to Undeposited Funds by default. Void is a sparse update
 * with `include=void`.
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/payment
 */
import { z } from 'zod';
import { faults } from '../errors';
import { isObject, table, type JsonObject, type RealmState } from '../state/store';
import { localDate } from '../time';
import { transactionCurrency } from './currency';
import { recomputeCustomerBalance, refValue } from './customer';
import { bool, date, money, ref, str } from './fields';
import { syncCreditMemoUse } from './credit-memo';
import { appliedToTxn, isVoided, syncInvoicePayments } from './invoice';
import { refOut, resolveRef, round2 } from './refs';
import type { EntityDef, WriteContext } from './types';

const linkedTxn = z
  .object({
    TxnId: z.union([z.string(), z.number().transform(String)]),
    TxnType: z.enum(['Invoice', 'CreditMemo', 'JournalEntry', 'Expense', 'Check', 'CreditCardCredit']),
    TxnLineId: z.string().optional(),
  })
  .strict();

const line = z
  .object({
    Id: z.string().optional(),
    LineNum: z.number().optional(),
    Amount: money.optional(),
    LinkedTxn: z.array(linkedTxn).optional(),
    LineEx: z.unknown().optional(),
  })
  .strict();

type LineIn = z.infer<typeof line>;

function undepositedFunds(realm: RealmState): JsonObject {
  for (const a of table(realm, 'Account').values()) if (a.AccountSubType === 'UndepositedFunds' && a.Active !== false) return a;
  throw faults.requiredParam('DepositToAccountRef');
}

const linkedOf = (p: JsonObject | undefined, txnType: 'Invoice' | 'CreditMemo'): string[] =>
  (Array.isArray(p?.Line) ? p.Line : []).flatMap((l) =>
    isObject(l) && Array.isArray(l.LinkedTxn)
      ? l.LinkedTxn.filter((t) => isObject(t) && t.TxnType === txnType).map((t) => String((t as JsonObject).TxnId))
      : [],
  );

function afterPaymentChange(ctx: WriteContext, prior: JsonObject | undefined, next: JsonObject | undefined): void {
  for (const id of new Set([...linkedOf(prior, 'Invoice'), ...linkedOf(next, 'Invoice')])) syncInvoicePayments(ctx, id);
  for (const id of new Set([...linkedOf(prior, 'CreditMemo'), ...linkedOf(next, 'CreditMemo')])) syncCreditMemoUse(ctx, id);
  for (const c of new Set([refValue(prior?.CustomerRef), refValue(next?.CustomerRef)])) if (c) recomputeCustomerBalance(ctx.realm, c);
}

export const payment: EntityDef = {
  name: 'Payment',
  nameList: false,
  operations: new Set(['create', 'update', 'delete']),
  writable: {
    CustomerRef: ref,
    TotalAmt: money,
    TxnDate: date,
    PaymentMethodRef: ref,
    PaymentRefNum: str(21),
    DepositToAccountRef: ref,
    ARAccountRef: ref,
    PrivateNote: str(4000),
    CurrencyRef: ref,
    ExchangeRate: money,
    ProcessPayment: bool,
    Line: z.array(line),
    TxnSource: z.string(),
    CreditCardPayment: z.unknown(),
  },
  system: ['UnappliedAmt', 'LinkedTxn', 'HomeTotalAmt', 'TxnStatus'],
  queryable: {
    Id: 'id',
    TxnDate: 'date',
    CustomerRef: 'ref',
    TotalAmt: 'number',
    PaymentRefNum: 'string',
    'MetaData.CreateTime': 'datetime',
    'MetaData.LastUpdatedTime': 'datetime',
  },
  build(input, ctx, prior) {
    const realm = ctx.realm;
    if (!input.CustomerRef) throw faults.requiredParam('CustomerRef');
    const customer = resolveRef(realm, 'Customer', input.CustomerRef, 'CustomerRef');
    const currency = transactionCurrency(realm, input, customer.entity, 'Payment');
    if (input.TotalAmt === undefined) throw faults.requiredParam('TotalAmt');
    const total = round2(Number(input.TotalAmt));
    if (total < 0) throw faults.businessValidation('You must set a transaction amount that is zero or more.');
    const lines: JsonObject[] = [];
    let paid = 0;
    let credited = 0;
    for (const l of (Array.isArray(input.Line) ? input.Line : []) as LineIn[]) {
      if (l.Amount === undefined) throw faults.requiredParam('Line.Amount');
      if (!l.LinkedTxn?.length) throw faults.requiredParam('Line.LinkedTxn');
      const links: JsonObject[] = [];
      for (const t of l.LinkedTxn) {
        if (t.TxnType !== 'Invoice' && t.TxnType !== 'CreditMemo') throw faults.unsupportedOperation(`applying a payment to a ${t.TxnType} in the emulator`);
        const txn = table(realm, t.TxnType).get(t.TxnId);
        if (!txn) throw faults.invalidReference('Line.LinkedTxn.TxnId', t.TxnId);
        if (refValue(txn.CustomerRef) !== customer.value)
          throw faults.businessValidation(`${t.TxnType} ${t.TxnId} belongs to a different customer than this payment.`);
        if (t.TxnType === 'Invoice' && isVoided(txn)) throw faults.businessValidation(`Invoice ${t.TxnId} is voided.`);
        const alreadyByOthers = appliedToTxn(realm, t.TxnType, t.TxnId).amount - (prior ? amountFor(prior, t.TxnType, t.TxnId) : 0);
        const open = round2(Number(txn.TotalAmt) - alreadyByOthers);
        const what = t.TxnType === 'Invoice' ? 'its open balance' : 'its remaining credit';
        if (Number(l.Amount) > open) throw faults.businessValidation(`The amount applied to ${t.TxnType} ${t.TxnId} (${l.Amount}) exceeds ${what} (${open}).`);
        links.push({ TxnId: t.TxnId, TxnType: t.TxnType });
      }
      if (links.some((t) => t.TxnType === 'CreditMemo')) credited += Number(l.Amount);
      else paid += Number(l.Amount);
      lines.push({ Amount: round2(Number(l.Amount)), LinkedTxn: links });
    }
    // Credit can only be used towards invoices this payment pays; the money received is what the credit did not cover.
    if (round2(credited) > round2(paid)) throw faults.businessValidation('The credit applied exceeds the amount applied to invoices.');
    const applied = round2(paid - credited);
    if (applied > total) throw faults.businessValidation('The amount applied to transactions exceeds the total payment amount.');
    const deposit = input.DepositToAccountRef
      ? resolveRef(realm, 'Account', input.DepositToAccountRef, 'DepositToAccountRef')
      : resolveRef(realm, 'Account', { value: String(undepositedFunds(realm).Id) }, 'DepositToAccountRef');
    const entity: JsonObject = {
      ...input,
      CustomerRef: refOut(customer),
      TotalAmt: total,
      UnappliedAmt: round2(total - applied),
      Line: lines,
      TxnDate: typeof input.TxnDate === 'string' ? input.TxnDate : typeof prior?.TxnDate === 'string' ? prior.TxnDate : localDate(ctx.now, realm.timeZone),
      DepositToAccountRef: { value: deposit.value },
      ...currency,
      ProcessPayment: input.ProcessPayment ?? false,
    };
    if (input.PaymentMethodRef) entity.PaymentMethodRef = refOut(resolveRef(realm, 'PaymentMethod', input.PaymentMethodRef, 'PaymentMethodRef'));
    if (input.ARAccountRef) entity.ARAccountRef = refOut(resolveRef(realm, 'Account', input.ARAccountRef, 'ARAccountRef'));
    return { entity, commit: (id) => afterPaymentChange(ctx, prior, table(realm, 'Payment').get(id)) };
  },
  void(existing, ctx) {
    const lines = (Array.isArray(existing.Line) ? existing.Line : []).map((l) => (isObject(l) ? { ...l, Amount: 0 } : l));
    const note = typeof existing.PrivateNote === 'string' && existing.PrivateNote !== '' ? `Voided - ${existing.PrivateNote}` : 'Voided';
    const entity: JsonObject = { ...existing, Line: lines, TotalAmt: 0, UnappliedAmt: 0, PrivateNote: note };
    return { entity, commit: (id) => afterPaymentChange(ctx, existing, table(ctx.realm, 'Payment').get(id)) };
  },
  beforeDelete(existing, ctx) {
    return () => afterPaymentChange(ctx, existing, undefined);
  },
};

function amountFor(p: JsonObject, txnType: string, txnId: string): number {
  let sum = 0;
  for (const l of Array.isArray(p.Line) ? p.Line : []) {
    if (isObject(l) && Array.isArray(l.LinkedTxn) && l.LinkedTxn.some((t) => isObject(t) && t.TxnType === txnType && t.TxnId === txnId))
      sum += Number(l.Amount ?? 0);
  }
  return sum;
}
