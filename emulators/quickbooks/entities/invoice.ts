/**
 * Invoice: computed TotalAmt/Balance and an appended SubTotal line, DocNumber uniqueness (6140)
 * unless `include=allowduplicatedocnum`, DueDate from terms, void that zeroes amounts and prefixes
 * PrivateNote with "Voided", payments reflected in Balance and LinkedTxn.
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice
 */
import { z } from 'zod';
import { faults } from '../errors';
import { isObject, table, type Json, type JsonObject, type RealmState } from '../state/store';
import { addDays, localDate } from '../time';
import { inHomeCurrency, transactionCurrency } from './currency';
import { recomputeCustomerBalance, refValue } from './customer';
import { address, bool, date, email, memo, money, ref, str } from './fields';
import { touch } from './operations';
import { productCents, refOut, resolveRef, round2 } from './refs';
import type { EntityDef, WriteContext } from './types';

const salesItemLineDetail = z
  .object({
    ItemRef: ref.optional(),
    Qty: money.optional(),
    UnitPrice: money.optional(),
    TaxCodeRef: ref.optional(),
    ServiceDate: date.optional(),
    ClassRef: ref.optional(),
    ItemAccountRef: ref.optional(),
    DiscountRate: money.optional(),
    DiscountAmt: money.optional(),
    TaxInclusiveAmt: money.optional(),
    PriceLevelRef: ref.optional(),
    TaxClassificationRef: ref.optional(),
    MarkupInfo: z.unknown().optional(),
  })
  .strict();

/** A sales-form line (invoices and credit memos share them). */
export const salesLine = z
  .object({
    Id: z.union([z.string(), z.number().transform(String)]).optional(),
    LineNum: z.number().optional(),
    Description: str(4000).optional(),
    Amount: money.optional(),
    DetailType: z.enum(['SalesItemLineDetail', 'DescriptionOnly', 'DiscountLineDetail', 'SubTotalLineDetail']),
    SalesItemLineDetail: salesItemLineDetail.optional(),
    DiscountLineDetail: z
      .object({
        PercentBased: bool.optional(),
        DiscountPercent: money.optional(),
        DiscountAccountRef: ref.optional(),
        ClassRef: ref.optional(),
        TaxCodeRef: ref.optional(),
      })
      .strict()
      .optional(),
    DescriptionLineDetail: z.object({ ServiceDate: date.optional(), TaxCodeRef: ref.optional() }).strict().optional(),
    SubTotalLineDetail: z.object({ ItemRef: ref.optional() }).strict().optional(),
    LinkedTxn: z.array(z.unknown()).optional(),
    CustomField: z.array(z.unknown()).optional(),
  })
  .strict();

const customField = z
  .object({
    DefinitionId: z.string(),
    Name: z.string().optional(),
    Type: z.enum(['StringType', 'BooleanType', 'NumberType', 'DateType']),
    StringValue: str(31).optional(),
  })
  .strict();

type SalesLineIn = z.infer<typeof salesLine>;

export function preferences(realm: RealmState): JsonObject {
  const p = table(realm, 'Preferences').get('1');
  if (!p) throw new Error('the realm has no Preferences');
  return p;
}

const salesForms = (realm: RealmState): JsonObject => {
  const s = preferences(realm).SalesFormsPrefs;
  return isObject(s) ? s : {};
};

/** Money a stored payment applies to an invoice (its lines linked with TxnType Invoice). */
export function appliedTo(realm: RealmState, invoiceId: string): { amount: number; paymentIds: string[] } {
  return appliedToTxn(realm, 'Invoice', invoiceId);
}

/**
 * What stored payments apply to a transaction: an invoice they pay, or a credit memo whose credit they use
 * (https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/payment).
 */
