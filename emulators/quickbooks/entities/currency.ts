/**
 * Multicurrency (https://developer.intuit.com/app/developer/qbo/docs/workflows/manage-multiple-currencies).
 * With `Preferences.CurrencyPrefs.MultiCurrencyEnabled`: a customer has one currency, set by ISO code and fixed once
 * it has transactions; invoices and payments must carry `CurrencyRef`, in their customer's currency, with an
 * `ExchangeRate` to the home currency (1 when omitted, https://github.com/intuit/quickbooks-online-mcp-server/issues/75);
 * amounts stay in the transaction currency and invoices add `HomeTotalAmt`/`HomeBalance`. Without it every entity is
 * in the home currency, as before.
 */
import { faults } from '../errors';
import { isObject, table, type Json, type JsonObject, type RealmState } from '../state/store';
import { round2 } from './refs';

/**
 * The ISO 4217 codes the emulator accepts, with the names QBO echoes in `CurrencyRef.name`. QBO's own list
 * is longer (every currency its exchange-rate feed has); these cover the seeds and tests.
 */
const CURRENCY_NAMES: Readonly<Record<string, string>> = {
  USD: 'United States Dollar',
  EUR: 'Euro',
  GBP: 'British Pound Sterling',
  CAD: 'Canadian Dollar',
  AUD: 'Australian Dollar',
  NZD: 'New Zealand Dollar',
  JPY: 'Japanese Yen',
  CHF: 'Swiss Franc',
  SEK: 'Swedish Krona',
  NOK: 'Norwegian Krone',
  DKK: 'Danish Krone',
  MXN: 'Mexican Peso',
  INR: 'Indian Rupee',
  SGD: 'Singapore Dollar',
  ZAR: 'South African Rand',
};

const refValue = (r: Json | undefined): string | undefined => (isObject(r) && typeof r.value === 'string' ? r.value : undefined);

const homeRef = (realm: RealmState): JsonObject => ({ value: realm.homeCurrency.value, name: realm.homeCurrency.name });

/** A `CurrencyRef` by ISO code (by code, not by a Currency entity Id: https://github.com/ej2/python-quickbooks/issues/344); an unknown code is 2500. */
export function currencyRef(ref: Json | undefined, element: string): JsonObject {
  const code = refValue(ref);
  if (code === undefined) throw faults.requiredParam(element);
  const name = CURRENCY_NAMES[code.toUpperCase()];
  if (name === undefined) throw faults.invalidReference(element, code);
  return { value: code.toUpperCase(), name };
}

export const currencyOf = (realm: RealmState, entity: JsonObject | undefined): string => refValue(entity?.CurrencyRef) ?? realm.homeCurrency.value;

function hasTransactions(realm: RealmState, customerId: string): boolean {
  const mine = (t: JsonObject) => refValue(t.CustomerRef) === customerId;
  return (['Invoice', 'Payment', 'CreditMemo'] as const).some((name) => [...table(realm, name).values()].some(mine));
}

/** The customer's `CurrencyRef`: the home currency unless multicurrency is on and another is asked for. */
export function customerCurrency(realm: RealmState, input: JsonObject, prior: JsonObject | undefined): JsonObject {
  if (!realm.multicurrency) return homeRef(realm);
  const asked = input.CurrencyRef === undefined ? (prior?.CurrencyRef ?? homeRef(realm)) : currencyRef(input.CurrencyRef, 'CurrencyRef');
  const wanted = refValue(asked);
  if (prior && wanted !== currencyOf(realm, prior) && hasTransactions(realm, String(prior.Id))) {
    // QBO fixes a customer's currency at creation; changing it before any transaction is allowed here. The fault text
    // is the emulator's own (README).
    throw faults.businessValidation(`You can't change the currency of customer ${String(prior.DisplayName)} because it has transactions.`);
  }
  return asked as JsonObject;
}

/**
 * `CurrencyRef` and `ExchangeRate` of an invoice, payment or credit memo for `customer`. Required with multicurrency on;
 * a currency other than the customer's is a 6000 business validation fault (text unconfirmed, README).
 */
export function transactionCurrency(
  realm: RealmState,
  input: JsonObject,
  customer: JsonObject,
  entity: 'Invoice' | 'Payment' | 'CreditMemo',
): { CurrencyRef: JsonObject; ExchangeRate?: number } {
  if (!realm.multicurrency) return { CurrencyRef: homeRef(realm) };
  const ref = currencyRef(input.CurrencyRef, 'CurrencyRef');
  const expected = currencyOf(realm, customer);
  if (ref.value !== expected) {
    throw faults.businessValidation(
      `The ${entity} currency (${String(ref.value)}) must match the currency of customer ${String(customer.DisplayName)} (${expected}).`,
    );
  }
  if (ref.value === realm.homeCurrency.value) return { CurrencyRef: ref, ExchangeRate: 1 };
  const rate = input.ExchangeRate === undefined ? 1 : Number(input.ExchangeRate);
  if (!(rate > 0)) throw faults.invalidValue('ExchangeRate', 'must be greater than 0');
  return { CurrencyRef: ref, ExchangeRate: rate };
}

/** An amount in the home currency (`HomeTotalAmt`, `HomeBalance`), when multicurrency is on. */
export const inHomeCurrency = (entity: JsonObject, amount: number): number => round2(amount * Number(entity.ExchangeRate ?? 1));
