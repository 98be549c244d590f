import { HubSpotError } from '../errors';

/**
 * The CRM object types the emulator serves, with the facts that differ per type: type ids and required properties
 * (https://developers.hubspot.com/docs/api-reference/legacy/crm/using-object-apis), default and searchable properties
 * (https://developers.hubspot.com/docs/api-reference/latest/crm/search-the-crm).
 */
export type ObjectTypeName = 'contacts' | 'companies' | 'deals' | 'products' | 'line_items' | 'invoices' | 'discounts' | 'fees' | 'taxes';

export interface ObjectTypeInfo {
  name: ObjectTypeName;
  typeId: string;
  singular: string;
  /** Legacy webhook prefix (`contact.creation`); `undefined` = only `object.*` subscriptions exist. */
  webhookPrefix?: string;
  /** Upper-case name used by workflow actions and app events (`DEAL`, `CONTACT`). */
  upperName: string;
  lastModifiedProperty: string;
  defaultProperties: readonly string[];
  /** Properties a create must carry (https://developers.hubspot.com/docs/api-reference/legacy/crm/using-object-apis, "Required properties"); each inner list is any-of. */
  requiredOnCreate: readonly (readonly string[])[];
  /** Properties searched by the free-text `query` (https://developers.hubspot.com/docs/api-reference/latest/crm/search-the-crm, "default searchable properties"). */
  queryProperties: readonly string[];
  readScopes: readonly string[];
  writeScopes: readonly string[];
}

const crmScopes = (obj: string) => ({
  readScopes: [`crm.objects.${obj}.read`],
  writeScopes: [`crm.objects.${obj}.write`],
});

export const OBJECT_TYPES: Record<ObjectTypeName, ObjectTypeInfo> = {
  contacts: {
    name: 'contacts',
    typeId: '0-1',
    singular: 'contact',
    webhookPrefix: 'contact',
    upperName: 'CONTACT',
    lastModifiedProperty: 'lastmodifieddate',
    defaultProperties: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
    requiredOnCreate: [],
    queryProperties: ['firstname', 'lastname', 'email', 'phone', 'company', 'hs_additional_emails'],
    ...crmScopes('contacts'),
  },
  companies: {
    name: 'companies',
    typeId: '0-2',
    singular: 'company',
    webhookPrefix: 'company',
    upperName: 'COMPANY',
    lastModifiedProperty: 'hs_lastmodifieddate',
    defaultProperties: ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'],
    requiredOnCreate: [['domain', 'name']],
    queryProperties: ['name', 'website', 'domain', 'phone'],
    ...crmScopes('companies'),
  },
  deals: {
    name: 'deals',
    typeId: '0-3',
    singular: 'deal',
    webhookPrefix: 'deal',
    upperName: 'DEAL',
    lastModifiedProperty: 'hs_lastmodifieddate',
    defaultProperties: ['amount', 'closedate', 'createdate', 'dealname', 'dealstage', 'hs_lastmodifieddate', 'hs_object_id', 'pipeline'],
    requiredOnCreate: [['dealname'], ['dealstage'], ['pipeline']],
    queryProperties: ['dealname', 'pipeline', 'dealstage', 'description', 'dealtype'],
    ...crmScopes('deals'),
  },
  products: {
    name: 'products',
    typeId: '0-7',
    singular: 'product',
    webhookPrefix: 'product',
    upperName: 'PRODUCT',
    lastModifiedProperty: 'hs_lastmodifieddate',
    defaultProperties: ['createdate', 'description', 'hs_lastmodifieddate', 'hs_object_id', 'name', 'price'],
    // The docs table lists hs_sku, hs_folder, price, name, description, but the products guide
    // (https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/products/guide) creates a product with
    // name/price/hs_sku/description only; the emulator requires `name`, the one all examples send.
    requiredOnCreate: [['name']],
    queryProperties: ['name', 'description', 'price', 'hs_sku'],
    // Products were long gated by the `e-commerce` scope; granular product scopes are accepted too.
    readScopes: ['e-commerce', 'crm.objects.products.read'],
    writeScopes: ['e-commerce', 'crm.objects.products.write'],
  },
  line_items: {
    name: 'line_items',
    typeId: '0-8',
    singular: 'line_item',
    webhookPrefix: 'line_item',
    upperName: 'LINE_ITEM',
    lastModifiedProperty: 'hs_lastmodifieddate',
    defaultProperties: ['amount', 'createdate', 'hs_lastmodifieddate', 'hs_object_id', 'price', 'quantity'],
    requiredOnCreate: [],
    queryProperties: ['name', 'description', 'hs_sku'],
    ...crmScopes('line_items'),
  },
  invoices: {
    name: 'invoices',
    typeId: '0-53',
    singular: 'invoice',
    upperName: 'INVOICE',
    lastModifiedProperty: 'hs_lastmodifieddate',
    defaultProperties: ['createdate', 'hs_lastmodifieddate', 'hs_object_id'],
    requiredOnCreate: [['hs_currency']],
    queryProperties: ['hs_number', 'hs_title'],
    ...crmScopes('invoices'),
  },
  // Order-level discounts, fees and taxes, applied to invoices in that order
  // (https://developers.hubspot.com/docs/api-reference/2026-03/crm/objects/taxes/guide, …/fees/guide, …/discounts/guide);
  // the fees guide names the line-item scopes for all three. The type ids are unconfirmed in the docs read (the
  // emulator's choice); the app addresses these objects by name only.
  ...pricingAdjustment('discounts', '0-84', 'discount', 'DISCOUNT'),
  ...pricingAdjustment('fees', '0-85', 'fee', 'FEE'),
  ...pricingAdjustment('taxes', '0-86', 'tax', 'TAX'),
};

function pricingAdjustment(name: 'discounts' | 'fees' | 'taxes', typeId: string, singular: string, upperName: string): Record<typeof name, ObjectTypeInfo> {
  const info: ObjectTypeInfo = {
    name,
    typeId,
    singular,
    upperName,
    lastModifiedProperty: 'hs_lastmodifieddate',
    defaultProperties: ['createdate', 'hs_label', 'hs_lastmodifieddate', 'hs_object_id', 'hs_type', 'hs_value'],
    requiredOnCreate: [['hs_label'], ['hs_type'], ['hs_value']],
    queryProperties: ['hs_label'],
    ...crmScopes('line_items'),
  };
  return { [name]: info } as Record<typeof name, ObjectTypeInfo>;
}

export const OBJECT_TYPE_NAMES = Object.keys(OBJECT_TYPES) as ObjectTypeName[];

/**
 * Path object types accept the plural name, the singular name or the type id
 * (https://developers.hubspot.com/docs/api-reference/legacy/crm/using-object-apis,
 * https://developers.hubspot.com/docs/api-reference/crm-associations-v4/guide): `contacts`, `contact`, `0-1`.
 */
export function resolveObjectType(raw: string): ObjectTypeInfo | undefined {
  const key = raw.toLowerCase();
  return Object.values(OBJECT_TYPES).find((t) => t.name === key || t.singular === key || t.typeId === key || t.name.replace('_', '') === key);
}

export function requireObjectType(raw: string): ObjectTypeInfo {
  const type = resolveObjectType(raw);
  if (!type) {
    throw new HubSpotError(400, {
      message: `Unable to infer object type from: ${raw}`,
      category: 'VALIDATION_ERROR',
    });
  }
  return type;
}
