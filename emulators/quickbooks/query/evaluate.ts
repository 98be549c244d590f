/**
 * Runs a parsed query against a realm: properties must be queryable for the entity (4001),
 * name lists return active records unless `Active` is constrained, STARTPOSITION is 1-based,
 * MAXRESULTS defaults to 100 and may not exceed 1000, and an empty result has no entity key.
 * https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/data-queries
 */
import { faults } from '../errors';
import { entityByName } from '../entities';
import type { EntityDef, QueryKind } from '../entities/types';
import { isObject, omitEmpty, table, type Json, type JsonObject, type RealmState } from '../state/store';
import type { Condition, Literal, Query } from './parse';

export const DEFAULT_MAX_RESULTS = 100;
export const MAX_RESULTS_LIMIT = 1000;

function resolveProperty(def: EntityDef, property: string): { name: string; kind: QueryKind } {
  const lower = property.toLowerCase();
  const name = Object.keys(def.queryable).find((k) => k.toLowerCase() === lower);
  const kind = name ? def.queryable[name] : undefined;
  if (!name || !kind) throw faults.queryValidation(`property '${property}' is not queryable`);
  return { name, kind };
}

function valueAt(entity: JsonObject, path: string, kind: QueryKind): Json | undefined {
  let v: Json | undefined = entity;
  for (const part of path.split('.')) v = isObject(v) ? v[part] : undefined;
  if (kind === 'ref') return isObject(v) ? v.value : undefined;
  if (kind === 'email') return isObject(v) ? v.Address : undefined;
  return v;
}

function instant(v: Json | Literal | undefined, property: string): number {
  const t = typeof v === 'string' ? Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v) : NaN;
  if (Number.isNaN(t)) throw faults.queryValidation(`invalid DateTime value '${String(v)}' for property '${property}'`);
  return t;
}

/** Orders two values of a property; strings compare case-insensitively (an unverified choice, see README). */
function compare(kind: QueryKind, a: Json | Literal | undefined, b: Json | Literal | undefined, property: string): number {
  if (a === undefined || a === null) return b === undefined || b === null ? 0 : -1;
  if (b === undefined || b === null) return 1;
  switch (kind) {
    case 'number':
      return Number(a) - Number(b);
    case 'boolean':
      return String(a) === String(b) ? 0 : String(a) < String(b) ? -1 : 1;
    case 'datetime':
      return instant(a, property) - instant(b, property);
    case 'id': {
      const [x, y] = [Number(a), Number(b)];
      if (Number.isFinite(x) && Number.isFinite(y)) return x - y;
      return String(a).localeCompare(String(b));
    }
    default: {
      const [x, y] = [String(a).toLowerCase(), String(b).toLowerCase()];
      return x === y ? 0 : x < y ? -1 : 1;
    }
  }
}

function likeToRegExp(pattern: string): RegExp {
  const body = pattern
    .split('%')
    .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 'is');
}

function matches(entity: JsonObject, c: Condition, kind: QueryKind, name: string): boolean {
  const v = valueAt(entity, name, kind);
  const first = c.values[0];
  switch (c.operator) {
    case '=':
      return compare(kind, v, first, name) === 0 && v !== undefined;
    case '<':
      return v !== undefined && compare(kind, v, first, name) < 0;
    case '>':
      return v !== undefined && compare(kind, v, first, name) > 0;
    case '<=':
      return v !== undefined && compare(kind, v, first, name) <= 0;
    case '>=':
      return v !== undefined && compare(kind, v, first, name) >= 0;
    case 'IN':
      return v !== undefined && c.values.some((x) => compare(kind, v, x, name) === 0);
    case 'LIKE':
      if (kind !== 'string' && kind !== 'email') throw faults.queryValidation(`LIKE is not supported on property '${c.property}'`);
      return typeof v === 'string' && likeToRegExp(String(first)).test(v);
  }
}

export function entityForQuery(name: string): EntityDef {
  const def = entityByName(name);
  if (!def) throw faults.queryValidation(`invalid entity name: ${name}`);
  return def;
}

export function evaluateQuery(realm: RealmState, query: Query): JsonObject {
  const def = entityForQuery(query.entity);
  const conditions = query.where.map((c) => ({ c, ...resolveProperty(def, c.property) }));
  const order = query.orderBy.map((o) => ({ ...o, ...resolveProperty(def, o.property) }));
  if (query.maxResults !== undefined && query.maxResults > MAX_RESULTS_LIMIT) {
    throw faults.queryValidation(`MAXRESULTS ${query.maxResults} exceeds the maximum of ${MAX_RESULTS_LIMIT}`);
  }
  if (query.startPosition !== undefined && query.startPosition < 1) throw faults.queryValidation('STARTPOSITION starts at 1');
  // "SELECT * FROM Customer retrieves all active customers" unless Active is in the WHERE clause
  // (https://developer.intuit.com/hub/blog/2017/02/08/deep-dive-sql-queries/).
  const activeOnly = def.nameList && !conditions.some((x) => x.name === 'Active');
  let rows = [...table(realm, def.name).values()].filter(
    (e) => (!activeOnly || e.Active !== false) && conditions.every((x) => matches(e, x.c, x.kind, x.name)),
  );
  if (query.count) return { totalCount: rows.length };
  rows.sort((a, b) => {
    for (const o of order) {
      const d = compare(o.kind, valueAt(a, o.name, o.kind), valueAt(b, o.name, o.kind), o.name);
      if (d !== 0) return o.descending ? -d : d;
    }
    return compare('id', a.Id, b.Id, 'Id');
  });
  const start = query.startPosition ?? 1;
  rows = rows.slice(start - 1, start - 1 + (query.maxResults ?? DEFAULT_MAX_RESULTS));
  if (rows.length === 0) return {};
  return { [def.name]: rows.map(omitEmpty), startPosition: start, maxResults: rows.length };
}
