import { Client } from '@hubspot/api-client';
import type { AssociationSpecAssociationCategoryEnum } from '@hubspot/api-client/lib/codegen/crm/associations/v4/models/AssociationSpec';
import type { FilterOperatorEnum } from '@hubspot/api-client/lib/codegen/crm/objects/models/Filter';
import type { PropertyCreateFieldTypeEnum, PropertyCreateTypeEnum } from '@hubspot/api-client/lib/codegen/crm/properties/models/PropertyCreate';
import { z } from 'zod';
import type { Logger } from '../log';
import { createRetryingTransport, type AccessTokens, type RetryPolicy } from '../transport/retrying';
import { classifyHubSpotError, classifyResponse, HubSpotApiError, plainDetail, type HubSpotErrorKind } from './errors';

/**
 * The HubSpot API as the sync engine needs it, over the official @hubspot/api-client
 * (https://github.com/HubSpot/hubspot-api-nodejs). One instance per connection: it owns the retry policy, the in-flight
 * cap and the call count.
 */
export type HsObjectType = 'contacts' | 'companies' | 'deals' | 'products' | 'line_items' | 'invoices' | 'discounts' | 'fees' | 'taxes';

export interface HsObject {
  id: string;
  properties: Record<string, string | null>;
  createdAt: Date;
  updatedAt: Date;
  archived: boolean;
}

export type HubSpotAuth = AccessTokens;

export type SearchOperator = 'EQ' | 'IN' | 'GT' | 'GTE' | 'LT' | 'LTE' | 'HAS_PROPERTY' | 'NOT_HAS_PROPERTY';

export interface SearchFilter {
  propertyName: string;
  operator: SearchOperator;
  value?: string;
  values?: string[];
}

export interface SearchRequest {
  filters: SearchFilter[];
  properties: string[];
  /** At most this many results in all (default: every match, up to HubSpot's 10,000-result window). */
  limit?: number;
}

export interface CreateInput {
  properties: Record<string, string>;
  /** Records the new one is associated with on create, with HubSpot's default (unlabelled) association type. */
  associations?: { toType: HsObjectType; toId: string }[];
}

export interface UpdateInput {
  id: string;
  properties: Record<string, string>;
}

export interface PropertyDef {
  name: string;
  label: string;
  type: 'string' | 'number' | 'date' | 'datetime' | 'enumeration' | 'bool';
  fieldType: 'text' | 'textarea' | 'number' | 'date' | 'select' | 'radio' | 'checkbox' | 'booleancheckbox';
  groupName: string;
  options?: { label: string; value: string; displayOrder?: number }[];
  description?: string;
}

export type AssociationCategory = 'HUBSPOT_DEFINED' | 'USER_DEFINED' | 'INTEGRATOR_DEFINED';

export interface AppEventOccurrence {
  /** The event type's fullyQualifiedName (or the app-event `uid`). */
  eventTypeName: string;
  objectId: string;
  /** Our idempotency key: occurrences are immutable, a second send with the same id is refused (409). */
  id: string;
  timestamp?: Date;
  properties: Record<string, string>;
}

/** A property as the settings page offers it for a mapping (the definition's name, label and value type). */
export interface PropertyInfo {
  name: string;
  label: string;
  /** HubSpot's value type: `string`, `number`, `date`, `datetime`, `enumeration`, `bool`, `phone_number`… */
  type: string;
  fieldType: string;
  /** Set by HubSpot itself (`modificationMetadata.readOnlyValue`, calculated): an app cannot write it. */
  readOnly: boolean;
}

/** A user of the portal (`PublicUser` of the user provisioning API). */
export interface PortalUser {
  id: string;
  email: string;
  superAdmin: boolean;
  roleIds: string[];
}

export interface HubSpotClientStats {
  /** HTTP requests sent, retries included. */
  requests: number;
  retries: number;
  refreshes: number;
}

/** One input of a batch write: the record as HubSpot holds it now, or why HubSpot refused that input alone. */
export type WriteOutcome = { ok: true; record: HsObject } | { ok: false; error: HubSpotApiError };

