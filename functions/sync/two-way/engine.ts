import { createHash } from 'node:crypto';
import type { HubSpotClient, HsObject } from '../../hubspot/client';
import type { Logger } from '../../log';
import { CDC_LOOKBACK_MS, CDC_MAX_OBJECTS, qboQuote, type QboClient, type QboUpdateBody } from '../../quickbooks/client';
import { QboApiError } from '../../quickbooks/errors';
import type { Link } from '../../store/links';
import type { Store } from '../../store/store';
import type { SyncLogEntry } from '../../store/sync-log';
import { describeFailure, ReconnectRequired, RetryLater } from '../shared/failures';
import { planPair, type PairPlan, type SyncBase } from '../shared/plan';
import { chunk, mapPool } from '../shared/pool';
import { compact, contentHash, normalize, type FieldValues } from '../shared/values';
import type { TwoWayFlow } from './flow';
import { pairRecords, type MatchedPair } from './matching';
import type { FlowSettings } from './settings';

type QboEntity = { Id: string; SyncToken?: string | undefined; Active?: boolean | undefined; MetaData?: { LastUpdatedTime?: string | undefined } | undefined };

export interface SyncDeps {
  store: Store;
  hubspot: HubSpotClient;
  qbo: QboClient;
  log: Logger;
  now: () => Date;
}

export interface SyncCounts {
  linked: number;
  createdInHubspot: number;
  createdInQbo: number;
  updatedHubspot: number;
  updatedQbo: number;
  unchanged: number;
  skipped: number;
  failed: number;
  conflicts: number;
}

export interface FirstSyncPreview {
  /** `skipped`: QBO entities the flow does not sync (a category or bundle among items). */
  counts: Pick<SyncCounts, 'linked' | 'createdInHubspot' | 'createdInQbo' | 'updatedHubspot' | 'updatedQbo' | 'unchanged' | 'conflicts' | 'skipped'>;
  samples: {
    linked: { hubspotId: string; qboId: string; matchedOn: string }[];
    createInQbo: { hubspotId: string; values: FieldValues }[];
    createInHubspot: { qboId: string; values: FieldValues }[];
    updates: { hubspotId: string; qboId: string; toHubspot: Record<string, string>; toQbo: Record<string, string> }[];
  };
}

export type Progress = (p: { phase: string; done: number; total: number }) => void;

/** At most this many QBO calls in flight per run; the realm limiter enforces QBO's own 10 (qbo-api.md §2.7). */
const QBO_CONCURRENCY = 10;
const SAMPLE_SIZE = 5;
/**
 * How far the HubSpot checkpoint stays behind the newest modification HubSpot returned. HubSpot's search shows a
 * write only "after a few moments" (https://developers.hubspot.com/docs/api-reference/latest/crm/search-the-crm), so a
 * record modified just before the newest one seen may not have been searchable yet; the next pass looks again. What it
 * finds again with the values we last synced is skipped, so the margin costs no sync work.
 */
const HUBSPOT_CHECKPOINT_MARGIN_MS = 5 * 60_000;
const DUPLICATE_NAME_ATTEMPTS = 5;
/** Sync-log action of a QBO entity the flow does not sync (logged once per entity). */
const NOT_SYNCED = 'not_synced';

const emptyCounts = (): SyncCounts => ({
  linked: 0,
  createdInHubspot: 0,
  createdInQbo: 0,
  updatedHubspot: 0,
  updatedQbo: 0,
  unchanged: 0,
  skipped: 0,
  failed: 0,
  conflicts: 0,
});

interface Pair extends MatchedPair<HsObject, QboEntity> {
  /** For a pair we just created: the values we wrote, so the plan sees only what QBO itself changed. */
  created?: FieldValues;
}

/** A JSON text with keys in one order at every depth: equal bodies give equal text. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * One two-way flow for one connection: webhook-driven syncs of changed records, the first sync (with a
 * dry-run preview), and reconciliation polling. Every path ends in the same per-pair step: read both sides,
 * plan field by field against the last synced values, write only what differs, remember what both now hold.
 */
export class TwoWaySync {
  readonly #deps: SyncDeps;
  readonly #connectionId: string;
  readonly #flow: TwoWayFlow;
  readonly #settings: FlowSettings;
  readonly #counts = emptyCounts();
  /** The newest modification time among the HubSpot records this run read or wrote, in HubSpot's clock. */
  #hubspotNewest = 0;
  /** The newest LastUpdatedTime among the QBO entities this run read or wrote, in QBO's clock. */
  #qboNewest = 0;
  #retryLater: unknown;

  constructor(deps: SyncDeps, connectionId: string, flow: TwoWayFlow, settings: FlowSettings) {
    this.#deps = deps;
    this.#connectionId = connectionId;
    this.#flow = flow;
    this.#settings = settings;
  }

