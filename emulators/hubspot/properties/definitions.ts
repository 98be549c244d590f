import type { ObjectTypeName } from '../objects/types';

/**
 * Property definitions, shaped like the Properties API `Property` model
 * (https://developers.hubspot.com/docs/api-reference/legacy/crm/properties/guide).
 */
export type PropertyType = 'string' | 'number' | 'date' | 'datetime' | 'enumeration' | 'bool';

export interface PropertyOption {
  label: string;
  value: string;
  displayOrder: number;
  hidden: boolean;
  description?: string;
}

export interface PropertyDefinition {
  name: string;
  label: string;
  type: PropertyType;
  fieldType: string;
  groupName: string;
  description: string;
  options: PropertyOption[];
  displayOrder: number;
  hasUniqueValue: boolean;
  hidden: boolean;
  formField: boolean;
  hubspotDefined: boolean;
  calculated: boolean;
  externalOptions: boolean;
  /**
   * `modificationMetadata.readOnlyValue`: how API users detect system-set properties
   * (https://github.com/HubSpot/hubspot-api-nodejs/blob/master/codegen/crm/properties/models/PropertyModificationMetadata.ts).
   */
  readOnlyValue: boolean;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

export interface PropertyGroup {
  name: string;
  label: string;
  displayOrder: number;
  archived: boolean;
}

/** Valid type/fieldType pairs (https://developers.hubspot.com/docs/api-reference/legacy/crm/properties/guide, "Property type and fieldType values"). */
export const VALID_FIELD_TYPES: Record<PropertyType, readonly string[]> = {
  bool: ['booleancheckbox', 'calculation_equation'],
  enumeration: ['booleancheckbox', 'checkbox', 'radio', 'select', 'calculation_equation'],
  date: ['date'],
  datetime: ['date'],
  string: ['text', 'textarea', 'file', 'html', 'phonenumber', 'calculation_equation'],
  number: ['number', 'calculation_equation'],
};

type Seed = [name: string, type: PropertyType, opts?: { readOnly?: boolean; unique?: boolean; options?: string[]; label?: string; group?: string }];

const SYSTEM_EPOCH = '2019-08-06T02:43:01.415Z';

const COMMON: Seed[] = [
  ['hs_object_id', 'number', { readOnly: true, unique: true, label: 'Record ID' }],
  ['createdate', 'datetime', { readOnly: true, label: 'Create Date' }],
  ['hs_lastmodifieddate', 'datetime', { readOnly: true, label: 'Last Modified Date' }],
];

const LINE_ITEM_LIKE: Seed[] = [
  ['name', 'string'],
  ['description', 'string'],
  ['price', 'number', { label: 'Unit price' }],
  ['hs_sku', 'string', { label: 'SKU' }],
  ['hs_cost_of_goods_sold', 'number'],
  ['hs_recurring_billing_period', 'string'],
  [
    'recurringbillingfrequency',
    'enumeration',
    {
      options: [
        'weekly',
        'biweekly',
        'monthly',
        'quarterly',
        'per_six_months',
        'annually',
        'per_two_years',
        'per_three_years',
        'per_four_years',
        'per_five_years',
      ],
    },
  ],
  ['hs_tax_rate_group_id', 'string'],
];

/** A discount, fee or tax: a label, and a percentage of the invoice or a fixed amount (https://developers.hubspot.com/docs/api-reference/2026-03/crm/objects/taxes/guide). */
const PRICING_ADJUSTMENT: Seed[] = [
  ...COMMON,
  ['hs_label', 'string'],
  ['hs_type', 'enumeration', { options: ['PERCENT', 'FIXED'] }],
  ['hs_value', 'number'],
  ['hs_sort_order', 'number'],
];

/** Currency properties (`deal_currency_code`, `hs_line_item_currency_code`, `hs_currency`) get the portal's currencies as options (currencies.ts). */
const SEEDS: Record<ObjectTypeName, Seed[]> = {
  contacts: [
    ...COMMON,
    ['lastmodifieddate', 'datetime', { readOnly: true }],
    ['email', 'string', { unique: true, label: 'Email' }],
    // Labels as HubSpot's contact properties show them in the CRM and the properties API.
    ['firstname', 'string', { label: 'First Name' }],
    ['lastname', 'string', { label: 'Last Name' }],
    ['phone', 'string', { label: 'Phone Number' }],
    ['mobilephone', 'string', { label: 'Mobile Phone Number' }],
    ['company', 'string', { label: 'Company Name' }],
    ['website', 'string', { label: 'Website URL' }],
    ['address', 'string', { label: 'Street Address' }],
    ['city', 'string', { label: 'City' }],
    ['state', 'string', { label: 'State/Region' }],
    ['zip', 'string', { label: 'Postal Code' }],
    ['country', 'string', { label: 'Country/Region' }],
    ['jobtitle', 'string', { label: 'Job Title' }],
    ['hs_additional_emails', 'string', { readOnly: true }],
    [
      'lifecyclestage',
      'enumeration',
      { options: ['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist', 'other'] },
    ],
  ],
  companies: [
    ...COMMON,
    ['name', 'string'],
    ['domain', 'string'],
    ['website', 'string'],
    ['phone', 'string'],
    ['address', 'string'],
    ['city', 'string'],
    ['state', 'string'],
    ['zip', 'string'],
    ['country', 'string'],
    ['industry', 'string'],
  ],
  deals: [
    ...COMMON,
    ['dealname', 'string', { label: 'Deal Name' }],
    ['amount', 'number', { label: 'Amount' }],
    ['closedate', 'datetime', { label: 'Close Date' }],
    ['pipeline', 'enumeration', { label: 'Pipeline' }],
    ['dealstage', 'enumeration', { label: 'Deal Stage' }],
    ['dealtype', 'enumeration', { options: ['newbusiness', 'existingbusiness'], label: 'Deal Type' }],
    ['description', 'string'],
    ['deal_currency_code', 'enumeration'],
    ['hubspot_owner_id', 'enumeration'],
  ],
  products: [...COMMON, ...LINE_ITEM_LIKE, ['hs_folder_id', 'number']],
  line_items: [
    ...COMMON,
    ...LINE_ITEM_LIKE,
    ['hs_product_id', 'number', { label: 'Product ID' }],
    ['quantity', 'number'],
    // "Net price": calculated by HubSpot (https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/line-items/guide,
    // https://knowledge.hubspot.com/properties/hubspots-default-line-item-properties).
    ['amount', 'number', { readOnly: true, label: 'Net price' }],
    ['discount', 'number', { label: 'Unit discount' }],
    ['hs_discount_percentage', 'number', { label: 'Discount percentage' }],
    ['hs_total_discount', 'number', { readOnly: true }],
    ['hs_pre_discount_amount', 'number', { readOnly: true }],
    ['hs_line_item_currency_code', 'enumeration'],
    ['hs_recurring_billing_start_date', 'date'],
    ['hs_recurring_billing_end_date', 'date'],
  ],
  invoices: [
    ...COMMON,
    ['hs_createdate', 'datetime', { readOnly: true }],
    ['hs_currency', 'enumeration'],
    ['hs_invoice_date', 'datetime'],
    ['hs_due_date', 'datetime'],
    ['hs_invoice_status', 'enumeration', { options: ['draft', 'open', 'paid', 'voided'] }],
    ['hs_number', 'string'],
    ['hs_title', 'string'],
    ['hs_amount_billed', 'number'],
    ['hs_balance_due', 'number'],
    ['hs_invoice_billable', 'bool'],
    ['hs_purchase_order_number', 'string'],
    ['hs_comments', 'string'],
    ['hs_tax_id', 'string'],
    ['hs_language', 'string'],
    ['hs_locale', 'string'],
    ['hs_invoice_link', 'string'],
    ['hs_pdf_download_link', 'string'],
    ['hs_invoice_payment_collection_method', 'enumeration', { options: ['manual', 'none'] }],
    ['hs_allow_partial_payments', 'bool'],
  ],
  discounts: PRICING_ADJUSTMENT,
  fees: PRICING_ADJUSTMENT,
  taxes: PRICING_ADJUSTMENT,
};

const DEFAULT_FIELD_TYPE: Record<PropertyType, string> = {
  string: 'text',
  number: 'number',
  date: 'date',
  datetime: 'date',
  enumeration: 'select',
  bool: 'booleancheckbox',
};

export const DEFAULT_GROUP: Record<ObjectTypeName, string> = {
  contacts: 'contactinformation',
  companies: 'companyinformation',
  deals: 'dealinformation',
  products: 'productinformation',
  line_items: 'lineiteminformation',
  invoices: 'invoiceinformation',
  discounts: 'discountinformation',
  fees: 'feeinformation',
  taxes: 'taxinformation',
};

const label = (name: string) =>
  name
    .replace(/^hs_/, '')
    .replace(/_/g, ' ')
    .replace(/^./, (c) => c.toUpperCase());

export function defaultPropertyDefinitions(type: ObjectTypeName): PropertyDefinition[] {
  return SEEDS[type].map(([name, propertyType, o = {}], i) => ({
    name,
    label: o.label ?? label(name),
    type: propertyType,
    fieldType: propertyType === 'bool' ? 'booleancheckbox' : DEFAULT_FIELD_TYPE[propertyType],
    groupName: o.group ?? DEFAULT_GROUP[type],
    description: '',
    options:
      propertyType === 'bool'
        ? [
            { label: 'Yes', value: 'true', displayOrder: 0, hidden: false },
            { label: 'No', value: 'false', displayOrder: 1, hidden: false },
          ]
        : (o.options ?? []).map((value, displayOrder) => ({ label: label(value), value, displayOrder, hidden: false })),
    displayOrder: i,
    hasUniqueValue: o.unique ?? false,
    hidden: false,
    formField: !o.readOnly,
    hubspotDefined: true,
    calculated: name === 'amount' && type === 'line_items',
    externalOptions: name === 'pipeline' || name === 'dealstage' || name === 'hubspot_owner_id',
    readOnlyValue: o.readOnly ?? false,
    createdAt: SYSTEM_EPOCH,
    updatedAt: SYSTEM_EPOCH,
    archived: false,
  }));
}

export function defaultPropertyGroups(type: ObjectTypeName): PropertyGroup[] {
  return [{ name: DEFAULT_GROUP[type], label: `${label(type)} information`, displayOrder: -1, archived: false }];
}

/** The API shape of a property (SDK `Property` model), with `modificationMetadata`. */
export function toApiProperty(p: PropertyDefinition) {
  return {
    updatedAt: p.updatedAt,
    createdAt: p.createdAt,
    name: p.name,
    label: p.label,
    type: p.type,
    fieldType: p.fieldType,
    description: p.description,
    groupName: p.groupName,
    options: p.options,
    displayOrder: p.displayOrder,
    calculated: p.calculated,
    externalOptions: p.externalOptions,
    hasUniqueValue: p.hasUniqueValue,
    hidden: p.hidden,
    hubspotDefined: p.hubspotDefined,
    modificationMetadata: {
      archivable: !p.hubspotDefined,
      readOnlyDefinition: p.hubspotDefined,
      readOnlyValue: p.readOnlyValue,
    },
    formField: p.formField,
    archived: p.archived,
  };
}