export interface HubSpotClient {
  read(type: HsObjectType, ids: string[], properties: string[]): Promise<HsObject[]>;
  /** Every input written or refused on its own, answers in input order (100 per call). */
  createEach(type: HsObjectType, inputs: CreateInput[]): Promise<WriteOutcome[]>;
  updateEach(type: HsObjectType, inputs: UpdateInput[]): Promise<WriteOutcome[]>;
  /** All or nothing for the caller: the records in input order, or the first refusal thrown. */
  create(type: HsObjectType, inputs: CreateInput[]): Promise<HsObject[]>;
  update(type: HsObjectType, inputs: UpdateInput[]): Promise<HsObject[]>;
  archive(type: HsObjectType, ids: string[]): Promise<void>;
  search(type: HsObjectType, request: SearchRequest): Promise<HsObject[]>;
  modifiedSince(type: HsObjectType, since: Date, properties: string[]): AsyncGenerator<HsObject[]>;
  listAll(type: HsObjectType, properties: string[]): AsyncGenerator<HsObject[]>;
  ensurePropertyGroup(type: HsObjectType, group: { name: string; label: string }): Promise<void>;
  ensureProperties(type: HsObjectType, defs: PropertyDef[]): Promise<void>;
  associate(fromType: HsObjectType, fromId: string, toType: HsObjectType, toId: string): Promise<void>;
  associateLabelled(
    fromType: HsObjectType,
    fromId: string,
    toType: HsObjectType,
    toId: string,
    associationTypeId: number,
    category: AssociationCategory,
  ): Promise<void>;
  associations(fromType: HsObjectType, id: string, toType: HsObjectType): Promise<string[]>;
  /** Removes every association type between the pair, both directions; a pair with none is already done. */
  dissociate(fromType: HsObjectType, fromId: string, toType: HsObjectType, toId: string): Promise<void>;
  completeWorkflowCallback(callbackId: string, outputFields: Record<string, string>): Promise<void>;
  /** Every property of the object type, archived ones excluded. */
  properties(type: HsObjectType): Promise<PropertyInfo[]>;
  /** The portal's user with this id; undefined when HubSpot knows no such user in this portal (404). */
  user(userId: number): Promise<PortalUser | undefined>;
  sendAppEvent(occurrence: AppEventOccurrence): Promise<void>;
  stats(): HubSpotClientStats;
}

export interface HubSpotClientOptions {
  /** `https://api.hubapi.com`, or the emulator's URL. */
  basePath: string;
  auth: HubSpotAuth;
  log: Logger;
  retry?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  maxInFlight?: number;
}

/**
 * Batch endpoints take at most 100 inputs; list pages hold at most 100 records
 * (https://developers.hubspot.com/docs/api-reference/legacy/crm/using-object-apis).
 */
const BATCH_SIZE = 100;
/**
 * Search pages hold at most 200 records and a query reaches at most 10,000 of them
 * (https://developers.hubspot.com/docs/api-reference/latest/crm/search-the-crm).
 */
const SEARCH_PAGE_SIZE = 200;
export const SEARCH_RESULT_WINDOW = 10_000;
const ASSOCIATIONS_PAGE_SIZE = 500;

export const DEFAULT_RETRY = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 30_000 };
/**
 * The SDK's own limiter allows 6 concurrent requests (`DEFAULT_LIMITER_OPTIONS`,
 * https://github.com/HubSpot/hubspot-api-nodejs/blob/master/src/configuration/constants.ts).
 */
const DEFAULT_MAX_IN_FLIGHT = 6;

/**
 * HubSpot-defined default association type ids, from → to (https://developers.hubspot.com/docs/api-reference/latest/crm/associations/guide#association-type-id-values).
 * Only the pairs the app creates on write are listed; a pair missing here is a programming error, caught on first use.
 */
const DEFAULT_ASSOCIATION_TYPES: Partial<Record<HsObjectType, Partial<Record<HsObjectType, number>>>> = {
  invoices: { deals: 175, contacts: 177 },
  line_items: { deals: 20 },
};

export function defaultAssociationType(from: HsObjectType, to: HsObjectType): number {
  const id = DEFAULT_ASSOCIATION_TYPES[from]?.[to];
  if (id === undefined) throw new Error(`no default association type from ${from} to ${to} is known`);
  return id;
}

/**
 * HubSpot keeps contacts' modification time in `lastmodifieddate`, every other object's in `hs_lastmodifieddate`
 * (https://developers.hubspot.com/docs/api-reference/latest/crm/search-the-crm).
 */
export const lastModifiedProperty = (type: HsObjectType) => (type === 'contacts' ? 'lastmodifieddate' : 'hs_lastmodifieddate');