export function appliedToTxn(realm: RealmState, txnType: 'Invoice' | 'CreditMemo', txnId: string): { amount: number; paymentIds: string[] } {
  let amount = 0;
  const paymentIds: string[] = [];
  for (const p of table(realm, 'Payment').values()) {
    for (const l of Array.isArray(p.Line) ? p.Line : []) {
      if (!isObject(l) || !Array.isArray(l.LinkedTxn)) continue;
      if (l.LinkedTxn.some((t) => isObject(t) && t.TxnType === txnType && t.TxnId === txnId)) {
        amount += Number(l.Amount ?? 0);
        if (!paymentIds.includes(String(p.Id))) paymentIds.push(String(p.Id));
      }
    }
  }
  return { amount: round2(amount), paymentIds };
}

export const isVoided = (inv: JsonObject): boolean => typeof inv.PrivateNote === 'string' && inv.PrivateNote.startsWith('Voided') && inv.TotalAmt === 0;

/** Payments are applied from the Payment side; the invoice shows them in Balance and LinkedTxn (https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice). */
export function syncInvoicePayments(ctx: WriteContext, invoiceId: string): void {
  const inv = table(ctx.realm, 'Invoice').get(invoiceId);
  if (!inv) return;
  const { amount, paymentIds } = appliedTo(ctx.realm, invoiceId);
  const others = (Array.isArray(inv.LinkedTxn) ? inv.LinkedTxn : []).filter((t) => !(isObject(t) && t.TxnType === 'Payment'));
  const linked: Json[] = [...others, ...paymentIds.map((id) => ({ TxnId: id, TxnType: 'Payment' }))];
  const balance = isVoided(inv) ? 0 : round2(Number(inv.TotalAmt) - amount);
  if (balance === inv.Balance && JSON.stringify(linked) === JSON.stringify(inv.LinkedTxn ?? [])) return;
  touch(invoice, ctx, { ...inv, Balance: balance, ...(ctx.realm.multicurrency ? { HomeBalance: inHomeCurrency(inv, balance) } : {}), LinkedTxn: linked });
}

function nextDocNumber(realm: RealmState): string {
  const used = new Set([...table(realm, 'Invoice').values()].map((i) => i.DocNumber));
  let n = realm.nextDocNumber;
  while (used.has(String(n))) n += 1;
  return String(n);
}

interface TaxComputation {
  totalTax: number;
  taxLines: JsonObject[];
}

/** Non-US companies: each line's TaxCodeRef names rates (TaxCode.SalesTaxRateList); US companies use TAX/NON only. */
function computeTax(realm: RealmState, lines: JsonObject[], mode: string): TaxComputation {
  if (realm.seed === 'us' || mode === 'NotApplicable') return { totalTax: 0, taxLines: [] };
  const byRate = new Map<string, { percent: number; net: number }>();
  for (const l of lines) {
    const detail = isObject(l.SalesItemLineDetail) ? l.SalesItemLineDetail : undefined;
    const codeId = detail ? refValue(detail.TaxCodeRef) : undefined;
    if (!codeId) continue;
    const code = table(realm, 'TaxCode').get(codeId);
    const rateList = code && isObject(code.SalesTaxRateList) && Array.isArray(code.SalesTaxRateList.TaxRateDetail) ? code.SalesTaxRateList.TaxRateDetail : [];
    for (const d of rateList) {
      const rateId = isObject(d) ? refValue(d.TaxRateRef) : undefined;
      const rate = rateId ? table(realm, 'TaxRate').get(rateId) : undefined;
      if (!rateId || !rate) continue;
      const entry = byRate.get(rateId) ?? { percent: Number(rate.RateValue ?? 0), net: 0 };
      entry.net += Number(l.Amount ?? 0);
      byRate.set(rateId, entry);
    }
  }
  const taxLines: JsonObject[] = [];
  let totalTax = 0;
  for (const [rateId, { percent, net }] of byRate) {
    const base = mode === 'TaxInclusive' ? net / (1 + percent / 100) : net;
    const amount = round2(mode === 'TaxInclusive' ? net - base : (base * percent) / 100);
    totalTax += amount;
    taxLines.push({
      Amount: amount,
      DetailType: 'TaxLineDetail',
      TaxLineDetail: { TaxRateRef: { value: rateId }, PercentBased: true, TaxPercent: percent, NetAmountTaxable: round2(base) },
    });
  }
  return { totalTax: round2(totalTax), taxLines };
}

