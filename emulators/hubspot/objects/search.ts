import { z } from 'zod';
import { HubSpotError, validationError } from '../errors';
import { parseBody } from '../http';
import type { PropertyDefinition } from '../properties/definitions';
import type { CrmRecord } from '../state';
import type { RecordService } from './records';
import { toApiObject } from './serialize';
import { OBJECT_TYPES, resolveObjectType, type ObjectTypeName } from './types';

/**
 * CRM search (https://developers.hubspot.com/docs/api-reference/latest/crm/search-the-crm): filters AND-ed inside a
 * group, groups OR-ed; limits of 5 groups, 6 filters per group, 18 filters, `limit` ≤ 200, one sort, a 3,000-character
 * body, and a 10,000-result window.
 */
const OPERATORS = [
  'EQ',
  'NEQ',
  'LT',
  'LTE',
  'GT',
  'GTE',
  'BETWEEN',
  'IN',
  'NOT_IN',
  'HAS_PROPERTY',
  'NOT_HAS_PROPERTY',
  'CONTAINS_TOKEN',
  'NOT_CONTAINS_TOKEN',
] as const;

const filterSchema = z.strictObject({
  propertyName: z.string().min(1),
  operator: z.enum(OPERATORS),
  value: z.union([z.string(), z.number(), z.boolean()]).optional(),
  highValue: z.union([z.string(), z.number()]).optional(),
  values: z.array(z.union([z.string(), z.number()])).optional(),
});
type Filter = z.infer<typeof filterSchema>;

const sortSchema = z.union([z.string(), z.strictObject({ propertyName: z.string(), direction: z.enum(['ASCENDING', 'DESCENDING']) })]);

export const searchRequestSchema = z.strictObject({
  filterGroups: z.array(z.strictObject({ filters: z.array(filterSchema) })).optional(),
  sorts: z.array(sortSchema).optional(),
  query: z.string().optional(),
  properties: z.array(z.string()).optional(),
  limit: z.number().int().optional(),
  after: z.union([z.string(), z.number()]).optional(),
});

export const SEARCH_RESULT_WINDOW = 10_000;

export function search(svc: RecordService, type: ObjectTypeName, rawBody: string, json: unknown) {
  if (rawBody.length > 3000) throw validationError('Search request body exceeds the maximum of 3000 characters');
  const req = parseBody(searchRequestSchema, json);
  const groups = req.filterGroups ?? [];
  if (groups.length > 5) throw limitError('filterGroups', 5, groups.length);
  for (const g of groups) if (g.filters.length > 6) throw limitError('filters per filterGroup', 6, g.filters.length);
  const totalFilters = groups.reduce((n, g) => n + g.filters.length, 0);
  if (totalFilters > 18) throw limitError('filters', 18, totalFilters);
  const limit = req.limit ?? 10;
  if (limit < 0 || limit > 200) throw validationError(`limit must be between 0 and 200, got ${limit}`);
  const after = req.after === undefined ? 0 : Number(req.after);
  // `after` "must be formatted as an integer" (https://developers.hubspot.com/docs/api-reference/latest/crm/search-the-crm).
  if (!Number.isInteger(after) || after < 0) throw validationError(`after must be an integer, got ${String(req.after)}`);
  if (after >= SEARCH_RESULT_WINDOW) {
    throw validationError(
      `Search results are limited to ${SEARCH_RESULT_WINDOW} per query; after=${after} is past the limit. Narrow the filters instead of paging further.`,
    );
  }
  if ((req.sorts?.length ?? 0) > 1) throw validationError('Only one sort is supported');

  const compiled = groups.map((g) => g.filters.map((f) => compileFilter(svc, type, f)));
  const matches = svc
    .list(type)
    .filter((r) => compiled.length === 0 || compiled.some((group) => group.every((test) => test(r))))
    .filter((r) => req.query === undefined || matchesQuery(r, type, req.query));
  const sort = req.sorts?.[0];
  if (sort !== undefined) sortRecords(svc, type, matches, sort);

  const end = Math.min(after + limit, matches.length, SEARCH_RESULT_WINDOW);
  const page = matches.slice(after, end);
  const hasMore = end < matches.length && end < SEARCH_RESULT_WINDOW;
  return {
    total: matches.length,
    results: page.map((r) => toApiObject(svc, r, { properties: req.properties })),
    ...(hasMore ? { paging: { next: { after: String(end) } } } : {}),
  };
}

const limitError = (what: string, max: number, got: number) =>
  new HubSpotError(400, { message: `Too many ${what}: ${got} (maximum ${max})`, category: 'VALIDATION_ERROR', subCategory: 'CrmSearchLimitError' });

