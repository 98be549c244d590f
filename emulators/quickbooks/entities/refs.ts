import { faults } from '../errors';
import { table, type EntityName, type Json, type JsonObject, type RealmState } from '../state/store';

const displayNameOf = (name: EntityName, e: JsonObject): string =>
  String((name === 'Customer' ? e.DisplayName : name === 'Account' ? (e.FullyQualifiedName ?? e.Name) : e.Name) ?? '');

/**
 * Resolves a `{value}` reference: a missing target is 2500 Invalid Reference Id, an inactive one is
 * 610 Object Not Found (https://developer.intuit.com/app/developer/qbo/docs/develop/troubleshooting/error-codes).
 * Returns the reference as QBO echoes it, with `name`.
 */
export function resolveRef(realm: RealmState, target: EntityName, ref: Json | undefined, element: string): { value: string; name: string; entity: JsonObject } {
  const value = typeof ref === 'object' && ref !== null && !Array.isArray(ref) ? ref.value : undefined;
  if (typeof value !== 'string') throw faults.requiredParam(element);
  const entity = table(realm, target).get(value);
  if (!entity) throw faults.invalidReference(element, value);
  if (entity.Active === false) throw faults.objectNotFound(element, value);
  return { value, name: displayNameOf(target, entity), entity };
}

export const refOut = (r: { value: string; name: string }): JsonObject => ({ value: r.value, name: r.name });

export const round2 = (n: number): number => Math.round((n + Number.EPSILON) * 100) / 100;

/** A JSON number as an exact decimal: its shortest round-trip digits and how many of them are decimals. */
function exact(n: number): [bigint, number] {
  const [mantissa = '0', exponent = '0'] = String(n).toLowerCase().split('e');
  const [whole = '0', fraction = ''] = mantissa.replace('-', '').split('.');
  let digits = BigInt(`${whole}${fraction}`);
  let scale = fraction.length - Number(exponent);
  if (scale < 0) {
    digits *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return [mantissa.startsWith('-') ? -digits : digits, scale];
}

/** `a × b` in cents, rounded half away from zero, in decimal arithmetic: 128.35 × 14.5 = 1861.075 → 186108. */
export function productCents(a: number, b = 1): number {
  const [da, sa] = exact(a);
  const [db, sb] = exact(b);
  const product = da * db;
  const scale = sa + sb;
  if (scale <= 2) return Number(product * 10n ** BigInt(2 - scale));
  const unit = 10n ** BigInt(scale - 2);
  const rest = product % unit;
  const away = (rest < 0n ? -rest : rest) * 2n >= unit ? (product < 0n ? -1n : 1n) : 0n;
  return Number(product / unit + away);
}

export const sameName = (a: Json | undefined, b: Json | undefined): boolean =>
  typeof a === 'string' && typeof b === 'string' && a.trim().toLowerCase() === b.trim().toLowerCase();