  // ── reading both sides as field values ────────────────────────────────────────────────────────────────

  #hubspotProperties(): string[] {
    return [...new Set([...this.#settings.mappings.map((m) => m.hubspotProperty), this.#flow.qboIdProperty])];
  }

  #kind(hubspotProperty: string) {
    return this.#flow.fieldKinds[hubspotProperty] ?? 'text';
  }

  #fromHubspot(o: HsObject): FieldValues {
    return compact(Object.fromEntries(this.#settings.mappings.map((m) => [m.hubspotProperty, normalize(this.#kind(m.hubspotProperty), o.properties[m.hubspotProperty])])));
  }

  #fromQbo(e: QboEntity): FieldValues {
    return compact(
      Object.fromEntries(
        this.#settings.mappings.map((m) => [m.hubspotProperty, normalize(this.#kind(m.hubspotProperty), this.#flow.qboFields[m.qboField]?.get(e as never))]),
      ),
    );
  }

  #skipReason(e: QboEntity): string | undefined {
    return this.#flow.skipReason?.(e as never, this.#settings);
  }

  async #readQbo(ids: readonly string[]): Promise<Map<string, QboEntity>> {
    const found = new Map<string, QboEntity>();
    for (const part of chunk([...new Set(ids)], 100)) {
      const rows = (await this.#deps.qbo.query(this.#flow.qboEntity, `Id IN (${part.map(qboQuote).join(', ')})`, { includeInactive: true })) as QboEntity[];
      for (const r of rows) found.set(r.Id, r);
    }
    return found;
  }

