/**
 * The smaller name lists: Account, Item, Term, PaymentMethod, and the read-only TaxCode and
 * TaxRate (tax codes are managed through TaxService, not the v3 entity endpoints).
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/account
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/item
 */
import { z } from 'zod';
import { faults } from '../errors';
import { table, type EntityName, type JsonObject, type RealmState } from '../state/store';
import { bool, date, money, ref, str } from './fields';
import { refOut, resolveRef, sameName } from './refs';
import type { EntityDef, QueryKind } from './types';

const META: Record<string, QueryKind> = { 'MetaData.CreateTime': 'datetime', 'MetaData.LastUpdatedTime': 'datetime' };

/** Names are unique within the list, inactive entries included (Item.Name in https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/item). */
function uniqueName(realm: RealmState, entity: EntityName, name: string, selfId: unknown, fault: () => Error): void {
  for (const other of table(realm, entity).values()) {
    if (other.Id !== selfId && sameName(other.Name, name)) throw fault();
  }
}

function requiredName(input: JsonObject, max: number): string {
  const name = typeof input.Name === 'string' ? input.Name.trim() : '';
  if (!name) throw faults.requiredParam('Name');
  if (name.length > max) throw faults.invalidValue('Name', `longer than ${max} characters`);
  if (name.includes(':')) throw faults.invalidValue('Name', 'the character ":" is not allowed');
  return name;
}

/** `AccountTypeEnum` (Intuit's v3 XSD, https://github.com/intuit/QuickBooks-V3-Java-SDK/tree/develop/ipp-v3-java-data/src/main/xsd) → Classification. */
const ACCOUNT_TYPES: Record<string, string> = {
  Bank: 'Asset',
  'Other Current Asset': 'Asset',
  'Fixed Asset': 'Asset',
  'Other Asset': 'Asset',
  'Accounts Receivable': 'Asset',
  Equity: 'Equity',
  Expense: 'Expense',
  'Other Expense': 'Expense',
  'Cost of Goods Sold': 'Expense',
  'Accounts Payable': 'Liability',
  'Credit Card': 'Liability',
  'Long Term Liability': 'Liability',
  'Other Current Liability': 'Liability',
  Income: 'Revenue',
  'Other Income': 'Revenue',
};

export const account: EntityDef = {
  name: 'Account',
  nameList: true,
  operations: new Set(['create', 'update']),
  writable: {
    Name: z.string(),
    AccountType: z.enum(Object.keys(ACCOUNT_TYPES) as [string, ...string[]]),
    AccountSubType: z.string(),
    AcctNum: str(20),
    Description: str(100),
    Active: bool,
    SubAccount: bool,
    ParentRef: ref,
    CurrencyRef: ref,
    TaxCodeRef: ref,
  },
  system: ['FullyQualifiedName', 'Classification', 'CurrentBalance', 'CurrentBalanceWithSubAccounts'],
  queryable: {
    Id: 'id',
    Name: 'string',
    AccountType: 'string',
    AccountSubType: 'string',
    Classification: 'string',
    Active: 'boolean',
    FullyQualifiedName: 'string',
    AcctNum: 'string',
    CurrentBalance: 'number',
    ...META,
  },
  build(input, ctx, prior) {
    const name = requiredName(input, 100);
    if (typeof input.AccountType !== 'string' && typeof input.AccountSubType !== 'string') throw faults.requiredParam('AccountType');
    uniqueName(ctx.realm, 'Account', name, prior?.Id, faults.duplicateAccountName);
    const type = String(input.AccountType ?? prior?.AccountType);
    return {
      entity: {
        ...input,
        Name: name,
        FullyQualifiedName: name,
        AccountType: type,
        Classification: ACCOUNT_TYPES[type] ?? 'Asset',
        Active: input.Active ?? true,
        SubAccount: input.SubAccount ?? false,
        CurrentBalance: prior?.CurrentBalance ?? 0,
        CurrentBalanceWithSubAccounts: prior?.CurrentBalanceWithSubAccounts ?? 0,
        CurrencyRef: { value: ctx.realm.homeCurrency.value, name: ctx.realm.homeCurrency.name },
      },
    };
  },
};

const ITEM_TYPES = ['Inventory', 'Service', 'NonInventory', 'Group', 'Category'] as const;