function buildLines(ctx: WriteContext, raw: SalesLineIn[], prior: JsonObject | undefined): { lines: JsonObject[]; subtotal: number; discount: number } {
  const realm = ctx.realm;
  const priorIds = new Set((Array.isArray(prior?.Line) ? prior.Line : []).map((l) => (isObject(l) ? l.Id : undefined)).filter(Boolean));
  let nextId = Math.max(0, ...[...priorIds].map(Number).filter(Number.isFinite)) + 1;
  const lines: JsonObject[] = [];
  let subtotal = 0;
  let discount = 0;
  for (const l of raw.filter((x) => x.DetailType !== 'SubTotalLineDetail')) {
    // An existing line Id updates that line; no Id or an unknown Id adds a line (Line.Id in
    // https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice).
    const id = l.Id !== undefined && priorIds.has(l.Id) ? l.Id : String(nextId++);
    const out: JsonObject = { Id: id, LineNum: lines.length + 1 };
    if (l.Description !== undefined) out.Description = l.Description;
    if (l.DetailType === 'SalesItemLineDetail') {
      if (l.Amount === undefined) throw faults.requiredParam('Line.Amount');
      const d = l.SalesItemLineDetail;
      if (!d?.ItemRef) throw faults.requiredParam('Line.SalesItemLineDetail.ItemRef');
      const item = resolveRef(realm, 'Item', d.ItemRef as JsonObject, 'Line.SalesItemLineDetail.ItemRef');
      // QBO checks a line's arithmetic when it states both: Amount must be Qty × UnitPrice, rounded half up to the cent.
      if (d.Qty !== undefined && d.UnitPrice !== undefined && productCents(d.Qty, d.UnitPrice) !== productCents(l.Amount))
        throw faults.amountMismatch(l.Amount);
      const detail: JsonObject = { ...(d as JsonObject), ItemRef: refOut(item) };
      if (realm.seed === 'us') {
        const code = d.TaxCodeRef ? refValue(d.TaxCodeRef) : item.entity.Taxable === true ? 'TAX' : 'NON';
        if (code !== 'TAX' && code !== 'NON') throw faults.invalidReference('Line.SalesItemLineDetail.TaxCodeRef', String(code));
        detail.TaxCodeRef = { value: code };
      } else {
        const taxRef = d.TaxCodeRef ?? item.entity.SalesTaxCodeRef;
        // Global (non-US) companies need a tax code on every line ("Make sure all your transactions have a VAT rate").
        if (!taxRef) throw faults.businessValidation('Make sure all your transactions have a VAT rate before you save.');
        detail.TaxCodeRef = { value: resolveRef(realm, 'TaxCode', taxRef as JsonObject, 'Line.SalesItemLineDetail.TaxCodeRef').value };
      }
      out.Amount = round2(Number(l.Amount));
      out.DetailType = l.DetailType;
      out.SalesItemLineDetail = detail;
      subtotal += Number(out.Amount);
    } else if (l.DetailType === 'DiscountLineDetail') {
      out.DetailType = l.DetailType;
      out.DiscountLineDetail = (l.DiscountLineDetail ?? {}) as JsonObject;
      lines.push(out);
      continue;
    } else {
      out.DetailType = 'DescriptionOnly';
      out.DescriptionLineDetail = (l.DescriptionLineDetail ?? {}) as JsonObject;
      if (l.Amount !== undefined) out.Amount = round2(Number(l.Amount));
    }
    lines.push(out);
  }
  subtotal = round2(subtotal);
  for (const out of lines) {
    if (out.DetailType !== 'DiscountLineDetail') continue;
    const src = raw.find((l) => l.Id === out.Id) ?? raw.filter((l) => l.DetailType === 'DiscountLineDetail')[0];
    const d = isObject(out.DiscountLineDetail) ? out.DiscountLineDetail : {};
    const amount = d.PercentBased === true ? round2((subtotal * Number(d.DiscountPercent ?? 0)) / 100) : src?.Amount;
    if (amount === undefined) throw faults.requiredParam('Line.Amount');
    out.Amount = round2(Number(amount));
    discount += Number(out.Amount);
  }
  if (lines.every((l) => l.DetailType !== 'SalesItemLineDetail')) throw faults.requiredParam('Line');
  // QBO appends a SubTotalLineDetail line to sales-form responses (as in fixtures/ledger_sync/invoice.response.json).
  lines.push({ Amount: subtotal, DetailType: 'SubTotalLineDetail', SubTotalLineDetail: {} });
  return { lines, subtotal, discount: round2(discount) };
}