// Raw shapes of what the SDK hands back; ids and association ids arrive as numbers from some endpoints
// (https://developers.hubspot.com/docs/api-reference/crm-associations-v4/guide).
const idRaw = z.union([z.string(), z.number()]).transform(String);
const hsObjectRaw = z.object({
  id: idRaw,
  properties: z.record(z.string(), z.string().nullable()),
  createdAt: z.date(),
  updatedAt: z.date(),
  archived: z.boolean().optional(),
  objectWriteTraceId: z.string().optional(),
});
const batchErrorRaw = z.looseObject({
  category: z.string(),
  message: z.string(),
  context: z.record(z.string(), z.array(z.string())).optional(),
  errors: z.array(z.looseObject({ message: z.string().optional() })).optional(),
});
const batchRaw = z.object({ results: z.array(hsObjectRaw), errors: z.array(batchErrorRaw).optional() });
const pageRaw = z.object({ results: z.array(hsObjectRaw), paging: z.object({ next: z.object({ after: z.string() }).optional() }).optional() });
const searchPageRaw = pageRaw.extend({ total: z.number().int() });
const associationPageRaw = z.object({
  results: z.array(z.object({ toObjectId: idRaw })),
  paging: z.object({ next: z.object({ after: z.string() }).optional() }).optional(),
});
const propertyNamesRaw = z.object({ results: z.array(z.object({ name: z.string() })) });
const propertiesRaw = z.object({
  results: z.array(
    z.object({
      name: z.string(),
      label: z.string(),
      type: z.string(),
      fieldType: z.string(),
      calculated: z.boolean().optional(),
      hidden: z.boolean().optional(),
      modificationMetadata: z.object({ readOnlyValue: z.boolean() }).optional(),
    }),
  ),
});
/**
 * `PublicUser` as the SDK deserialises it. The docs' example prints `superAdmin` as the string "false" while the
 * schema says boolean; both are read (https://developers.hubspot.com/docs/api-reference/settings-user-provisioning-v3/users/get-settings-v3-users-userId).
 */
const userRaw = z.object({
  id: idRaw,
  email: z.string(),
  superAdmin: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]).optional(),
  roleIds: z.array(z.string()).optional(),
  roleId: z.string().optional(),
});

/** Refusals that concern the records sent, not the connection or HubSpot's health: answered per input. */
const PER_RECORD_KINDS: ReadonlySet<HubSpotErrorKind> = new Set(['validation', 'conflict', 'not_found']);

/** A `StandardError` of a batch answer, for the input(s) it names. */
function fromBatchError(e: z.infer<typeof batchErrorRaw>): HubSpotApiError {
  const kind: HubSpotErrorKind = e.category === 'OBJECT_NOT_FOUND' ? 'not_found' : e.category === 'CONFLICT' ? 'conflict' : 'validation';
  const ids = kind === 'not_found' ? e.context?.['ids']?.join(', ') : undefined;
  const detail = plainDetail(e) ?? e.message;
  return new HubSpotApiError({ kind, status: 207, category: e.category, detail: ids ? `${detail} (ids: ${ids})` : detail });
}

function allOrThrow(outcomes: WriteOutcome[]): HsObject[] {
  return outcomes.map((o) => {
    if (!o.ok) throw o.error;
    return o.record;
  });
}

