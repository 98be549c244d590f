/**
 * Seeded companies. Sandbox companies come with a populated chart of accounts; the emulator's
 * is the minimum the sync needs: income, AR and Undeposited Funds accounts, a service item, terms,
 * payment methods. `non-us` is a UK company whose invoices need VAT codes. `multicurrency`
 * turns on `CurrencyPrefs.MultiCurrencyEnabled` for either (see entities/currency.ts).
 */
import { changeKey, emptyRealm, table, type EntityName, type JsonObject, type RealmState, type SeedKind } from './store';
import { metaTime } from '../time';

function put(realm: RealmState, name: EntityName, id: string, body: JsonObject, at: Date): void {
  const stamp = metaTime(at, realm.timeZone);
  table(realm, name).set(id, { ...body, domain: 'QBO', sparse: false, Id: id, SyncToken: '0', MetaData: { CreateTime: stamp, LastUpdatedTime: stamp } });
  realm.changedAt.set(changeKey(name, id), at);
  const n = Number(id);
  if (Number.isInteger(n) && n >= (realm.nextId.get(name) ?? 1)) realm.nextId.set(name, n + 1);
}

const account = (Name: string, AccountType: string, AccountSubType: string, Classification: string): JsonObject => ({
  Name,
  FullyQualifiedName: Name,
  AccountType,
  AccountSubType,
  Classification,
  Active: true,
  SubAccount: false,
  CurrentBalance: 0,
  CurrentBalanceWithSubAccounts: 0,
});

