/**
 * Field catalogs: the bridge between the sync's field mappings and QBO's nested JSON
 * (https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/customer,
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/item). Values cross as normalised
 * strings: money as a decimal string with at least two places ('12.50'), booleans as 'true'/'false'.
 * `set(draft, undefined)` leaves the field out of the draft, so a sparse update does not touch it.
 *
 * A sparse update replaces a nested object such as BillAddr as a whole, so seed the draft with the
 * entity's current BillAddr before setting single address fields.
 */
import type { QboCustomer, QboItem } from './schemas';

/** What a field holds in QBO, for the settings page's type check of a mapping. */
export type QboValueType = 'text' | 'money' | 'boolean';

export interface FieldDef<E> {
  label: string;
  valueType: QboValueType;
  get(entity: E): string | undefined;
  set(draft: Record<string, unknown>, value: string | undefined): void;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function top<E>(label: string, key: string): FieldDef<E> {
  return {
    label,
    valueType: 'text',
    get: (e) => text((e as Record<string, unknown>)[key]),
    set(draft, value) {
      if (value === undefined) delete draft[key];
      else draft[key] = value;
    },
  };
}

function nested<E>(label: string, key: string, sub: string): FieldDef<E> {
  return {
    label,
    valueType: 'text',
    get(e) {
      const parent = (e as Record<string, unknown>)[key];
      return isRecord(parent) ? text(parent[sub]) : undefined;
    },
    set(draft, value) {
      const parent = isRecord(draft[key]) ? { ...draft[key] } : {};
      if (value === undefined) delete parent[sub];
      else parent[sub] = value;
      if (Object.keys(parent).length === 0) delete draft[key];
      else draft[key] = parent;
    },
  };
}

/** QBO money is a JSON number; keep its precision, with at least two places. */
export function formatMoney(n: number): string {
  const fixed = n.toFixed(5).replace(/0+$/, '');
  const [whole = '0', frac = ''] = fixed.split('.');
  return `${whole}.${frac.padEnd(2, '0')}`;
}

function parseMoney(label: string, value: string): number {
  const trimmed = value.trim();
  if (!/^-?\d+(\.\d+)?$/.test(trimmed)) throw new RangeError(`${label} must be a decimal number, got '${value}'`);
  return Number(trimmed);
}

function money<E>(label: string, key: string): FieldDef<E> {
  return {
    label,
    valueType: 'money',
    get(e) {
      const v = (e as Record<string, unknown>)[key];
      return typeof v === 'number' ? formatMoney(v) : undefined;
    },
    set(draft, value) {
      if (value === undefined) delete draft[key];
      else draft[key] = parseMoney(label, value);
    },
  };
}

function flag<E>(label: string, key: string): FieldDef<E> {
  return {
    label,
    valueType: 'boolean',
    get(e) {
      const v = (e as Record<string, unknown>)[key];
      return typeof v === 'boolean' ? String(v) : undefined;
    },
    set(draft, value) {
      if (value === undefined) {
        delete draft[key];
        return;
      }
      if (value !== 'true' && value !== 'false') throw new RangeError(`${label} must be 'true' or 'false', got '${value}'`);
      draft[key] = value === 'true';
    },
  };
}

export type CustomerFieldKey =
  | 'displayName'
  | 'givenName'
  | 'familyName'
  | 'companyName'
  | 'email'
  | 'phone'
  | 'mobile'
  | 'website'
  | 'billStreet'
  | 'billCity'
  | 'billState'
  | 'billPostalCode'
  | 'billCountry'
  | 'notes';

/** Customer (https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/customer). */
export const customerFields: Record<CustomerFieldKey, FieldDef<QboCustomer>> = {
  displayName: top('Display name', 'DisplayName'),
  givenName: top('First name', 'GivenName'),
  familyName: top('Last name', 'FamilyName'),
  companyName: top('Company name', 'CompanyName'),
  email: nested('Email', 'PrimaryEmailAddr', 'Address'),
  phone: nested('Phone', 'PrimaryPhone', 'FreeFormNumber'),
  mobile: nested('Mobile', 'Mobile', 'FreeFormNumber'),
  website: nested('Website', 'WebAddr', 'URI'),
  billStreet: nested('Billing street', 'BillAddr', 'Line1'),
  billCity: nested('Billing city', 'BillAddr', 'City'),
  billState: nested('Billing state/province', 'BillAddr', 'CountrySubDivisionCode'),
  billPostalCode: nested('Billing postal code', 'BillAddr', 'PostalCode'),
  billCountry: nested('Billing country', 'BillAddr', 'Country'),
  notes: top('Notes', 'Notes'),
};

export type ItemFieldKey = 'name' | 'sku' | 'description' | 'unitPrice' | 'purchaseCost' | 'active';

/** Item, "Products and Services" (https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/item). */
export const itemFields: Record<ItemFieldKey, FieldDef<QboItem>> = {
  name: top('Name', 'Name'),
  sku: top('SKU', 'Sku'),
  description: top('Sales description', 'Description'),
  unitPrice: money('Sales price', 'UnitPrice'),
  purchaseCost: money('Purchase cost', 'PurchaseCost'),
  active: flag('Active', 'Active'),
};
