import { faults } from '../errors';
import { table, type EntityName, type Json, type JsonObject, type RealmState } from '../state/store';

const displayNameOf = (name: EntityName, e: JsonObject): string =>
  String((name === 'Customer' ? e.DisplayName : name === 'Account' ? e.FullyQualifiedName ?? e.Name : e.Name) ?? '');

/**
 * Resolves a `{value}` reference: a missing target is 2500 Invalid Reference Id, an inactive one is
 * 610 Object Not Found (§2.6 table; §7 item 10). Returns the reference as QBO echoes it, with `name`.
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

export const sameName = (a: Json | undefined, b: Json | undefined): boolean =>
  typeof a === 'string' && typeof b === 'string' && a.trim().toLowerCase() === b.trim().toLowerCase();
