import type { EntityName } from '../state/store';
import { companyInfo, preferencesDef } from './company';
import { creditMemo } from './credit-memo';
import { customer } from './customer';
import { invoice } from './invoice';
import { account, item, paymentMethod, taxCode, taxRate, term } from './lists';
import { payment } from './payment';
import type { EntityDef } from './types';

export const ENTITIES: Record<EntityName, EntityDef> = {
  Customer: customer,
  Item: item,
  Invoice: invoice,
  Payment: payment,
  CreditMemo: creditMemo,
  Account: account,
  TaxCode: taxCode,
  TaxRate: taxRate,
  Term: term,
  PaymentMethod: paymentMethod,
  CompanyInfo: companyInfo,
  Preferences: preferencesDef,
};

/** Entity names are matched case-insensitively: node-quickbooks sends `/companyInfo`, `/Invoice/1/pdf`, `select * from customer`. */
export function entityByName(name: string): EntityDef | undefined {
  const lower = name.toLowerCase();
  return Object.values(ENTITIES).find((d) => d.name.toLowerCase() === lower);
}