/** What every sales form (invoice, credit memo) computes from its customer and lines: currency, lines and tax, total. */
export function salesFormAmounts(ctx: WriteContext, input: JsonObject, prior: JsonObject | undefined, entity: 'Invoice' | 'CreditMemo') {
  const realm = ctx.realm;
  if (!input.CustomerRef) throw faults.requiredParam('CustomerRef');
  const customerRef = resolveRef(realm, 'Customer', input.CustomerRef, 'CustomerRef');
  const currency = transactionCurrency(realm, input, customerRef.entity, entity);
  if (!Array.isArray(input.Line) || input.Line.length === 0) throw faults.requiredParam('Line');
  const { lines, subtotal, discount } = buildLines(ctx, input.Line as SalesLineIn[], prior);
  const mode = realm.seed === 'us' ? undefined : String(input.GlobalTaxCalculation ?? 'TaxExcluded');
  const tax = computeTax(realm, lines, mode ?? 'NotApplicable');
  const total = round2(subtotal - discount + (mode === 'TaxInclusive' ? 0 : tax.totalTax));
  return { customerRef, currency, lines, mode, tax, total };
}

export const invoice: EntityDef = {
  name: 'Invoice',
  nameList: false,
  operations: new Set(['create', 'update', 'delete', 'void']),
  writable: {
    CustomerRef: ref,
    Line: z.array(salesLine),
    DocNumber: str(21),
    TxnDate: date,
    DueDate: date,
    ShipDate: date,
    SalesTermRef: ref,
    BillEmail: email,
    BillEmailCc: email,
    BillEmailBcc: email,
    BillAddr: address,
    ShipAddr: address,
    ShipFromAddr: address,
    PrivateNote: str(4000),
    CustomerMemo: memo,
    CustomField: z.array(customField),
    EmailStatus: z.enum(['NotSet', 'NeedToSend', 'EmailSent']),
    PrintStatus: z.enum(['NotSet', 'NeedToPrint', 'PrintComplete']),
    TxnTaxDetail: z.object({ TxnTaxCodeRef: ref.optional(), TotalTax: money.optional(), TaxLine: z.array(z.unknown()).optional() }).strict(),
    ApplyTaxAfterDiscount: bool,
    GlobalTaxCalculation: z.enum(['TaxExcluded', 'TaxInclusive', 'NotApplicable']),
    CurrencyRef: ref,
    ExchangeRate: money,
    AllowOnlineCreditCardPayment: bool,
    AllowOnlineACHPayment: bool,
    AllowIPNPayment: bool,
    AllowOnlinePayment: bool,
    ClassRef: ref,
    DepartmentRef: ref,
    TrackingNum: str(31),
    ShipMethodRef: ref,
    Deposit: money,
    DepositToAccountRef: ref,
    TransactionLocationType: z.string(),
  },
  system: [
    'TotalAmt',
    'Balance',
    'HomeTotalAmt',
    'HomeBalance',
    'LinkedTxn',
    'DeliveryInfo',
    'InvoiceLink',
    'TxnSource',
    'RecurDataRef',
    'FreeFormAddress',
    'TaxExemptionRef',
  ],
  queryable: {
    Id: 'id',
    DocNumber: 'string',
    TxnDate: 'date',
    DueDate: 'date',
    CustomerRef: 'ref',
    TotalAmt: 'number',
    Balance: 'number',
    'MetaData.CreateTime': 'datetime',
    'MetaData.LastUpdatedTime': 'datetime',
  },
  build(input, ctx, prior) {
    const realm = ctx.realm;
    const { customerRef, currency, lines, mode, tax, total } = salesFormAmounts(ctx, input, prior, 'Invoice');
    const applied = prior ? appliedTo(realm, String(prior.Id)).amount : 0;
    if (total < applied) throw faults.businessValidation(`The invoice total ${total} is less than the ${applied} already paid on it.`);

    const prefs = salesForms(realm);
    let docNumber = typeof input.DocNumber === 'string' && input.DocNumber !== '' ? input.DocNumber : undefined;
    // Auto-numbered only when CustomTxnNumbers is off (DocNumber in https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice).
    if (docNumber === undefined && !prior && prefs.CustomTxnNumbers !== true) docNumber = nextDocNumber(realm);
    if (docNumber !== undefined && !ctx.include.has('allowduplicatedocnum')) {
      for (const other of table(realm, 'Invoice').values()) {
        if (other.Id !== prior?.Id && other.DocNumber === docNumber) throw faults.duplicateDocNumber(docNumber, 'Invoice', String(other.Id));
      }
    }

    const txnDate = typeof input.TxnDate === 'string' ? input.TxnDate : typeof prior?.TxnDate === 'string' ? prior.TxnDate : localDate(ctx.now, realm.timeZone);
    const termRef = input.SalesTermRef ?? customerRef.entity.SalesTermRef ?? prefs.DefaultTerms;
    const term = termRef ? resolveRef(realm, 'Term', termRef, 'SalesTermRef') : undefined;
    // DueDate defaults to TxnDate plus the term's days (https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice).
    const dueDate = typeof input.DueDate === 'string' ? input.DueDate : addDays(txnDate, Number(term?.entity.DueDays ?? 0));

    if (input.EmailStatus === 'NeedToSend' && !input.BillEmail && !customerRef.entity.PrimaryEmailAddr) throw faults.requiredParam('BillEmail');
    const customFields = customFieldsOf(realm, input.CustomField);

    const entity: JsonObject = {
      ...input,
      CustomerRef: refOut(customerRef),
      Line: lines,
      TxnDate: txnDate,
      DueDate: dueDate,
      ...currency,
      TxnTaxDetail: tax.taxLines.length ? { TotalTax: tax.totalTax, TaxLine: tax.taxLines } : { TotalTax: 0 },
      TotalAmt: total,
      Balance: round2(total - applied),
      LinkedTxn: prior?.LinkedTxn ?? [],
      EmailStatus: input.EmailStatus ?? 'NotSet',
      PrintStatus: input.PrintStatus ?? 'NotSet',
      ApplyTaxAfterDiscount: input.ApplyTaxAfterDiscount ?? false,
      Deposit: input.Deposit ?? 0,
      AllowIPNPayment: input.AllowIPNPayment ?? false,
      AllowOnlinePayment: input.AllowOnlinePayment ?? false,
      AllowOnlineCreditCardPayment: input.AllowOnlineCreditCardPayment ?? false,
      AllowOnlineACHPayment: input.AllowOnlineACHPayment ?? false,
    };
    if (realm.multicurrency) {
      entity.HomeTotalAmt = inHomeCurrency(entity, total);
      entity.HomeBalance = inHomeCurrency(entity, Number(entity.Balance));
    }
    if (input.DepositToAccountRef) entity.DepositToAccountRef = refOut(resolveRef(realm, 'Account', input.DepositToAccountRef, 'DepositToAccountRef'));
    if (docNumber !== undefined) entity.DocNumber = docNumber;
    else delete entity.DocNumber;
    if (mode) entity.GlobalTaxCalculation = mode;
    if (term) entity.SalesTermRef = refOut(term);
    if (customFields.length > 0) entity.CustomField = customFields;
    else delete entity.CustomField;
    if (!prior && !input.BillEmail && isObject(customerRef.entity.PrimaryEmailAddr)) {
      entity.BillEmail = { Address: customerRef.entity.PrimaryEmailAddr.Address ?? '' };
    }
    if (prior?.DeliveryInfo) entity.DeliveryInfo = prior.DeliveryInfo;
    const priorCustomer = prior ? refValue(prior.CustomerRef) : undefined;
    return {
      entity,
      commit: () => {
        if (!prior && docNumber === String(realm.nextDocNumber)) realm.nextDocNumber += 1;
        recomputeCustomerBalance(realm, customerRef.value);
        if (priorCustomer && priorCustomer !== customerRef.value) recomputeCustomerBalance(realm, priorCustomer);
      },
    };
  },
  void(existing, ctx) {
    // "all amounts and quantities are zeroed and the string 'Voided' is injected into PrivateNote,
    // prepended to existing text" (https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice).
    const lines = (Array.isArray(existing.Line) ? existing.Line : []).map((l) => {
      if (!isObject(l)) return l;
      const out: JsonObject = { ...l, Amount: 0 };
      if (isObject(l.SalesItemLineDetail)) out.SalesItemLineDetail = { ...l.SalesItemLineDetail, Qty: 0, UnitPrice: 0 };
      return out;
    });
    const note = typeof existing.PrivateNote === 'string' && existing.PrivateNote !== '' ? `Voided - ${existing.PrivateNote}` : 'Voided';
    const entity: JsonObject = { ...existing, Line: lines, TotalAmt: 0, Balance: 0, PrivateNote: note, TxnTaxDetail: { TotalTax: 0 } };
    if (ctx.realm.multicurrency) Object.assign(entity, { HomeTotalAmt: 0, HomeBalance: 0 });
    const customerId = refValue(existing.CustomerRef);
    return { entity, commit: () => customerId && recomputeCustomerBalance(ctx.realm, customerId) };
  },
  beforeDelete(existing, ctx) {
    // An invoice with applied payments cannot simply be deleted: its payments must be unlinked or deleted first.
    if (appliedTo(ctx.realm, String(existing.Id)).paymentIds.length > 0) {
      throw faults.businessValidation('This invoice has payments applied to it. Delete or unlink the payments first.');
    }
    const customerId = refValue(existing.CustomerRef);
    return () => customerId && recomputeCustomerBalance(ctx.realm, customerId);
  },
};