function compileFilter(svc: RecordService, type: ObjectTypeName, f: Filter): (r: CrmRecord) => boolean {
  const assoc = /^associations\.(.+)$/.exec(f.propertyName);
  if (assoc) {
    const toType = resolveObjectType(assoc[1]!);
    if (!toType) throw validationError(`Unknown object type in ${f.propertyName}`);
    const wanted = f.operator === 'IN' ? (f.values ?? []).map(String) : [String(f.value ?? '')];
    if (f.operator !== 'EQ' && f.operator !== 'IN') throw validationError(`Operator ${f.operator} is not supported for ${f.propertyName}`);
    return (r) => svc.associations.from(type, r.id, toType.name).some((e) => wanted.includes(e.toId));
  }
  const def = svc.property(type, f.propertyName);
  if (!def) throw validationError(`Unable to find property ${f.propertyName} for object type ${type}`);
  const needsValue = !['HAS_PROPERTY', 'NOT_HAS_PROPERTY', 'IN', 'NOT_IN'].includes(f.operator);
  if (needsValue && f.value === undefined) throw validationError(`Filter on ${f.propertyName} with operator ${f.operator} requires a value`);
  if ((f.operator === 'IN' || f.operator === 'NOT_IN') && !f.values)
    throw validationError(`Filter on ${f.propertyName} with operator ${f.operator} requires values`);
  if (f.operator === 'BETWEEN' && f.highValue === undefined) throw validationError(`BETWEEN filter on ${f.propertyName} requires highValue`);
  const get = (r: CrmRecord) => r.properties[f.propertyName];
  const cmp = comparator(def);
  const v = f.value === undefined ? '' : String(f.value);
  switch (f.operator) {
    case 'HAS_PROPERTY':
      return (r) => get(r) !== undefined;
    case 'NOT_HAS_PROPERTY':
      return (r) => get(r) === undefined;
    case 'EQ':
      return (r) => get(r) !== undefined && cmp(get(r)!, v) === 0;
    case 'NEQ':
      return (r) => get(r) === undefined || cmp(get(r)!, v) !== 0;
    case 'LT':
      return (r) => get(r) !== undefined && cmp(get(r)!, v) < 0;
    case 'LTE':
      return (r) => get(r) !== undefined && cmp(get(r)!, v) <= 0;
    case 'GT':
      return (r) => get(r) !== undefined && cmp(get(r)!, v) > 0;
    case 'GTE':
      return (r) => get(r) !== undefined && cmp(get(r)!, v) >= 0;
    case 'BETWEEN':
      return (r) => get(r) !== undefined && cmp(get(r)!, v) >= 0 && cmp(get(r)!, String(f.highValue)) <= 0;
    case 'IN':
    case 'NOT_IN': {
      // String IN/NOT_IN values must be lowercase (https://developers.hubspot.com/docs/api-reference/latest/crm/search-the-crm):
      // stored values are lowercased, given ones are not.
      const values = (f.values ?? []).map(String);
      const hit = (r: CrmRecord) => {
        const val = get(r);
        if (val === undefined) return false;
        const subject = def.type === 'string' ? val.toLowerCase() : val;
        return values.some((x) => (def.type === 'string' ? subject === x : cmp(subject, x) === 0));
      };
      return f.operator === 'IN' ? hit : (r) => !hit(r);
    }
    case 'CONTAINS_TOKEN':
    case 'NOT_CONTAINS_TOKEN': {
      const pattern = new RegExp(
        `^${v
          .toLowerCase()
          .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')}$`,
      );
      const hit = (r: CrmRecord) => {
        const val = get(r)?.toLowerCase();
        if (val === undefined) return false;
        return pattern.test(val) || val.split(/[\s,;]+/).some((token) => pattern.test(token));
      };
      return f.operator === 'CONTAINS_TOKEN' ? hit : (r) => !hit(r);
    }
  }
}

/** Values compare by property type: numbers numerically, dates as epoch ms, enumerations case-sensitively. */
function comparator(def: PropertyDefinition): (a: string, b: string) => number {
  switch (def.type) {
    case 'number':
      return (a, b) => Number(a) - Number(b);
    case 'date':
    case 'datetime':
      return (a, b) => toEpoch(a) - toEpoch(b);
    case 'enumeration':
      return (a, b) => (a === b ? 0 : a < b ? -1 : 1);
    default:
      return (a, b) => a.toLowerCase().localeCompare(b.toLowerCase());
  }
}

const toEpoch = (v: string) => (/^\d+$/.test(v) ? Number(v) : Date.parse(v));

function matchesQuery(r: CrmRecord, type: ObjectTypeName, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const haystack = OBJECT_TYPES[type].queryProperties.map((p) => r.properties[p]?.toLowerCase() ?? '').join(' ');
  return words.every((w) => haystack.includes(w));
}

function sortRecords(svc: RecordService, type: ObjectTypeName, records: CrmRecord[], sort: z.infer<typeof sortSchema>) {
  const propertyName = typeof sort === 'string' ? sort.replace(/^-/, '') : sort.propertyName;
  const descending = typeof sort === 'string' ? sort.startsWith('-') : sort.direction === 'DESCENDING';
  const def = svc.property(type, propertyName);
  if (!def) throw validationError(`Unable to find property ${propertyName} to sort by`);
  const cmp = comparator(def);
  records.sort((a, b) => {
    const av = a.properties[propertyName];
    const bv = b.properties[propertyName];
    // Records without the value sort last in either direction; ties keep id order so pages are stable.
    if (av === undefined || bv === undefined) return av === bv ? Number(a.id) - Number(b.id) : av === undefined ? 1 : -1;
    const c = cmp(av, bv);
    return c === 0 ? Number(a.id) - Number(b.id) : descending ? -c : c;
  });
}
