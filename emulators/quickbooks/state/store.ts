/**
 * In-memory state of one emulated QBO company (realm). Entities are stored in their response shape
 * (PascalCase JSON, string Ids); deleted transactions leave a tombstone for CDC
 * (https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/change-data-capture).
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export type EntityName =
  'Customer' | 'Item' | 'Invoice' | 'Payment' | 'CreditMemo' | 'Account' | 'TaxCode' | 'TaxRate' | 'Term' | 'PaymentMethod' | 'CompanyInfo' | 'Preferences';

export const ENTITY_NAMES: readonly EntityName[] = [
  'Customer',
  'Item',
  'Invoice',
  'Payment',
  'CreditMemo',
  'Account',
  'TaxCode',
  'TaxRate',
  'Term',
  'PaymentMethod',
  'CompanyInfo',
  'Preferences',
];

export interface Tombstone {
  Id: string;
  deletedAt: Date;
}

export interface StoredResponse {
  status: number;
  body: string;
  contentType: string;
}

export type SeedKind = 'us' | 'non-us';

export interface RealmState {
  realmId: string;
  seed: SeedKind;
  timeZone: string;
  homeCurrency: { value: string; name: string };
  /** `Preferences.CurrencyPrefs.MultiCurrencyEnabled`; once on, QBO never turns it off (https://developer.intuit.com/app/developer/qbo/docs/workflows/manage-multiple-currencies). */
  multicurrency: boolean;
  entities: Map<EntityName, Map<string, JsonObject>>;
  /** When each stored entity last changed, as an instant (MetaData holds the local-offset string). */
  changedAt: Map<string, Date>;
  tombstones: Map<EntityName, Map<string, Tombstone>>;
  nextId: Map<EntityName, number>;
  nextDocNumber: number;
  /** `requestid` → the original response, replayed on repeats (https://blogs.intuit.com/2015/04/06/15346/). */
  requestIds: Map<string, StoredResponse>;
}

export function emptyRealm(realmId: string, seed: SeedKind, multicurrency = false): RealmState {
  return {
    realmId,
    seed,
    timeZone: seed === 'us' ? 'America/Los_Angeles' : 'Europe/London',
    homeCurrency: seed === 'us' ? { value: 'USD', name: 'United States Dollar' } : { value: 'GBP', name: 'British Pound Sterling' },
    multicurrency,
    entities: new Map(ENTITY_NAMES.map((n) => [n, new Map()])),
    changedAt: new Map(),
    tombstones: new Map(ENTITY_NAMES.map((n) => [n, new Map()])),
    nextId: new Map(),
    nextDocNumber: 1001,
    requestIds: new Map(),
  };
}

export function table(realm: RealmState, name: EntityName): Map<string, JsonObject> {
  const t = realm.entities.get(name);
  if (!t) throw new Error(`no table for ${name}`);
  return t;
}

export function tombstones(realm: RealmState, name: EntityName): Map<string, Tombstone> {
  const t = realm.tombstones.get(name);
  if (!t) throw new Error(`no tombstones for ${name}`);
  return t;
}

export const changeKey = (name: EntityName, id: string): string => `${name}:${id}`;

export function allocateId(realm: RealmState, name: EntityName): string {
  const next = realm.nextId.get(name) ?? 1;
  realm.nextId.set(name, next + 1);
  return String(next);
}

export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

export const clone = <T>(v: T): T => structuredClone(v);

/** QBO omits properties that have no value (https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/data-queries, limitations). */
export function omitEmpty(value: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null || v === undefined || v === '') continue;
    if (isObject(v)) {
      const inner = omitEmpty(v);
      out[k] = inner;
    } else if (Array.isArray(v)) {
      out[k] = v.map((x) => (isObject(x) ? omitEmpty(x) : x));
    } else {
      out[k] = v;
    }
  }
  return out;
}