/**
 * Legacy sales-form custom fields: field N exists when `SalesFormsPrefs.UseSalesCustomN` is on, labelled by
 * `SalesCustomNameN`. Every invoice carries every such field, `{DefinitionId, Name, Type}` even when unset, as
 * recorded sandbox responses show (e.g. `"Crew #"` and `"Sales Rep"` with no StringValue); a value for a field the
 * company does not have is 2500.
 */
export function salesCustomFields(realm: RealmState): { id: string; name: string }[] {
  const entries: JsonObject[] = [];
  const groups = salesForms(realm).CustomField;
  for (const group of Array.isArray(groups) ? groups : []) {
    for (const d of isObject(group) && Array.isArray(group.CustomField) ? group.CustomField : []) if (isObject(d)) entries.push(d);
  }
  const entry = (name: string) => entries.find((e) => e.Name === `SalesFormsPrefs.${name}`);
  return ['1', '2', '3'].flatMap((n) => {
    const label = entry(`SalesCustomName${n}`)?.StringValue;
    return entry(`UseSalesCustom${n}`)?.BooleanValue === true && typeof label === 'string' && label !== '' ? [{ id: n, name: label }] : [];
  });
}

function customFieldsOf(realm: RealmState, input: Json | undefined): JsonObject[] {
  const defs = salesCustomFields(realm);
  const given = (Array.isArray(input) ? input : []).filter(isObject);
  for (const f of given) {
    if (!defs.some((d) => d.id === String(f.DefinitionId))) throw faults.invalidReference('CustomField.DefinitionId', String(f.DefinitionId));
  }
  return defs.map((d) => {
    const value = given.find((f) => String(f.DefinitionId) === d.id)?.StringValue;
    return { DefinitionId: d.id, Name: d.name, Type: 'StringType', ...(typeof value === 'string' && value !== '' ? { StringValue: value } : {}) };
  });
}