const toHsObject = (r: z.infer<typeof hsObjectRaw>): HsObject => ({
  id: r.id,
  properties: r.properties,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
  archived: r.archived ?? false,
});

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function createHubSpotClient(opts: HubSpotClientOptions): HubSpotClient {
  const gate = semaphore(opts.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT);
  const transport = createRetryingTransport({
    provider: 'HubSpot',
    auth: opts.auth,
    retry: opts.retry ?? DEFAULT_RETRY,
    log: opts.log,
    classify: classifyHubSpotError,
    admit: gate,
    ...(opts.sleep === undefined ? {} : { sleep: opts.sleep }),
    ...(opts.random === undefined ? {} : { random: opts.random }),
  });
  let sdk: { token: string; client: Client } | undefined;

  const clientFor = (token: string) => {
    if (sdk?.token !== token) sdk = { token, client: new Client({ accessToken: token, basePath: opts.basePath }) };
    return sdk.client;
  };

  /**
   * One logical call through the shared retrying transport (401 → one refresh; 429/5xx/timeouts → backoff or exactly
   * what HubSpot asked for; a wait longer than the policy allows, such as a 477 migration's hours, goes back to the job
   * runner). 400/404/409 and other permanent failures are thrown at once.
   */
  const call = <T>(op: string, fn: (client: Client) => Promise<T>): Promise<T> => transport.send(op, (token) => fn(clientFor(token)));

  async function searchPage(type: HsObjectType, body: { filters: SearchFilter[]; properties: string[]; limit: number; after?: string; sortBy?: string }) {
    // https://developers.hubspot.com/docs/api-reference/latest/crm/search-the-crm: one filter group (AND), one sort.
    const page = await call(`search ${type}`, (c) =>
      c.crm.objects.searchApi.doSearch(type, {
        filterGroups: [{ filters: body.filters.map((f) => ({ ...f, operator: f.operator as FilterOperatorEnum })) }],
        properties: body.properties,
        limit: body.limit,
        ...(body.after !== undefined ? { after: body.after } : {}),
        // The docs' sort is `{propertyName, direction}`; the SDK types `sorts` as string[] but sends items unchanged.
        ...(body.sortBy !== undefined ? { sorts: [{ propertyName: body.sortBy, direction: 'ASCENDING' } as unknown as string] } : {}),
      }),
    );
    return searchPageRaw.parse(page);
  }

  async function writeEach(op: 'create' | 'update', type: HsObjectType, inputs: readonly (CreateInput | UpdateInput)[]): Promise<WriteOutcome[]> {
    const out: WriteOutcome[] = [];
    for (const [n, chunk] of chunks(inputs, BATCH_SIZE).entries()) out.push(...(await writeBatch(op, type, chunk, n * BATCH_SIZE)));
    return out;
  }

  /**
   * One batch create or update of at most 100 inputs, each answered on its own, in input order. Every input carries an
   * objectWriteTraceId, so HubSpot answers a 207 naming each refused input
   * (https://developers.hubspot.com/docs/api-reference/error-handling, "Multi-status errors"; batch update: changelog
   * "Simplifying batch update response codes for CRM v3 APIs") and writes the others. A batch refused whole for one
   * input's value is split in halves and sent again until the refused inputs stand alone, so one bad value never costs
   * the others their write.
   */
  async function writeBatch(
    op: 'create' | 'update',
    type: HsObjectType,
    inputs: readonly (CreateInput | UpdateInput)[],
    offset: number,
  ): Promise<WriteOutcome[]> {
    const traceIds = inputs.map((_, i) => `${offset + i}`);
    let res: z.infer<typeof batchRaw>;
    try {
      res = batchRaw.parse(
        await call(`${op} ${type}`, (c) =>
          op === 'create'
            ? c.crm.objects.batchApi.create(type, {
                inputs: (inputs as CreateInput[]).map((input, i) => ({
                  properties: input.properties,
                  objectWriteTraceId: traceIds[i]!,
                  associations: (input.associations ?? []).map((a) => ({
                    to: { id: a.toId },
                    types: [
                      {
                        associationCategory: 'HUBSPOT_DEFINED' as AssociationSpecAssociationCategoryEnum,
                        associationTypeId: defaultAssociationType(type, a.toType),
                      },
                    ],
                  })),
                })),
              })
            : c.crm.objects.batchApi.update(type, {
                inputs: (inputs as UpdateInput[]).map((input, i) => ({ id: input.id, properties: input.properties, objectWriteTraceId: traceIds[i]! })),
              }),
        ),
      );
    } catch (err) {
      if (!(err instanceof HubSpotApiError && PER_RECORD_KINDS.has(err.kind))) throw err;
      if (inputs.length === 1) return [{ ok: false, error: err }];
      const half = Math.ceil(inputs.length / 2);
      return [...(await writeBatch(op, type, inputs.slice(0, half), offset)), ...(await writeBatch(op, type, inputs.slice(half), offset + half))];
    }
    // HubSpot does not promise result order: results are matched back by trace id (or, on update, by record id).
    const byTrace = new Map(res.results.flatMap((r) => (r.objectWriteTraceId !== undefined ? [[r.objectWriteTraceId, r] as const] : [])));
    const byId = new Map(res.results.map((r) => [r.id, r]));
    const errors = (res.errors ?? []).map((e) => ({
      traces: e.context?.['objectWriteTraceId'] ?? [],
      ids: e.context?.['ids'] ?? [],
      error: fromBatchError(e),
    }));
    return inputs.map((input, i): WriteOutcome => {
      const id = 'id' in input ? input.id : undefined;
      const result = byTrace.get(traceIds[i]!) ?? (id !== undefined ? byId.get(id) : undefined);
      if (result !== undefined) return { ok: true, record: toHsObject(result) };
      const named =
        errors.find((e) => e.traces.includes(traceIds[i]!) || (id !== undefined && e.ids.includes(id))) ??
        errors.find((e) => e.traces.length === 0 && e.ids.length === 0);
      if (named !== undefined) return { ok: false, error: named.error };
      throw new Error(`HubSpot batch ${op} of ${type} answered neither a result nor an error for input ${traceIds[i]}`);
    });
  }

  return {
    async read(type, ids, properties) {
      const out: HsObject[] = [];
      for (const chunk of chunks([...new Set(ids)], BATCH_SIZE)) {
        const res = batchRaw.parse(
          await call(`read ${type}`, (c) => c.crm.objects.batchApi.read(type, { inputs: chunk.map((id) => ({ id })), properties, propertiesWithHistory: [] })),
        );
        // Missing ids come back as a 207 OBJECT_NOT_FOUND entry
        // (https://developers.hubspot.com/docs/api-reference/legacy/crm/using-object-apis): absent, not an error.
        const other = res.errors?.find((e) => e.category !== 'OBJECT_NOT_FOUND');
        if (other) throw new HubSpotApiError({ kind: 'validation', status: 207, category: other.category, detail: other.message });
        out.push(...res.results.map(toHsObject));
      }
      return out;
    },

    createEach: (type, inputs) => writeEach('create', type, inputs),
    updateEach: (type, inputs) => writeEach('update', type, inputs),
    create: async (type, inputs) => allOrThrow(await writeEach('create', type, inputs)),
    update: async (type, inputs) => allOrThrow(await writeEach('update', type, inputs)),

    async archive(type, ids) {
      for (const chunk of chunks([...new Set(ids)], BATCH_SIZE)) {
        await call(`archive ${type}`, (c) => c.crm.objects.batchApi.archive(type, { inputs: chunk.map((id) => ({ id })) }));
      }
    },

    async search(type, request) {
      const max = request.limit ?? Number.POSITIVE_INFINITY;
      const out: HsObject[] = [];
      let after: string | undefined;
      for (;;) {
        const limit = Math.min(SEARCH_PAGE_SIZE, max - out.length);
        const page = await searchPage(type, { filters: request.filters, properties: request.properties, limit, ...(after !== undefined ? { after } : {}) });
        out.push(...page.results.map(toHsObject));
        if (out.length >= max) return out.slice(0, max);
        after = page.paging?.next?.after;
        if (after !== undefined) continue;
        // Past 10,000 results HubSpot stops paging (400 on the next page): say so rather than return a silent subset.
        if (page.total > out.length && out.length >= SEARCH_RESULT_WINDOW) {
          throw new HubSpotApiError({
            kind: 'validation',
            category: 'SEARCH_WINDOW',
            detail: `search on ${type} matches ${page.total} records, more than the ${SEARCH_RESULT_WINDOW} HubSpot returns; narrow the filters or use modifiedSince`,
          });
        }
        return out;
      }
    },

    /**
     * Keyset paging on the modification time
     * (https://developers.hubspot.com/docs/api-reference/latest/crm/search-the-crm caps any query at 10,000 results, so
     * offsets cannot reach past it): every page re-anchors the filter at the last modified time seen (`GTE`) and skips
     * the records already yielded at exactly that time. Offsets are used only among records sharing one timestamp (a
     * batch write can stamp hundreds at once), so a record modified mid-walk is never skipped, only seen again later.
     */
    async *modifiedSince(type, since, properties) {
      const prop = lastModifiedProperty(type);
      const wanted = [...new Set([...properties, prop])];
      let anchor = since.getTime();
      let seenAtAnchor = new Set<string>();
      for (;;) {
        const offset = seenAtAnchor.size >= SEARCH_PAGE_SIZE ? seenAtAnchor.size : 0;
        if (offset >= SEARCH_RESULT_WINDOW) {
          throw new HubSpotApiError({
            kind: 'validation',
            category: 'SEARCH_WINDOW',
            detail: `more than ${SEARCH_RESULT_WINDOW} ${type} share ${prop}=${new Date(anchor).toISOString()}; HubSpot search cannot page past them`,
          });
        }
        const page = await searchPage(type, {
          filters: [{ propertyName: prop, operator: 'GTE', value: String(anchor) }],
          properties: wanted,
          limit: SEARCH_PAGE_SIZE,
          sortBy: prop,
          ...(offset > 0 ? { after: String(offset) } : {}),
        });
        const fresh: HsObject[] = [];
        for (const raw of page.results) {
          const record = toHsObject(raw);
          const modified = modifiedTime(record, prop);
          if (modified === anchor && seenAtAnchor.has(record.id)) continue;
          if (modified > anchor) {
            anchor = modified;
            seenAtAnchor = new Set();
          }
          seenAtAnchor.add(record.id);
          fresh.push(record);
        }
        if (fresh.length > 0) yield fresh;
        if (page.paging?.next === undefined) return;
        // A full page of nothing new means the order of equal timestamps changed between requests; never spin.
        if (fresh.length === 0) throw new Error(`HubSpot search on ${type} made no progress at ${prop}=${new Date(anchor).toISOString()}`);
      }
    },

    async *listAll(type, properties) {
      // GET /crm/v3/objects/{type}, `after` from paging.next; a missing paging ends the list (SDK getAll.js).
      let after: string | undefined;
      do {
        const page = pageRaw.parse(await call(`list ${type}`, (c) => c.crm.objects.basicApi.getPage(type, BATCH_SIZE, after, properties)));
        if (page.results.length > 0) yield page.results.map(toHsObject);
        after = page.paging?.next?.after;
      } while (after !== undefined);
    },

    async ensurePropertyGroup(type, group) {
      // POST /crm/v3/properties/{type}/groups; an existing group answers 409
      // (https://developers.hubspot.com/docs/api-reference/legacy/crm/properties/guide) and is left alone.
      try {
        await call(`create property group ${type}`, (c) => c.crm.properties.groupsApi.create(type, group));
      } catch (err) {
        if (!(err instanceof HubSpotApiError && err.kind === 'conflict')) throw err;
      }
    },

    async ensureProperties(type, defs) {
      // One read of the existing definitions, then only the missing ones are created; a 409 from a concurrent creator
      // means the property exists, which is what we wanted
      // (https://developers.hubspot.com/docs/api-reference/legacy/crm/properties/guide; existing ones are never
      // edited).
      const existing = propertyNamesRaw.parse(await call(`list properties ${type}`, (c) => c.crm.properties.coreApi.getAll(type)));
      const names = new Set(existing.results.map((p) => p.name));
      for (const def of defs.filter((d) => !names.has(d.name))) {
        try {
          await call(`create property ${type}.${def.name}`, (c) =>
            c.crm.properties.coreApi.create(type, {
              name: def.name,
              label: def.label,
              type: def.type as PropertyCreateTypeEnum,
              fieldType: def.fieldType as PropertyCreateFieldTypeEnum,
              groupName: def.groupName,
              ...(def.description !== undefined ? { description: def.description } : {}),
              ...(def.options !== undefined
                ? { options: def.options.map((o, i) => ({ label: o.label, value: o.value, displayOrder: o.displayOrder ?? i, hidden: false })) }
                : {}),
            }),
          );
        } catch (err) {
          if (!(err instanceof HubSpotApiError && err.kind === 'conflict')) throw err;
        }
      }
    },

    async associate(fromType, fromId, toType, toId) {
      // PUT /crm/v4/objects/{from}/{id}/associations/default/{to}/{toId}: the unlabeled type, both directions
      // (https://developers.hubspot.com/docs/api-reference/crm-associations-v4/guide).
      await call(`associate ${fromType}→${toType}`, (c) => c.crm.associations.v4.basicApi.createDefault(fromType, fromId, toType, toId));
    },

    async associateLabelled(fromType, fromId, toType, toId, associationTypeId, category) {
      // A labelled create replaces the pair's labels
      // (https://developers.hubspot.com/docs/api-reference/crm-associations-v4/guide); callers send the one label they
      // mean.
      await call(`associate ${fromType}→${toType} (${associationTypeId})`, (c) =>
        c.crm.associations.v4.basicApi.create(fromType, fromId, toType, toId, [
          { associationCategory: category as AssociationSpecAssociationCategoryEnum, associationTypeId },
        ]),
      );
    },

    async associations(fromType, id, toType) {
      const out: string[] = [];
      let after: string | undefined;
      do {
        const page = associationPageRaw.parse(
          await call(`associations ${fromType}→${toType}`, (c) => c.crm.associations.v4.basicApi.getPage(fromType, id, toType, after, ASSOCIATIONS_PAGE_SIZE)),
        );
        out.push(...page.results.map((r) => r.toObjectId));
        after = page.paging?.next?.after;
      } while (after !== undefined);
      return [...new Set(out)];
    },

    async dissociate(fromType, fromId, toType, toId) {
      // DELETE /crm/v4/objects/{from}/{id}/associations/{to}/{toId} → 204: "remove all"
      // (https://developers.hubspot.com/docs/api-reference/crm-associations-v4/guide).
      await call(`dissociate ${fromType}→${toType}`, (c) => c.crm.associations.v4.basicApi.archive(fromType, fromId, toType, toId));
    },

    async completeWorkflowCallback(callbackId, outputFields) {
      // POST /automation/v4/actions/callbacks/{callbackId}/complete → 204
      // (https://developers.hubspot.com/docs/api-reference/legacy/automation/workflow-actions/callbacks/complete-callback).
      await call('complete workflow callback', (c) => c.automation.actions.callbacksApi.complete(callbackId, { outputFields }));
    },

    async properties(type) {
      // GET /crm/v3/properties/{objectType} (https://developers.hubspot.com/docs/api-reference/legacy/crm/properties/guide).
      const res = propertiesRaw.parse(await call(`list properties ${type}`, (c) => c.crm.properties.coreApi.getAll(type)));
      return res.results
        .filter((p) => !p.hidden)
        .map((p) => ({
          name: p.name,
          label: p.label,
          type: p.type,
          fieldType: p.fieldType,
          readOnly: (p.calculated ?? false) || (p.modificationMetadata?.readOnlyValue ?? false),
        }));
    },

    async user(userId) {
      // GET /settings/v3/users/{userId}: 404 when the id is no user of the token's portal (scope settings.users.read).
      try {
        const u = userRaw.parse(await call('read user', (c) => c.settings.users.usersApi.getById(String(userId))));
        const roleIds = u.roleIds ?? (u.roleId !== undefined ? [u.roleId] : []);
        return { id: u.id, email: u.email, superAdmin: u.superAdmin ?? false, roleIds };
      } catch (err) {
        if (err instanceof HubSpotApiError && err.kind === 'not_found') return undefined;
        throw err;
      }
    },

    async sendAppEvent(occurrence) {
      // POST /integrators/timeline/v4/events
      // (https://developers.hubspot.com/docs/apps/developer-platform/add-features/app-events/send-event-occurrences).
      // SDK 14 has only the v3 timeline API, so this goes through the client's generic apiRequest, which returns the
      // Response instead of throwing.
      await call('send app event', async (c) => {
        const res = await c.apiRequest({
          method: 'POST',
          path: '/integrators/timeline/v4/events',
          body: {
            eventTypeName: occurrence.eventTypeName,
            objectId: occurrence.objectId,
            id: occurrence.id,
            properties: occurrence.properties,
            ...(occurrence.timestamp !== undefined ? { timestamp: occurrence.timestamp.toISOString() } : {}),
          },
        });
        if (!res.ok) throw await classifyResponse(res);
      });
    },

    stats: () => ({ requests: transport.stats.attempts, retries: transport.stats.retries, refreshes: transport.stats.refreshes }),
  };
}

function modifiedTime(record: HsObject, prop: string): number {
  const raw = record.properties[prop];
  const ms = raw == null ? Number.NaN : /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(ms)) throw new Error(`HubSpot record ${record.id} has no usable ${prop}: ${String(raw)}`);
  return ms;
}

/**
 * At most `limit` calls in flight per client: HubSpot allows 110 requests per 10 s per portal
 * (https://developers.hubspot.com/docs/developer-tooling/platform/usage-guidelines).
 */
function semaphore(limit: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (fn) => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active += 1;
    try {
      return await fn();
    } finally {
      active -= 1;
      waiting.shift()?.();
    }
  };
}
