/**
 * Raw QBO entity shapes (https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/<entity>),
 * parsed at the boundary. They keep QBO's casing, require only what QBO always returns, and pass unknown keys through:
 * QBO adds fields without bumping the minor version
 * (https://blogs.intuit.com/2025/01/21/changes-to-our-accounting-api-that-may-impact-your-application/), and a full
 * update must be able to send them back. Responses omit empty fields rather than sending null
 * (https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/data-queries), so
 * absence is "not set".
 */
import { z } from 'zod';

const ref = z.looseObject({ value: z.string(), name: z.string().optional() });

export const qboMetaDataSchema = z.looseObject({
  CreateTime: z.string().optional(),
  LastUpdatedTime: z.string().optional(),
});

const entity = {
  // Id and SyncToken are strings.
  Id: z.string(),
  SyncToken: z.string(),
  MetaData: qboMetaDataSchema.optional(),
};

const address = z.looseObject({
  Id: z.string().optional(),
  Line1: z.string().optional(),
  Line2: z.string().optional(),
  Line3: z.string().optional(),
  Line4: z.string().optional(),
  Line5: z.string().optional(),
  City: z.string().optional(),
  Country: z.string().optional(),
  CountryCode: z.string().optional(),
  CountrySubDivisionCode: z.string().optional(),
  PostalCode: z.string().optional(),
});

const phone = z.looseObject({ FreeFormNumber: z.string().optional() });
const email = z.looseObject({ Address: z.string().optional() });

/** https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/customer */
export const qboCustomerSchema = z.looseObject({
  ...entity,
  DisplayName: z.string(),
  Title: z.string().optional(),
  GivenName: z.string().optional(),
  MiddleName: z.string().optional(),
  FamilyName: z.string().optional(),
  Suffix: z.string().optional(),
  CompanyName: z.string().optional(),
  FullyQualifiedName: z.string().optional(),
  PrimaryEmailAddr: email.optional(),
  PrimaryPhone: phone.optional(),
  Mobile: phone.optional(),
  AlternatePhone: phone.optional(),
  Fax: phone.optional(),
  WebAddr: z.looseObject({ URI: z.string().optional() }).optional(),
  BillAddr: address.optional(),
  ShipAddr: address.optional(),
  Notes: z.string().optional(),
  Active: z.boolean().optional(),
  Taxable: z.boolean().optional(),
  Balance: z.number().optional(),
  BalanceWithJobs: z.number().optional(),
  CurrencyRef: ref.optional(),
});

/**
 * The item types that are things a business sells at a price
 * (https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/item, `ItemTypeEnum`): a HubSpot
 * product can be one of these. Category (a folder of items), Group (a bundle of other items), Discount, Tax, Payment,
 * Subtotal and the like are not.
 */
export const SELLABLE_ITEM_TYPES = ['Service', 'NonInventory', 'Inventory'] as const;
export type SellableItemType = (typeof SELLABLE_ITEM_TYPES)[number];

/** https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/item */
export const qboItemSchema = z.looseObject({
  ...entity,
  Name: z.string(),
  FullyQualifiedName: z.string().optional(),
  Sku: z.string().optional(),
  Description: z.string().optional(),
  PurchaseDesc: z.string().optional(),
  UnitPrice: z.number().optional(),
  PurchaseCost: z.number().optional(),
  Active: z.boolean().optional(),
  Taxable: z.boolean().optional(),
  Type: z.string().optional(),
  SalesTaxCodeRef: ref.optional(),
  IncomeAccountRef: ref.optional(),
  ExpenseAccountRef: ref.optional(),
  AssetAccountRef: ref.optional(),
  TrackQtyOnHand: z.boolean().optional(),
  QtyOnHand: z.number().optional(),
});

/** https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/account */
export const qboAccountSchema = z.looseObject({
  ...entity,
  Name: z.string(),
  FullyQualifiedName: z.string().optional(),
  AccountType: z.string().optional(),
  AccountSubType: z.string().optional(),
  Classification: z.string().optional(),
  AcctNum: z.string().optional(),
  Active: z.boolean().optional(),
  CurrentBalance: z.number().optional(),
  CurrencyRef: ref.optional(),
});

const linkedTxn = z.looseObject({ TxnId: z.string(), TxnType: z.string(), TxnLineId: z.string().optional() });

const salesLine = z.looseObject({
  Id: z.string().optional(),
  LineNum: z.number().optional(),
  Description: z.string().optional(),
  Amount: z.number().optional(),
  DetailType: z.string(),
  SalesItemLineDetail: z
    .looseObject({
      ItemRef: ref.optional(),
      Qty: z.number().optional(),
      UnitPrice: z.number().optional(),
      TaxCodeRef: ref.optional(),
      ServiceDate: z.string().optional(),
    })
    .optional(),
});

/**
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice; TotalAmt and Balance are
 * computed by QBO, so they are always present on a read.
 */