export function seedRealm(realmId: string, kind: SeedKind, at: Date, multicurrency = false, companyName?: string): RealmState {
  const realm = emptyRealm(realmId, kind, multicurrency);
  const us = kind === 'us';
  const currency = { value: realm.homeCurrency.value, name: realm.homeCurrency.name };
  const accounts: [string, JsonObject][] = [
    ['1', account('Services', 'Income', 'ServiceFeeIncome', 'Revenue')],
    ['2', account('Sales of Product Income', 'Income', 'SalesOfProductIncome', 'Revenue')],
    ['3', account(us ? 'Accounts Receivable (A/R)' : 'Debtors', 'Accounts Receivable', 'AccountsReceivable', 'Asset')],
    ['4', account('Undeposited Funds', 'Other Current Asset', 'UndepositedFunds', 'Asset')],
    ['5', account(us ? 'Checking' : 'Current', 'Bank', 'Checking', 'Asset')],
    ['6', account('Cost of Goods Sold', 'Cost of Goods Sold', 'SuppliesMaterialsCogs', 'Expense')],
    ['7', account('Inventory Asset', 'Other Current Asset', 'Inventory', 'Asset')],
  ];
  for (const [id, a] of accounts) put(realm, 'Account', id, { ...a, CurrencyRef: currency }, at);

  if (us) {
    // US companies use the pseudo tax codes TAX and NON on lines (automated sales tax computes the rest).
    put(realm, 'TaxCode', 'TAX', { Name: 'TAX', Description: 'TAX', Active: true, Taxable: true, TaxGroup: false }, at);
    put(realm, 'TaxCode', 'NON', { Name: 'NON', Description: 'NON', Active: true, Taxable: false, TaxGroup: false }, at);
  } else {
    const rates: [string, string, number][] = [
      ['1', '20.0% S', 20],
      ['2', '5.0% R', 5],
      ['3', '0.0% Z', 0],
    ];
    for (const [id, Name, RateValue] of rates) {
      put(
        realm,
        'TaxRate',
        id,
        { Name, Description: Name, Active: true, RateValue, AgencyRef: { value: '1' }, SpecialTaxType: 'NONE', DisplayType: 'ReadOnly' },
        at,
      );
    }
    const codes: [string, string, string][] = [
      ['2', '20.0% S', '1'],
      ['3', '5.0% R', '2'],
      ['4', '0.0% Z', '3'],
    ];
    for (const [id, Name, rateId] of codes) {
      put(
        realm,
        'TaxCode',
        id,
        {
          Name,
          Description: Name,
          Active: true,
          Taxable: true,
          TaxGroup: false,
          Hidden: false,
          SalesTaxRateList: { TaxRateDetail: [{ TaxRateRef: { value: rateId, name: Name }, TaxTypeApplicable: 'TaxOnAmount', TaxOrder: 0 }] },
          PurchaseTaxRateList: { TaxRateDetail: [] },
        },
        at,
      );
    }
  }

  put(
    realm,
    'Item',
    '1',
    {
      Name: 'Services',
      FullyQualifiedName: 'Services',
      Active: true,
      Type: 'Service',
      Taxable: us ? false : true,
      UnitPrice: 0,
      PurchaseCost: 0,
      TrackQtyOnHand: false,
      IncomeAccountRef: { value: '1', name: 'Services' },
      ...(us ? {} : { SalesTaxCodeRef: { value: '2', name: '20.0% S' } }),
    },
    at,
  );

  const terms: [string, string, number][] = [
    ['1', 'Due on receipt', 0],
    ['2', 'Net 15', 15],
    ['3', 'Net 30', 30],
    ['4', 'Net 60', 60],
  ];
  for (const [id, Name, DueDays] of terms) put(realm, 'Term', id, { Name, Active: true, Type: 'STANDARD', DueDays, DiscountDays: 0 }, at);

  const methods: [string, string, string][] = [
    ['1', 'Cash', 'NON_CREDIT_CARD'],
    ['2', 'Check', 'NON_CREDIT_CARD'],
    ['3', 'Visa', 'CREDIT_CARD'],
    ['4', 'MasterCard', 'CREDIT_CARD'],
  ];
  for (const [id, Name, Type] of methods) put(realm, 'PaymentMethod', id, { Name, Active: true, Type }, at);

  put(
    realm,
    'CompanyInfo',
    '1',
    {
      CompanyName: companyName ?? (us ? 'Emulated Company US' : 'Emulated Company UK'),
      LegalName: us ? 'Emulated Company US LLC' : 'Emulated Company UK Ltd',
      CompanyAddr: us
        ? { Id: '1', Line1: '2600 Marine Way', City: 'Mountain View', CountrySubDivisionCode: 'CA', PostalCode: '94043', Country: 'US' }
        : { Id: '1', Line1: '1 Poultry', City: 'London', PostalCode: 'EC2R 8EJ', Country: 'GB' },
      CompanyEmailAddr: { Address: 'noreply@quickbooks.example' },
      Country: us ? 'US' : 'GB',
      FiscalYearStartMonth: 'January',
      DefaultTimeZone: realm.timeZone,
      SupportedLanguages: 'en',
      NameValue: [
        { Name: 'NeoEnabled', Value: 'true' },
        { Name: 'IsQbdtMigrated', Value: 'false' },
        { Name: 'SubscriptionStatus', Value: 'SUBSCRIBED' },
        { Name: 'OfferingSku', Value: 'QuickBooks Online Plus' },
      ],
    },
    at,
  );

  put(
    realm,
    'Preferences',
    '1',
    {
      AccountingInfoPrefs: { TrackDepartments: false, ClassTrackingPerTxn: false, ClassTrackingPerTxnLine: false, CustomerTerminology: 'Customers' },
      ProductAndServicesPrefs: { ForSales: true, ForPurchase: true, QuantityWithPriceAndRate: true, QuantityOnHand: true },
      SalesFormsPrefs: {
        CustomField: [
          {
            CustomField: [
              { Name: 'SalesFormsPrefs.UseSalesCustom1', Type: 'BooleanType', BooleanValue: true },
              { Name: 'SalesFormsPrefs.UseSalesCustom2', Type: 'BooleanType', BooleanValue: false },
              { Name: 'SalesFormsPrefs.UseSalesCustom3', Type: 'BooleanType', BooleanValue: false },
            ],
          },
          { CustomField: [{ Name: 'SalesFormsPrefs.SalesCustomName1', Type: 'StringType', StringValue: 'HubSpot Deal' }] },
        ],
        CustomTxnNumbers: false,
        AllowDeposit: false,
        AllowDiscount: true,
        AllowEstimates: true,
        AllowServiceDate: false,
        AllowShipping: false,
        DefaultTerms: { value: '3' },
        ETransactionEnabledStatus: 'NotApplicable',
        IPNSupportEnabled: false,
        AutoApplyCredit: true,
        UsingPriceLevels: false,
        UsingProgressInvoicing: false,
        EmailCopyToCompany: false,
      },
      EmailMessagesPrefs: { InvoiceMessage: { Subject: 'Invoice from {CompanyName}', Message: 'Thank you for your business.' } },
      VendorAndPurchasesPrefs: { TrackingByCustomer: true, BillableExpenseTracking: true },
      TaxPrefs: us ? { UsingSalesTax: false, PartnerTaxEnabled: true } : { UsingSalesTax: true, TaxGroupCodeRef: { value: '2' } },
      CurrencyPrefs: { MultiCurrencyEnabled: multicurrency, HomeCurrency: { value: realm.homeCurrency.value } },
      ReportPrefs: { ReportBasis: 'Accrual', CalcAgingReportFromTxnDate: false },
      OtherPrefs: { NameValue: [{ Name: 'SalesFormsPrefs.DefaultCustomerMessage', Value: 'Thank you for your business.' }] },
    },
    at,
  );
  return realm;
}