export const item: EntityDef = {
  name: 'Item',
  nameList: true,
  operations: new Set(['create', 'update']),
  writable: {
    Name: z.string(),
    Type: z.enum(ITEM_TYPES),
    Description: str(4000),
    PurchaseDesc: str(1000),
    Sku: str(100),
    Active: bool,
    Taxable: bool,
    SalesTaxIncluded: bool,
    PurchaseTaxIncluded: bool,
    UnitPrice: money,
    PurchaseCost: money,
    IncomeAccountRef: ref,
    ExpenseAccountRef: ref,
    AssetAccountRef: ref,
    TrackQtyOnHand: bool,
    QtyOnHand: money,
    InvStartDate: date,
    SalesTaxCodeRef: ref,
    PurchaseTaxCodeRef: ref,
    SubItem: bool,
    ParentRef: ref,
    ClassRef: ref,
    ReorderPoint: money,
  },
  system: ['FullyQualifiedName', 'Level'],
  queryable: {
    Id: 'id',
    Name: 'string',
    Sku: 'string',
    Type: 'string',
    Active: 'boolean',
    FullyQualifiedName: 'string',
    Taxable: 'boolean',
    UnitPrice: 'number',
    QtyOnHand: 'number',
    ...META,
  },
  build(input, ctx, prior) {
    const name = requiredName(input, 100);
    // Since minor version 4, Type must be set explicitly (https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/item).
    if (typeof input.Type !== 'string') throw faults.requiredParam('Type');
    if (input.Type === 'Group') throw faults.unsupportedOperation(`create of Item Type ${input.Type} in the emulator`);
    uniqueName(ctx.realm, 'Item', name, prior?.Id, faults.duplicateItemName);
    // A category only groups items (https://developer.intuit.com/app/developer/qbo/docs/workflows/item-hierarchies-using-categories):
    // no price, no accounts, not sellable.
    if (input.Type === 'Category') {
      for (const f of ['UnitPrice', 'PurchaseCost', 'IncomeAccountRef', 'ExpenseAccountRef', 'AssetAccountRef', 'Sku'] as const) {
        if (input[f] !== undefined) throw faults.invalidValue(f, 'a Category item has none');
      }
      return { entity: { ...input, Name: name, FullyQualifiedName: name, Active: input.Active ?? true, SubItem: false } };
    }
    const entity: JsonObject = {
      ...input,
      Name: name,
      FullyQualifiedName: name,
      Active: input.Active ?? true,
      Taxable: input.Taxable ?? false,
      UnitPrice: input.UnitPrice ?? 0,
      PurchaseCost: input.PurchaseCost ?? 0,
      TrackQtyOnHand: input.TrackQtyOnHand ?? false,
    };
    // IncomeAccountRef is required for Service, Inventory and (in practice) NonInventory
    // (https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/item).
    if (!input.IncomeAccountRef) throw faults.requiredParam('IncomeAccountRef');
    entity.IncomeAccountRef = refOut(resolveRef(ctx.realm, 'Account', input.IncomeAccountRef, 'IncomeAccountRef'));
    if (input.ExpenseAccountRef) entity.ExpenseAccountRef = refOut(resolveRef(ctx.realm, 'Account', input.ExpenseAccountRef, 'ExpenseAccountRef'));
    if (input.Type === 'Inventory') {
      for (const f of ['AssetAccountRef', 'QtyOnHand', 'InvStartDate'] as const) if (input[f] === undefined) throw faults.requiredParam(f);
      if (input.TrackQtyOnHand !== true) throw faults.requiredParam('TrackQtyOnHand');
      entity.AssetAccountRef = refOut(resolveRef(ctx.realm, 'Account', input.AssetAccountRef, 'AssetAccountRef'));
    }
    if (input.SalesTaxCodeRef) entity.SalesTaxCodeRef = refOut(resolveRef(ctx.realm, 'TaxCode', input.SalesTaxCodeRef, 'SalesTaxCodeRef'));
    if (input.ParentRef) throw faults.unsupportedProperty('ParentRef (sub-items are not emulated)', 'Item');
    return { entity };
  },
};

export const term: EntityDef = {
  name: 'Term',
  nameList: true,
  operations: new Set(['create', 'update']),
  writable: {
    Name: z.string(),
    Active: bool,
    Type: z.enum(['STANDARD', 'DATE_DRIVEN']),
    DueDays: z.number().int().min(0),
    DiscountPercent: money,
    DiscountDays: z.number().int().min(0),
    DayOfMonthDue: z.number().int(),
    DueNextMonthDays: z.number().int(),
    DiscountDayOfMonth: z.number().int(),
  },
  system: [],
  queryable: { Id: 'id', Name: 'string', Active: 'boolean', DueDays: 'number', ...META },
  build(input, ctx, prior) {
    const name = requiredName(input, 31);
    uniqueName(ctx.realm, 'Term', name, prior?.Id, faults.duplicateAccountName);
    return { entity: { ...input, Name: name, Active: input.Active ?? true, Type: input.Type ?? 'STANDARD', DueDays: input.DueDays ?? 0 } };
  },
};

export const paymentMethod: EntityDef = {
  name: 'PaymentMethod',
  nameList: true,
  operations: new Set(['create', 'update']),
  writable: { Name: z.string(), Active: bool, Type: z.enum(['CREDIT_CARD', 'NON_CREDIT_CARD']) },
  system: [],
  queryable: { Id: 'id', Name: 'string', Active: 'boolean', Type: 'string', ...META },
  build(input, ctx, prior) {
    const name = requiredName(input, 31);
    uniqueName(ctx.realm, 'PaymentMethod', name, prior?.Id, faults.duplicateAccountName);
    return { entity: { ...input, Name: name, Active: input.Active ?? true, Type: input.Type ?? 'NON_CREDIT_CARD' } };
  },
};

const readOnly = (name: EntityName, queryable: Record<string, QueryKind>): EntityDef => ({
  name,
  nameList: true,
  operations: new Set(),
  writable: {},
  system: [],
  queryable,
  build() {
    throw faults.unsupportedOperation(`write for ${name}`);
  },
});

export const taxCode = readOnly('TaxCode', { Id: 'id', Name: 'string', Active: 'boolean', Taxable: 'boolean', ...META });
export const taxRate = readOnly('TaxRate', { Id: 'id', Name: 'string', Active: 'boolean', ...META });