export const qboInvoiceSchema = z.looseObject({
  ...entity,
  DocNumber: z.string().optional(),
  TxnDate: z.string().optional(),
  DueDate: z.string().optional(),
  CustomerRef: ref,
  Line: z.array(salesLine),
  TotalAmt: z.number(),
  Balance: z.number(),
  CurrencyRef: ref.optional(),
  ExchangeRate: z.number().optional(),
  BillEmail: email.optional(),
  EmailStatus: z.string().optional(),
  PrintStatus: z.string().optional(),
  PrivateNote: z.string().optional(),
  CustomerMemo: z.looseObject({ value: z.string() }).optional(),
  LinkedTxn: z.array(linkedTxn).optional(),
  CustomField: z
    .array(z.looseObject({ DefinitionId: z.string(), Name: z.string().optional(), Type: z.string().optional(), StringValue: z.string().optional() }))
    .optional(),
  TxnTaxDetail: z.looseObject({ TotalTax: z.number().optional() }).optional(),
  SalesTermRef: ref.optional(),
  InvoiceLink: z.string().optional(),
});

/** Payment terms (a name list): `DueDays` after the invoice date for STANDARD terms; an invoice's DueDate defaults from them. */
export const qboTermSchema = z.looseObject({
  ...entity,
  Name: z.string(),
  Active: z.boolean().optional(),
  Type: z.string().optional(),
  DueDays: z.number().optional(),
});

/** Sales tax codes of global (non-US) companies; US companies use only the pseudo codes TAX and NON on lines. */
export const qboTaxCodeSchema = z.looseObject({
  Id: z.string(),
  SyncToken: z.string().optional(),
  MetaData: qboMetaDataSchema.optional(),
  Name: z.string(),
  Description: z.string().optional(),
  Active: z.boolean().optional(),
  Taxable: z.boolean().optional(),
});

/** https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/payment */
export const qboPaymentSchema = z.looseObject({
  ...entity,
  CustomerRef: ref,
  TotalAmt: z.number(),
  TxnDate: z.string().optional(),
  UnappliedAmt: z.number().optional(),
  PaymentRefNum: z.string().optional(),
  PaymentMethodRef: ref.optional(),
  DepositToAccountRef: ref.optional(),
  PrivateNote: z.string().optional(),
  CurrencyRef: ref.optional(),
  Line: z.array(z.looseObject({ Amount: z.number().optional(), LinkedTxn: z.array(linkedTxn).optional() })).optional(),
});

/**
 * A CDC tombstone
 * (https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/change-data-capture):
 * `{"Id","status":"Deleted","domain":"QBO","MetaData":{"LastUpdatedTime"}}`.
 */
export const qboDeletedSchema = z.looseObject({
  Id: z.string(),
  status: z.literal('Deleted'),
  MetaData: qboMetaDataSchema.optional(),
});

/** https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/companyinfo */
export const qboCompanyInfoSchema = z.looseObject({
  Id: z.string(),
  CompanyName: z.string(),
  LegalName: z.string().optional(),
  Country: z.string().optional(),
  DefaultTimeZone: z.string().optional(),
  CompanyAddr: address.optional(),
  NameValue: z.array(z.looseObject({ Name: z.string(), Value: z.string() })).optional(),
});

const customFieldDef = z.looseObject({
  Name: z.string(),
  Type: z.string(),
  StringValue: z.string().optional(),
  BooleanValue: z.boolean().optional(),
});

/**
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/preferences: the blocks the sync
 * reads (currency, sales-form custom fields and numbering, tax).
 */
export const qboPreferencesSchema = z.looseObject({
  CurrencyPrefs: z.looseObject({ MultiCurrencyEnabled: z.boolean().optional(), HomeCurrency: z.looseObject({ value: z.string() }).optional() }).optional(),
  SalesFormsPrefs: z
    .looseObject({
      CustomTxnNumbers: z.boolean().optional(),
      CustomField: z.array(z.looseObject({ CustomField: z.array(customFieldDef).optional() })).optional(),
    })
    .optional(),
  TaxPrefs: z.looseObject({ UsingSalesTax: z.boolean().optional(), PartnerTaxEnabled: z.boolean().optional() }).optional(),
});

export type QboCustomer = z.infer<typeof qboCustomerSchema>;
export type QboItem = z.infer<typeof qboItemSchema>;
export type QboAccount = z.infer<typeof qboAccountSchema>;
export type QboInvoice = z.infer<typeof qboInvoiceSchema>;
export type QboPayment = z.infer<typeof qboPaymentSchema>;
export type QboTerm = z.infer<typeof qboTermSchema>;
export type QboTaxCode = z.infer<typeof qboTaxCodeSchema>;
export type QboDeleted = z.infer<typeof qboDeletedSchema>;
export type QboCompanyInfo = z.infer<typeof qboCompanyInfoSchema>;
export type QboPreferences = z.infer<typeof qboPreferencesSchema>;

/** The entities the adapter reads and writes, by their QBO name. */
export const qboEntitySchemas = {
  Customer: qboCustomerSchema,
  Item: qboItemSchema,
  Invoice: qboInvoiceSchema,
  Payment: qboPaymentSchema,
  Account: qboAccountSchema,
  Term: qboTermSchema,
  TaxCode: qboTaxCodeSchema,
} as const;

export type QboEntityName = keyof typeof qboEntitySchemas;

export interface QboEntityMap {
  Customer: QboCustomer;
  Item: QboItem;
  Invoice: QboInvoice;
  Payment: QboPayment;
  Account: QboAccount;
  Term: QboTerm;
  TaxCode: QboTaxCode;
}
