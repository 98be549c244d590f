/**
 * Customer: DisplayName unique across name lists, inactive ones included (6240).
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/customer
 */
import { z } from 'zod';
import { faults } from '../errors';
import { table, type JsonObject, type RealmState } from '../state/store';
import { customerCurrency } from './currency';
import { address, bool, email, phone, ref, str, web } from './fields';
import { refOut, resolveRef, round2, sameName } from './refs';
import type { EntityDef } from './types';

const nameParts = ['Title', 'GivenName', 'MiddleName', 'FamilyName', 'Suffix'] as const;

export const customer: EntityDef = {
  name: 'Customer',
  nameList: true,
  operations: new Set(['create', 'update']),
  writable: {
    DisplayName: str(500),
    Title: str(16),
    GivenName: str(100),
    MiddleName: str(100),
    FamilyName: str(100),
    Suffix: str(16),
    CompanyName: str(100),
    PrintOnCheckName: str(110),
    Active: bool,
    Taxable: bool,
    Notes: str(2000),
    PrimaryEmailAddr: email,
    PrimaryPhone: phone,
    Mobile: phone,
    Fax: phone,
    AlternatePhone: phone,
    WebAddr: web,
    BillAddr: address,
    ShipAddr: address,
    SalesTermRef: ref,
    PaymentMethodRef: ref,
    DefaultTaxCodeRef: ref,
    CurrencyRef: ref,
    PreferredDeliveryMethod: z.enum(['Print', 'Email', 'None']),
    ResaleNum: str(16),
    OpenBalanceDate: z.string(),
    Job: bool,
    BillWithParent: bool,
    ParentRef: ref,
    CustomerTypeRef: ref,
    TaxExemptionReasonId: z.union([z.string(), z.number()]),
    PrimaryTaxIdentifier: z.string(),
    GSTIN: z.string(),
    BusinessNumber: z.string(),
    GSTRegistrationType: z.string(),
  },
  system: ['FullyQualifiedName', 'Level', 'Balance', 'BalanceWithJobs', 'V4IDPseudonym', 'IsProject', 'ClientEntityId', 'CustomerMemo'],
  queryable: {
    Id: 'id',
    DisplayName: 'string',
    GivenName: 'string',
    MiddleName: 'string',
    FamilyName: 'string',
    CompanyName: 'string',
    PrimaryEmailAddr: 'email',
    Active: 'boolean',
    Balance: 'number',
    FullyQualifiedName: 'string',
    PrintOnCheckName: 'string',
    'MetaData.CreateTime': 'datetime',
    'MetaData.LastUpdatedTime': 'datetime',
  },
  build(input, ctx, prior) {
    const realm = ctx.realm;
    let displayName = typeof input.DisplayName === 'string' ? input.DisplayName.trim() : '';
    if (!displayName) {
      // "If omitted, QBO builds it from Title+GivenName+MiddleName+FamilyName+Suffix" (https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/customer).
      displayName = nameParts
        .map((p) => input[p])
        .filter((v): v is string => typeof v === 'string' && v !== '')
        .join(' ');
    }
    if (!displayName) throw faults.requiredParam('DisplayName');
    if (displayName.includes(':')) throw faults.invalidValue('DisplayName', 'the character ":" is not allowed');
    for (const other of table(realm, 'Customer').values()) {
      if (other.Id !== prior?.Id && sameName(other.DisplayName, displayName)) throw faults.duplicateName();
    }
    const entity: JsonObject = {
      ...input,
      DisplayName: displayName,
      FullyQualifiedName: displayName,
      PrintOnCheckName: typeof input.PrintOnCheckName === 'string' ? input.PrintOnCheckName : displayName,
      Active: input.Active ?? true,
      Taxable: input.Taxable ?? realm.seed !== 'us',
      Job: input.Job ?? false,
      BillWithParent: input.BillWithParent ?? false,
      PreferredDeliveryMethod: input.PreferredDeliveryMethod ?? 'Print',
      Balance: prior?.Balance ?? 0,
      BalanceWithJobs: prior?.BalanceWithJobs ?? 0,
      CurrencyRef: customerCurrency(realm, input, prior),
    };
    if (input.SalesTermRef) entity.SalesTermRef = refOut(resolveRef(realm, 'Term', input.SalesTermRef, 'SalesTermRef'));
    if (input.PaymentMethodRef) entity.PaymentMethodRef = refOut(resolveRef(realm, 'PaymentMethod', input.PaymentMethodRef, 'PaymentMethodRef'));
    if (input.DefaultTaxCodeRef) entity.DefaultTaxCodeRef = refOut(resolveRef(realm, 'TaxCode', input.DefaultTaxCodeRef, 'DefaultTaxCodeRef'));
    if (input.ParentRef) throw faults.unsupportedProperty('ParentRef (sub-customers are not emulated)', 'Customer');
    return { entity };
  },
};

/**
 * Open balance: open invoices minus unapplied payments and unused credit memos (`Balance`, "the open AR total":
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/customer).
 */
export function recomputeCustomerBalance(realm: RealmState, customerId: string): void {
  const c = table(realm, 'Customer').get(customerId);
  if (!c) return;
  let balance = 0;
  for (const inv of table(realm, 'Invoice').values()) {
    if (refValue(inv.CustomerRef) === customerId) balance += Number(inv.Balance ?? 0);
  }
  for (const p of table(realm, 'Payment').values()) {
    if (refValue(p.CustomerRef) === customerId) balance -= Number(p.UnappliedAmt ?? 0);
  }
  for (const m of table(realm, 'CreditMemo').values()) {
    if (refValue(m.CustomerRef) === customerId) balance -= Number(m.Balance ?? 0);
  }
  c.Balance = round2(balance);
  c.BalanceWithJobs = round2(balance);
}

export const refValue = (r: unknown): string | undefined =>
  typeof r === 'object' && r !== null && 'value' in r && typeof r.value === 'string' ? r.value : undefined;