  async #readHubspot(ids: readonly string[]): Promise<Map<string, HsObject>> {
    const rows = ids.length === 0 ? [] : await this.#deps.hubspot.read(this.#flow.hubspotType, [...new Set(ids)], this.#hubspotProperties());
    return new Map(rows.filter((r) => !r.archived).map((r) => [r.id, r]));
  }

  #sawHubspot(records: readonly HsObject[]): void {
    for (const r of records) this.#hubspotNewest = Math.max(this.#hubspotNewest, r.updatedAt.getTime());
  }

  #sawQbo(entities: readonly QboEntity[]): void {
    for (const e of entities) {
      const updated = e.MetaData?.LastUpdatedTime;
      if (updated) this.#qboNewest = Math.max(this.#qboNewest, Date.parse(updated));
    }
  }

  // ── webhook-driven and reconciliation syncs ───────────────────────────────────────────────────────────

  /**
   * Syncs the records a notification or a reconciliation pass named, reading both sides fresh (notifications
   * are hints, not data). A pair whose mapped values on both sides still hash to what we last wrote is an echo
   * of our own write, or a change to fields we do not map: nothing is planned or written for it.
   */
  async syncChanged(changed: { hubspotIds?: readonly string[]; qboIds?: readonly string[] }): Promise<SyncCounts> {
    const { store } = this.#deps;
    const object = this.#flow.object;
    const hubspotIds = [...new Set(changed.hubspotIds ?? [])];
    const qboIds = [...new Set(changed.qboIds ?? [])];

    const byHubspot = await store.links.forIds(this.#connectionId, object, 'hubspot', hubspotIds);
    const byQbo = await store.links.forIds(this.#connectionId, object, 'qbo', qboIds);
    const linksByHubspot = new Map<string, Link>([...byHubspot, ...byQbo].map((l) => [l.hubspotId, l]));
    const linkedQbo = new Set(byQbo.map((l) => l.qboId));
    const unlinkedHubspot = hubspotIds.filter((id) => !linksByHubspot.has(id));
    const unlinkedQbo = qboIds.filter((id) => !linkedQbo.has(id));

    const links = [...linksByHubspot.values()];
    const hubspotRecords = await this.#readHubspot([...links.map((l) => l.hubspotId), ...unlinkedHubspot]);
    const qboRecords = await this.#readQbo([...links.map((l) => l.qboId), ...unlinkedQbo]);
    this.#sawHubspot([...hubspotRecords.values()]);

    const pairs: Pair[] = [];
    const goneFromHubspot: Link[] = [];
    for (const link of links) {
      const h = hubspotRecords.get(link.hubspotId);
      const q = qboRecords.get(link.qboId);
      if (!h) {
        goneFromHubspot.push(link);
        continue;
      }
      if (!q || q.Active === false) {
        await this.#skipDeleted(link, 'qbo');
        continue;
      }
      if (await this.#notSynced([q])) continue;
      const hubspotEcho = contentHash(this.#fromHubspot(h)) === link.hubspotHash;
      const qboEcho = contentHash(this.#fromQbo(q)) === link.qboHash;
      if (hubspotEcho && qboEcho) {
        this.#counts.unchanged++;
        continue;
      }
      pairs.push({ hubspot: h, qbo: q, link });
    }
    await this.#applyPairs(pairs);

    // A record created again, or the survivor of a merge, may take over the link of one that is gone: placed before
    // the gone ones are reported, so only a delete nothing replaced is logged as one.
    const takenOver = new Set<string>();
    await mapPool(unlinkedHubspot, QBO_CONCURRENCY, async (id) => {
      const h = hubspotRecords.get(id);
      if (h) await this.#guard({ hubspotId: id, action: 'match_or_create', direction: 'to_qbo' }, () => this.#placeHubspotRecord(h, takenOver));
    });
    for (const link of goneFromHubspot) if (!takenOver.has(link.hubspotId)) await this.#skipDeleted(link, 'hubspot');

    const newInQbo = unlinkedQbo.flatMap((id) => {
      const q = qboRecords.get(id);
      return q && q.Active !== false ? [q] : [];
    });
    const syncable = await this.#withoutNotSynced(newInQbo);
    await mapPool(syncable, QBO_CONCURRENCY, (q) => this.#guard({ qboId: q.Id, action: 'match_or_create', direction: 'to_hubspot' }, () => this.#placeQboRecord(q)));
    return this.#finish();
  }

  /**
   * Reconciliation: everything modified on either side since the checkpoints, whether or not a webhook said
   * so. Each checkpoint is in its provider's own clock, so skew between our clock and theirs cannot skip a change:
   * - HubSpot: the newest modification time HubSpot returned, less a margin for its search index's lag; records
   *   found again in the margin with the values we last synced are skipped.
   * - QBO: the newest LastUpdatedTime seen; an entity whose SyncToken is the version we last synced is skipped.
   */
  async reconcile(): Promise<SyncCounts> {
    const { store, hubspot } = this.#deps;
    const object = this.#flow.object;
    const hubspotCursor = await store.checkpoints.get(this.#connectionId, object, 'hubspot');
    const hubspotSince = hubspotCursor ? Date.parse(hubspotCursor) : 0;
    const qboCursor = await store.checkpoints.get(this.#connectionId, object, 'qbo');
    const qboSince = new Date(qboCursor ? Date.parse(qboCursor) : this.#deps.now().getTime());

    const hubspotChanged: HsObject[] = [];
    for await (const page of hubspot.modifiedSince(this.#flow.hubspotType, new Date(hubspotSince), this.#hubspotProperties())) hubspotChanged.push(...page);
    this.#sawHubspot(hubspotChanged);
    // Found again in the margin with the values we last synced: nothing to do (the search returns the mapped values).
    const hubspotHashes = new Map((await store.links.forIds(this.#connectionId, object, 'hubspot', hubspotChanged.map((o) => o.id))).map((l) => [l.hubspotId, l.hubspotHash]));
    const hubspotIds = hubspotChanged.filter((o) => hubspotHashes.get(o.id) !== contentHash(this.#fromHubspot(o))).map((o) => o.id);
    const qboChanged = await this.#qboChangedSince(qboSince);
    this.#sawQbo(qboChanged);
    // The checkpoint's own entity comes back every pass (LastUpdatedTime ≥ it): a version already synced is skipped.
    const synced = new Map((await store.links.forIds(this.#connectionId, object, 'qbo', qboChanged.map((e) => e.Id))).map((l) => [l.qboId, l.qboSyncToken]));
    const qboIds = qboChanged.filter((e) => e.SyncToken === undefined || synced.get(e.Id) !== e.SyncToken).map((e) => e.Id);

    const counts = await this.syncChanged({ hubspotIds, qboIds });
    await this.#saveHubspotCursor(hubspotSince);
    await store.checkpoints.set(this.#connectionId, object, 'qbo', new Date(Math.max(qboSince.getTime(), this.#qboNewest)).toISOString());
    return counts;
  }

  /** The HubSpot checkpoint after a run: the newest modification time HubSpot showed us, less the margin; never backwards. */
  async #saveHubspotCursor(previous: number): Promise<void> {
    const since = Math.max(previous, this.#hubspotNewest - HUBSPOT_CHECKPOINT_MARGIN_MS);
    await this.#deps.store.checkpoints.set(this.#connectionId, this.#flow.object, 'hubspot', new Date(since).toISOString());
  }

  /**
   * QBO CDC: one call, inside its 30-day window, and only while the answer is complete. CDC returns at most
   * 1,000 objects (qbo-api.md §2.5) in no documented order, so a full answer may have left changes out, and a
   * checkpoint moved past them would lose them: then, as beyond 30 days, a LastUpdatedTime query pages
   * through everything.
   */
  async #qboChangedSince(since: Date): Promise<QboEntity[]> {
    const { qbo, now } = this.#deps;
    if (now().getTime() - since.getTime() < CDC_LOOKBACK_MS - 60_000) {
      const changes = ((await qbo.cdc([this.#flow.qboEntity], since))[this.#flow.qboEntity] ?? []) as QboEntity[];
      if (changes.length < CDC_MAX_OBJECTS) return changes;
    }
    return (await qbo.query(this.#flow.qboEntity, `MetaData.LastUpdatedTime >= ${qboQuote(since.toISOString())}`, {
      includeInactive: true,
      orderBy: 'MetaData.LastUpdatedTime',
    })) as QboEntity[];
  }

  // ── first sync ────────────────────────────────────────────────────────────────────────────────────────

  /** What the first sync would do, without writing anything. */
  async preview(): Promise<FirstSyncPreview> {
    const { pairs, onlyHubspot, onlyQbo, notSynced } = await this.#matchAll();
    const preview: FirstSyncPreview = {
      counts: { linked: 0, createdInHubspot: 0, createdInQbo: 0, updatedHubspot: 0, updatedQbo: 0, unchanged: 0, conflicts: 0, skipped: notSynced.length },
      samples: { linked: [], createInQbo: [], createInHubspot: [], updates: [] },
    };
    for (const p of pairs) {
      const plan = this.#plan(p);
      preview.counts.linked++;
      preview.counts.conflicts += plan.conflicts.length;
      const hasHs = Object.keys(plan.toHubspot).length > 0;
      const hasQbo = Object.keys(plan.toQbo).length > 0;
      if (hasHs) preview.counts.updatedHubspot++;
      if (hasQbo) preview.counts.updatedQbo++;
      if (!hasHs && !hasQbo) preview.counts.unchanged++;
      if (preview.samples.linked.length < SAMPLE_SIZE) preview.samples.linked.push({ hubspotId: p.hubspot.id, qboId: p.qbo.Id, matchedOn: p.matchedOn ?? 'link' });
      if ((hasHs || hasQbo) && preview.samples.updates.length < SAMPLE_SIZE) {
        preview.samples.updates.push({ hubspotId: p.hubspot.id, qboId: p.qbo.Id, toHubspot: plan.toHubspot, toQbo: plan.toQbo });
      }
    }
    if (this.#settings.createInQbo) {
      preview.counts.createdInQbo = onlyHubspot.length;
      preview.samples.createInQbo = onlyHubspot.slice(0, SAMPLE_SIZE).map((h) => ({ hubspotId: h.id, values: this.#fromHubspot(h) }));
    }
    if (this.#settings.createInHubspot) {
      preview.counts.createdInHubspot = onlyQbo.length;
      preview.samples.createInHubspot = onlyQbo.slice(0, SAMPLE_SIZE).map((q) => ({ qboId: q.Id, values: this.#fromQbo(q) }));
    }
    return preview;
  }

  /** Links matches, creates what exists on one side only, and sets the checkpoints reconciliation starts from. */
  async firstSync(progress: Progress = () => {}): Promise<SyncCounts> {
    const { store } = this.#deps;
    const { pairs, onlyHubspot, onlyQbo, notSynced } = await this.#matchAll();
    await this.#withoutNotSynced(notSynced);
    const total = pairs.length + (this.#settings.createInQbo ? onlyHubspot.length : 0) + (this.#settings.createInHubspot ? onlyQbo.length : 0);
    let done = 0;
    const step = (phase: string, n: number) => progress({ phase, done: (done += n), total });

    for (const part of chunk(pairs, 100)) {
      await this.#applyPairs(part);
      step('link matches', part.length);
    }
    if (this.#settings.createInQbo) {
      // Created in QBO ten at a time (its limit), then linked back to HubSpot 100 per batch call.
      for (const part of chunk(onlyHubspot, 100)) {
        const created = await mapPool(part, QBO_CONCURRENCY, (h) =>
          this.#guard({ hubspotId: h.id, action: 'create', direction: 'to_qbo' }, () => this.#createInQbo(h)),
        );
        await this.#applyPairs(created.filter((p): p is Pair => p !== undefined));
        step('create in QuickBooks', part.length);
      }
    }
    if (this.#settings.createInHubspot) {
      for (const part of chunk(onlyQbo, 100)) {
        await this.#guard({ action: 'create', direction: 'to_hubspot' }, () => this.#createInHubspot(part));
        step('create in HubSpot', part.length);
      }
    }
    // Both checkpoints in their provider's clock: the newest modification each side showed us.
    await this.#saveHubspotCursor(0);
    await store.checkpoints.set(this.#connectionId, this.#flow.object, 'qbo', new Date(this.#qboNewest).toISOString());
    return this.#finish();
  }

  /**
   * Every record on both sides, paired by existing link first, then by the QBO id a HubSpot record carries, then by
   * the flow's match keys in order (linear in the number of records: see matching.ts). QBO entities the flow does not
   * sync take no part.
   */
  async #matchAll(): Promise<ReturnType<typeof pairRecords<HsObject, QboEntity>> & { notSynced: QboEntity[] }> {
    const { hubspot, qbo, store } = this.#deps;
    const hubspotAll: HsObject[] = [];
    for await (const page of hubspot.listAll(this.#flow.hubspotType, this.#hubspotProperties())) hubspotAll.push(...page.filter((o) => !o.archived));
    this.#sawHubspot(hubspotAll);
    const qboAll = (await qbo.query(this.#flow.qboEntity)) as QboEntity[];
    this.#sawQbo(qboAll);
    const notSynced = qboAll.filter((q) => this.#skipReason(q) !== undefined);
    const syncable = qboAll.filter((q) => this.#skipReason(q) === undefined);

    const links = await store.links.list(this.#connectionId, this.#flow.object);
    const keys = [
      { name: this.#flow.qboIdProperty, hubspot: (h: HsObject) => h.properties[this.#flow.qboIdProperty] ?? undefined, qbo: (q: QboEntity) => q.Id },
      ...this.#flow.matchOn.map((key) => ({
        name: key.hubspotProperty,
        hubspot: (h: HsObject) => normalize(key.kind, h.properties[key.hubspotProperty]),
        qbo: (q: QboEntity) => normalize(key.kind, this.#flow.qboFields[key.qboField]?.get(q as never)),
      })),
    ];
    return { ...pairRecords(hubspotAll, syncable, links, keys), notSynced };
  }

  // ── the per-pair step ─────────────────────────────────────────────────────────────────────────────────

  #plan(p: Pair): PairPlan {
    const base: SyncBase | undefined = p.link?.syncedValues
      ? { values: p.link.syncedValues, clearedOn: p.link.clearedOn }
      : p.created
        ? { values: p.created }
        : undefined;
    return planPair(this.#settings.mappings, this.#fromHubspot(p.hubspot), this.#fromQbo(p.qbo), base);
  }

  /**
   * Plans every pair, writes QBO one entity at a time (sparse updates), HubSpot in batches of 100 where each record
   * is written or refused on its own: a value HubSpot refuses fails that record only, logged against it.
   */
  async #applyPairs(pairs: Pair[]): Promise<void> {
    const hubspotWrites: { pair: Pair; plan: PairPlan; qboAfter: QboEntity }[] = [];
    await mapPool(pairs, QBO_CONCURRENCY, async (pair) => {
      await this.#guard({ hubspotId: pair.hubspot.id, qboId: pair.qbo.Id, action: 'update', direction: 'to_qbo' }, async () => {
        const { plan, qboAfter } = await this.#writeQboSide(pair);
        this.#counts.conflicts += plan.conflicts.length;
        if (Object.keys(plan.toHubspot).length > 0 || !pair.link || pair.hubspot.properties[this.#flow.qboIdProperty] !== pair.qbo.Id) {
          hubspotWrites.push({ pair, plan, qboAfter });
        } else {
          await this.#saveLink(pair, plan, qboAfter);
        }
      });
    });
    for (const part of chunk(hubspotWrites, 100)) {
      const outcomes = await this.#guard({ action: 'update', direction: 'to_hubspot' }, () =>
        this.#deps.hubspot.updateEach(
          this.#flow.hubspotType,
          part.map(({ pair, plan }) => ({ id: pair.hubspot.id, properties: { ...plan.toHubspot, [this.#flow.qboIdProperty]: pair.qbo.Id } })),
        ),
      );
      for (const [i, outcome] of (outcomes ?? []).entries()) {
        const w = part[i]!;
        if (!outcome.ok) {
          await this.#failed({ hubspotId: w.pair.hubspot.id, qboId: w.pair.qbo.Id, action: 'update', direction: 'to_hubspot' }, outcome.error);
          continue;
        }
        this.#sawHubspot([outcome.record]);
        if (Object.keys(w.plan.toHubspot).length > 0) this.#counts.updatedHubspot++;
        await this.#saveLink(w.pair, w.plan, w.qboAfter);
      }
    }
  }

  /** A stale SyncToken (5010) means someone edited the entity meanwhile: re-read it and plan again, once. */
  async #writeQboSide(pair: Pair): Promise<{ plan: PairPlan; qboAfter: QboEntity }> {
    for (let attempt = 0; ; attempt++) {
      const plan = this.#plan(pair);
      if (Object.keys(plan.toQbo).length === 0) return { plan, qboAfter: pair.qbo };
      const body: QboUpdateBody = { Id: pair.qbo.Id, SyncToken: pair.qbo.SyncToken ?? '0', sparse: true };
      for (const [property, value] of Object.entries(plan.toQbo)) this.#setPreservingSiblings(body, pair.qbo, property, value);
      try {
        const qboAfter = (await this.#deps.qbo.update(this.#flow.qboEntity, body)) as QboEntity;
        this.#sawQbo([qboAfter]);
        this.#counts.updatedQbo++;
        return { plan, qboAfter };
      } catch (err) {
        if (!(err instanceof QboApiError && err.kind === 'stale_object') || attempt > 0) throw err;
        const [fresh] = (await this.#readQbo([pair.qbo.Id])).values();
        if (!fresh) throw err;
        pair.qbo = fresh;
      }
    }
  }

  /**
   * A sparse update replaces a nested object (BillAddr, PrimaryPhone…) as a whole (qbo-api.md §2.2), so the
   * entity's current object is copied in first: changing the city must not erase the street.
   */
  #setPreservingSiblings(body: Record<string, unknown>, current: QboEntity, hubspotProperty: string, value: string): void {
    const field = this.#qboFieldFor(hubspotProperty);
    const touched: Record<string, unknown> = {};
    field.set(touched, value);
    for (const key of Object.keys(touched)) {
      const existing = (current as Record<string, unknown>)[key];
      if (!(key in body) && typeof existing === 'object' && existing !== null) body[key] = structuredClone(existing);
    }
    field.set(body, value);
  }

  #qboFieldFor(hubspotProperty: string) {
    const mapping = this.#settings.mappings.find((m) => m.hubspotProperty === hubspotProperty);
    const field = mapping && this.#flow.qboFields[mapping.qboField];
    if (!field) throw new Error(`no QuickBooks field is mapped to ${hubspotProperty}`);
    return field;
  }

  async #saveLink(pair: Pair, plan: PairPlan, qboAfter: QboEntity): Promise<void> {
    const hubspotAfter = { ...this.#fromHubspot(pair.hubspot), ...plan.toHubspot };
    const link = {
      connectionId: this.#connectionId,
      object: this.#flow.object,
      hubspotId: pair.hubspot.id,
      qboId: pair.qbo.Id,
      hubspotHash: contentHash(hubspotAfter),
      qboHash: contentHash(this.#fromQbo(qboAfter)),
      qboSyncToken: qboAfter.SyncToken,
      syncedValues: plan.synced,
      clearedOn: plan.clearedOn,
    };
    if (pair.takesOver) await this.#takeOver(pair.takesOver, link);
    else await this.#deps.store.links.save(link, this.#deps.now());
    if (!pair.link) this.#counts.linked++;
    if (Object.keys(plan.toHubspot).length === 0 && Object.keys(plan.toQbo).length === 0 && pair.link) this.#counts.unchanged++;
  }

  /** The QBO entity of a HubSpot record that is gone now belongs to the live record that matched it. */
  async #takeOver(from: Link, link: Omit<Link, 'lastSyncedAt'>): Promise<void> {
    await this.#deps.store.links.relink(from, link, this.#deps.now());
    await this.#log({
      hubspotId: link.hubspotId,
      qboId: link.qboId,
      action: 'relink',
      direction: 'to_qbo',
      outcome: 'succeeded',
      message: `HubSpot ${this.#flow.label.hubspot} ${from.hubspotId} no longer exists (deleted, or merged into another); QuickBooks ${this.#flow.label.qbo} ${link.qboId} is now linked to ${this.#flow.label.hubspot} ${link.hubspotId}, which matches it, instead of being created a second time.`,
    });
  }

  // ── records that exist on one side only ───────────────────────────────────────────────────────────────

  /**
   * A new HubSpot record: link it to its QBO twin if one matches, else create it in QBO. A twin still linked to a
   * HubSpot record that no longer exists is taken over (the record was created again, or merged into this one); a
   * twin linked to a live record is left alone and reported. A twin is never created beside an existing one.
   */
  async #placeHubspotRecord(h: HsObject, takenOver: Set<string>): Promise<void> {
    const linkedQboId = h.properties[this.#flow.qboIdProperty];
    const named = linkedQboId ? (await this.#readQbo([linkedQboId])).get(linkedQboId) : undefined;
    const twin = named && named.Active !== false && this.#skipReason(named) === undefined ? named : await this.#findQboTwin(h);
    if (!twin) {
      if (this.#settings.createInQbo) await this.#applyPairs([await this.#createInQbo(h)]);
      return;
    }
    const holder = await this.#deps.store.links.byQboId(this.#connectionId, this.#flow.object, twin.Id);
    if (!holder) {
      await this.#applyPairs([{ hubspot: h, qbo: twin, link: undefined }]);
      return;
    }
    if (holder.hubspotId === h.id) return;
    const holderAlive = (await this.#readHubspot([holder.hubspotId])).has(holder.hubspotId);
    if (!holderAlive) {
      takenOver.add(holder.hubspotId);
      await this.#applyPairs([{ hubspot: h, qbo: twin, link: undefined, takesOver: holder }]);
      return;
    }
    this.#counts.skipped++;
    await this.#log({
      hubspotId: h.id,
      qboId: twin.Id,
      action: 'match_or_create',
      direction: 'to_qbo',
      outcome: 'skipped',
      message: `This ${this.#flow.label.hubspot} matches QuickBooks ${this.#flow.label.qbo} ${twin.Id}, which is already linked to HubSpot ${this.#flow.label.hubspot} ${holder.hubspotId}; no second ${this.#flow.label.qbo} was created. Merge the two ${this.#flow.label.hubspot}s in HubSpot, or change the one that should not match.`,
    });
  }

  async #findQboTwin(h: HsObject): Promise<QboEntity | undefined> {
    for (const key of this.#flow.matchOn) {
      const v = normalize(key.kind, h.properties[key.hubspotProperty]);
      if (v === undefined) continue;
      const found = ((await this.#deps.qbo.query(this.#flow.qboEntity, `${key.qboQueryField} = ${qboQuote(v)}`)) as QboEntity[]).filter((q) => this.#skipReason(q) === undefined);
      if (found.length === 1) return found[0];
    }
    return undefined;
  }

  /** A new QBO entity: link it to its HubSpot twin if one matches (or already names it), else create it. */
  async #placeQboRecord(q: QboEntity): Promise<void> {
    const twin = await this.#findHubspotTwin(q);
    if (twin && !(await this.#deps.store.links.byHubspotId(this.#connectionId, this.#flow.object, twin.id))) {
      await this.#applyPairs([{ hubspot: twin, qbo: q, link: undefined }]);
      return;
    }
    if (this.#settings.createInHubspot && !twin) await this.#createInHubspot([q]);
  }

  async #findHubspotTwin(q: QboEntity): Promise<HsObject | undefined> {
    const search = (propertyName: string, value: string) =>
      this.#deps.hubspot.search(this.#flow.hubspotType, {
        filters: [{ propertyName, operator: 'EQ', value }],
        properties: this.#hubspotProperties(),
        limit: 2,
      });
    // Our own earlier create names the QBO id: this is what keeps a retried create from duplicating.
    const byId = await search(this.#flow.qboIdProperty, q.Id);
    if (byId.length > 0) return byId[0];
    for (const key of this.#flow.matchOn) {
      const v = normalize(key.kind, this.#flow.qboFields[key.qboField]?.get(q as never));
      if (v === undefined) continue;
      const found = await search(key.hubspotProperty, v);
      if (found.length === 1) return found[0];
    }
    return undefined;
  }

  /**
   * Creates the QBO twin of a HubSpot record. QBO answers a repeated request id with its first answer, a fault
   * included (https://developer.intuit.com/app/developer/qbo/docs/develop/rest-api-features#idempotency), so the id
   * is derived from the record and the exact body sent: a retry after a lost response gets QBO's original answer
   * instead of a second entity, and a body that changed since (the user fixed a refused name, or we renamed on a
   * duplicate) is a new request.
   */
  async #createInQbo(h: HsObject): Promise<Pair> {
    const values = this.#fromHubspot(h);
    const outbound = Object.fromEntries(
      this.#settings.mappings.filter((m) => m.direction !== 'to_hubspot' && values[m.hubspotProperty] !== undefined).map((m) => [m.hubspotProperty, values[m.hubspotProperty]!]),
    );
    let body = this.#flow.newQboEntity(values, this.#settings);
    for (const [property, value] of Object.entries(outbound)) this.#qboFieldFor(property).set(body, value);
    for (let attempt = 0; ; attempt++) {
      try {
        const requestId = createHash('sha256').update(`${this.#connectionId}:${this.#flow.object}:${h.id}:${stableJson(body)}`).digest('hex').slice(0, 36);
        const created = (await this.#deps.qbo.create(this.#flow.qboEntity, body, { requestId })) as QboEntity;
        this.#sawQbo([created]);
        this.#counts.createdInQbo++;
        return { hubspot: h, qbo: created, link: undefined, created: { ...values, ...outbound } };
      } catch (err) {
        if (!(err instanceof QboApiError && err.kind === 'duplicate_name') || attempt >= DUPLICATE_NAME_ATTEMPTS) throw err;
        body = this.#flow.renameOnDuplicate(body, attempt + 1, values);
      }
    }
  }

  /**
   * Creates HubSpot twins of QBO entities in one batch, each carrying its QBO id. Each is created or refused on its
   * own: one HubSpot already has (a contact with that e-mail) is linked to it instead; any other refusal is logged
   * against that QBO entity and the rest are created.
   */
  async #createInHubspot(entities: QboEntity[]): Promise<void> {
    const inputs = entities.map((q) => {
      const values = this.#fromQbo(q);
      const properties: Record<string, string> = { [this.#flow.qboIdProperty]: q.Id };
      for (const m of this.#settings.mappings) {
        const v = values[m.hubspotProperty];
        if (m.direction !== 'to_qbo' && v !== undefined) properties[m.hubspotProperty] = v;
      }
      return { properties };
    });
    const outcomes = await this.#deps.hubspot.createEach(this.#flow.hubspotType, inputs);
    for (const [i, outcome] of outcomes.entries()) {
      const q = entities[i]!;
      const where = { qboId: q.Id, action: 'create', direction: 'to_hubspot' } as const;
      if (!outcome.ok) {
        if (outcome.error.kind === 'conflict' && entities.length > 1) await this.#guard({ ...where, action: 'match_or_create' }, () => this.#placeQboRecord(q));
        else await this.#failed(where, outcome.error);
        continue;
      }
      const h = outcome.record;
      this.#sawHubspot([h]);
      this.#counts.createdInHubspot++;
      const plan = planPair(this.#settings.mappings, this.#fromHubspot(h), this.#fromQbo(q), undefined);
      await this.#saveLink({ hubspot: h, qbo: q, link: undefined }, plan, q);
    }
  }

  // ── bookkeeping ───────────────────────────────────────────────────────────────────────────────────────

  /** True when none of these QBO entities is synced by this flow (each logged the first time it is met). */
  async #notSynced(entities: QboEntity[]): Promise<boolean> {
    return (await this.#withoutNotSynced(entities)).length === 0;
  }

  /** The entities this flow syncs; the others are logged as skipped, once per entity, with the reason. */
  async #withoutNotSynced(entities: QboEntity[]): Promise<QboEntity[]> {
    const skipped = entities.flatMap((q) => {
      const reason = this.#skipReason(q);
      return reason === undefined ? [] : [{ q, reason }];
    });
    if (skipped.length === 0) return entities;
    const logged = await this.#deps.store.syncLog.loggedQboIds(this.#connectionId, this.#flow.object, NOT_SYNCED, skipped.map((s) => s.q.Id));
    for (const { q, reason } of skipped) {
      this.#counts.skipped++;
      if (!logged.has(q.Id)) await this.#log({ qboId: q.Id, action: NOT_SYNCED, direction: 'to_hubspot', outcome: 'skipped', message: reason });
    }
    return entities.filter((q) => !skipped.some((s) => s.q === q));
  }

  async #skipDeleted(link: Link, side: 'hubspot' | 'qbo'): Promise<void> {
    this.#counts.skipped++;
    await this.#log({
      hubspotId: link.hubspotId,
      qboId: link.qboId,
      action: 'delete',
      direction: side === 'hubspot' ? 'to_qbo' : 'to_hubspot',
      outcome: 'skipped',
      message:
        side === 'hubspot'
          ? `The ${this.#flow.label.hubspot} was deleted in HubSpot; the QuickBooks ${this.#flow.label.qbo} was left as it is (deletes are not synced).`
          : `The ${this.#flow.label.qbo} was deleted or made inactive in QuickBooks; the HubSpot ${this.#flow.label.hubspot} was left as it is (deletes are not synced).`,
    });
  }

  /**
   * Runs one record's step. A validation fault is that record's problem: logged for the admin, the run goes
   * on. Rate limits and outages end the run for a retry with backoff; dead tokens end it for a reconnect.
   */
  async #guard<T>(where: Omit<SyncLogEntry, 'connectionId' | 'object' | 'outcome'>, step: () => Promise<T>): Promise<T | undefined> {
    try {
      return await step();
    } catch (err) {
      await this.#failed(where, err);
      return undefined;
    }
  }

  /** A record's failure: logged against it in plain words, unless it is the connection's or worth retrying later. */
  async #failed(where: Omit<SyncLogEntry, 'connectionId' | 'object' | 'outcome'>, err: unknown): Promise<void> {
    const failure = describeFailure(err);
    if (failure.reauth) throw new ReconnectRequired(failure.message, { cause: err });
    if (failure.retryable) {
      this.#retryLater ??= err;
      return;
    }
    this.#counts.failed++;
    this.#deps.log.warn({ err, connectionId: this.#connectionId, object: this.#flow.object, ...where }, 'record failed to sync');
    await this.#log({ ...where, outcome: 'failed', errorCode: failure.code, message: failure.message });
  }

  async #log(entry: Omit<SyncLogEntry, 'connectionId' | 'object'>): Promise<void> {
    await this.#deps.store.syncLog.record({ connectionId: this.#connectionId, object: this.#flow.object, at: this.#deps.now(), ...entry });
  }

  #finish(): SyncCounts {
    if (this.#retryLater !== undefined) {
      throw new RetryLater(`${describeFailure(this.#retryLater).message} The sync will be retried.`, { cause: this.#retryLater });
    }
    return { ...this.#counts };
  }
}
