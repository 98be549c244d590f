import { createHash } from 'node:crypto';
import type { HubSpotClient, HsObject } from '../../hubspot/client';
import { HubSpotApiError } from '../../hubspot/errors';
import type { Logger } from '../../log';
import { CDC_LOOKBACK_MS, CDC_MAX_OBJECTS, qboQuote, type QboClient, type QboUpdateBody } from '../../quickbooks/client';
import { QboApiError } from '../../quickbooks/errors';
import type { Link } from '../../store/links';
import type { Store } from '../../store/store';
import type { SyncLogEntry } from '../../store/sync-log';
import { describeFailure, ReconnectRequired, RetryLater } from '../shared/failures';
import { planPair, type PairPlan } from '../shared/plan';
import { chunk, mapPool } from '../shared/pool';
import { compact, contentHash, normalize, type FieldValues } from '../shared/values';
import type { TwoWayFlow } from './flow';
import type { FlowSettings } from './settings';

type QboEntity = { Id: string; SyncToken?: string | undefined; Active?: boolean | undefined };

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
  counts: Pick<SyncCounts, 'linked' | 'createdInHubspot' | 'createdInQbo' | 'updatedHubspot' | 'updatedQbo' | 'unchanged' | 'conflicts'>;
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
/** HubSpot's search index lags writes by seconds (D-search): a minute's margin before trusting it. */
const HUBSPOT_INDEX_LAG_MS = 60_000;
const DUPLICATE_NAME_ATTEMPTS = 5;

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

interface Pair {
  hubspot: HsObject;
  qbo: QboEntity;
  link: Link | undefined;
  matchedOn?: string;
  /** For a pair we just created: the values we wrote, so the plan sees only what QBO itself changed. */
  created?: FieldValues;
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

    const pairs: Pair[] = [];
    for (const link of links) {
      const h = hubspotRecords.get(link.hubspotId);
      const q = qboRecords.get(link.qboId);
      if (!h || !q || q.Active === false) {
        await this.#skipDeleted(link, !h ? 'hubspot' : 'qbo');
        continue;
      }
      const hubspotEcho = contentHash(this.#fromHubspot(h)) === link.hubspotHash;
      const qboEcho = contentHash(this.#fromQbo(q)) === link.qboHash;
      if (hubspotEcho && qboEcho) {
        this.#counts.unchanged++;
        continue;
      }
      pairs.push({ hubspot: h, qbo: q, link });
    }
    await this.#applyPairs(pairs);

    await mapPool(unlinkedHubspot, QBO_CONCURRENCY, async (id) => {
      const h = hubspotRecords.get(id);
      if (h) await this.#guard({ hubspotId: id, action: 'match_or_create', direction: 'to_qbo' }, () => this.#placeHubspotRecord(h));
    });
    await mapPool(unlinkedQbo, QBO_CONCURRENCY, async (id) => {
      const q = qboRecords.get(id);
      if (q && q.Active !== false) await this.#guard({ qboId: id, action: 'match_or_create', direction: 'to_hubspot' }, () => this.#placeQboRecord(q));
    });
    return this.#finish();
  }

  /**
   * Reconciliation: everything modified on either side since the checkpoints, whether or not a webhook said
   * so. Each checkpoint says "everything changed before this has been seen", so the next request asks for less:
   * - HubSpot: the pass start minus the search index's lag (records written just before may not be searchable
   *   yet, D-search); the next pass re-reads that last minute, and echoes of it cost no write.
   * - QBO: the newest LastUpdatedTime seen, QBO's own clock, so skew between our clocks cannot skip a change.
   */
  async reconcile(): Promise<SyncCounts> {
    const { store, hubspot, now } = this.#deps;
    const object = this.#flow.object;
    const startedAt = now().getTime();
    const hsCursor = await store.checkpoints.get(this.#connectionId, object, 'hubspot');
    const qboCursor = await store.checkpoints.get(this.#connectionId, object, 'qbo');
    const hsSince = new Date(hsCursor ? Date.parse(hsCursor) : startedAt - HUBSPOT_INDEX_LAG_MS);
    const qboSince = new Date(qboCursor ? Date.parse(qboCursor) : startedAt);

    const hubspotIds: string[] = [];
    for await (const page of hubspot.modifiedSince(this.#flow.hubspotType, hsSince, this.#hubspotProperties())) {
      for (const o of page) hubspotIds.push(o.id);
    }
    const qboIds: string[] = [];
    let qboNewest = qboSince.getTime();
    for (const e of await this.#qboChangedSince(qboSince)) {
      qboIds.push(e.Id);
      const updated = (e as { MetaData?: { LastUpdatedTime?: string } }).MetaData?.LastUpdatedTime;
      if (updated) qboNewest = Math.max(qboNewest, Date.parse(updated));
    }

    const counts = await this.syncChanged({ hubspotIds, qboIds });
    const hsNext = Math.max(hsSince.getTime(), startedAt - HUBSPOT_INDEX_LAG_MS);
    await store.checkpoints.set(this.#connectionId, object, 'hubspot', new Date(hsNext).toISOString());
    await store.checkpoints.set(this.#connectionId, object, 'qbo', new Date(qboNewest).toISOString());
    return counts;
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
    const { pairs, onlyHubspot, onlyQbo } = await this.#matchAll();
    const preview: FirstSyncPreview = {
      counts: { linked: 0, createdInHubspot: 0, createdInQbo: 0, updatedHubspot: 0, updatedQbo: 0, unchanged: 0, conflicts: 0 },
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
    const { store, now } = this.#deps;
    const startedAt = now().toISOString();
    const { pairs, onlyHubspot, onlyQbo } = await this.#matchAll();
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
    await store.checkpoints.set(this.#connectionId, this.#flow.object, 'hubspot', new Date(Date.parse(startedAt) - HUBSPOT_INDEX_LAG_MS).toISOString());
    await store.checkpoints.set(this.#connectionId, this.#flow.object, 'qbo', startedAt);
    return this.#finish();
  }

  /** Every record on both sides, paired by existing link first, then by the flow's match keys in order. */
  async #matchAll(): Promise<{ pairs: Pair[]; onlyHubspot: HsObject[]; onlyQbo: QboEntity[] }> {
    const { hubspot, qbo, store } = this.#deps;
    const hubspotAll: HsObject[] = [];
    for await (const page of hubspot.listAll(this.#flow.hubspotType, this.#hubspotProperties())) hubspotAll.push(...page.filter((o) => !o.archived));
    const qboAll = (await qbo.query(this.#flow.qboEntity)) as QboEntity[];

    const links = await store.links.list(this.#connectionId, this.#flow.object);
    const qboById = new Map(qboAll.map((q) => [q.Id, q]));
    const pairedHs = new Set<string>();
    const pairedQbo = new Set<string>();
    const pairs: Pair[] = [];
    for (const link of links) {
      const h = hubspotAll.find((o) => o.id === link.hubspotId);
      const q = qboById.get(link.qboId);
      if (h && q) pairs.push({ hubspot: h, qbo: q, link });
      pairedHs.add(link.hubspotId);
      pairedQbo.add(link.qboId);
    }

    for (const key of this.#flow.matchOn) {
      const qboByKey = new Map<string, QboEntity>();
      for (const q of qboAll) {
        if (pairedQbo.has(q.Id)) continue;
        const v = normalize(key.kind, this.#flow.qboFields[key.qboField]?.get(q as never));
        // Two QBO records with the same key are ambiguous: neither is matched automatically.
        if (v !== undefined) qboByKey.set(v.toLowerCase(), qboByKey.has(v.toLowerCase()) ? { Id: '' } : q);
      }
      for (const h of hubspotAll) {
        if (pairedHs.has(h.id)) continue;
        const v = normalize(key.kind, h.properties[key.hubspotProperty]);
        const q = v === undefined ? undefined : qboByKey.get(v.toLowerCase());
        if (!q || q.Id === '' || pairedQbo.has(q.Id)) continue;
        pairs.push({ hubspot: h, qbo: q, link: undefined, matchedOn: key.hubspotProperty });
        pairedHs.add(h.id);
        pairedQbo.add(q.Id);
      }
    }
    return {
      pairs,
      onlyHubspot: hubspotAll.filter((h) => !pairedHs.has(h.id)),
      onlyQbo: qboAll.filter((q) => !pairedQbo.has(q.Id)),
    };
  }

  // ── the per-pair step ─────────────────────────────────────────────────────────────────────────────────

  #plan(p: Pair): PairPlan {
    return planPair(this.#settings.mappings, this.#fromHubspot(p.hubspot), this.#fromQbo(p.qbo), p.link?.syncedValues ?? p.created);
  }

  /** Plans every pair, writes QBO one entity at a time (sparse updates), HubSpot in batches of 100. */
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
      await this.#guard({ action: 'update', direction: 'to_hubspot' }, async () => {
        const inputs = part.map(({ pair, plan }) => ({
          id: pair.hubspot.id,
          properties: { ...plan.toHubspot, [this.#flow.qboIdProperty]: pair.qbo.Id },
        }));
        await this.#deps.hubspot.update(this.#flow.hubspotType, inputs);
        for (const w of part) {
          if (Object.keys(w.plan.toHubspot).length > 0) this.#counts.updatedHubspot++;
          await this.#saveLink(w.pair, w.plan, w.qboAfter);
        }
      });
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
    await this.#deps.store.links.save(
      {
        connectionId: this.#connectionId,
        object: this.#flow.object,
        hubspotId: pair.hubspot.id,
        qboId: pair.qbo.Id,
        hubspotHash: contentHash(hubspotAfter),
        qboHash: contentHash(this.#fromQbo(qboAfter)),
        qboSyncToken: qboAfter.SyncToken,
        syncedValues: plan.synced,
      },
      this.#deps.now(),
    );
    if (!pair.link) this.#counts.linked++;
    if (Object.keys(plan.toHubspot).length === 0 && Object.keys(plan.toQbo).length === 0 && pair.link) this.#counts.unchanged++;
  }

  // ── records that exist on one side only ───────────────────────────────────────────────────────────────

  /** A new HubSpot record: link it to its QBO twin if one matches, else create it in QBO. */
  async #placeHubspotRecord(h: HsObject): Promise<void> {
    const linkedQboId = h.properties[this.#flow.qboIdProperty];
    const twin = linkedQboId ? (await this.#readQbo([linkedQboId])).get(linkedQboId) : await this.#findQboTwin(h);
    if (twin && !(await this.#deps.store.links.byQboId(this.#connectionId, this.#flow.object, twin.Id))) {
      await this.#applyPairs([{ hubspot: h, qbo: twin, link: undefined }]);
      return;
    }
    if (!this.#settings.createInQbo) return;
    const created = await this.#createInQbo(h);
    await this.#applyPairs([created]);
  }

  async #findQboTwin(h: HsObject): Promise<QboEntity | undefined> {
    for (const key of this.#flow.matchOn) {
      const v = normalize(key.kind, h.properties[key.hubspotProperty]);
      if (v === undefined) continue;
      const found = (await this.#deps.qbo.query(this.#flow.qboEntity, `${key.qboQueryField} = ${qboQuote(v)}`)) as QboEntity[];
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
   * Creates the QBO twin of a HubSpot record. The request id is derived from the record, so a retry after a
   * lost response returns QBO's original answer instead of a second entity (qbo-api.md §2.2 `requestid`).
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
        // A new body gets a new request id: QBO answers a repeated id with its first answer, fault included.
        const requestId = createHash('sha256').update(`${this.#connectionId}:${this.#flow.object}:${h.id}:${attempt}`).digest('hex').slice(0, 36);
        const created = (await this.#deps.qbo.create(this.#flow.qboEntity, body, { requestId })) as QboEntity;
        this.#counts.createdInQbo++;
        return { hubspot: h, qbo: created, link: undefined, created: { ...values, ...outbound } };
      } catch (err) {
        if (!(err instanceof QboApiError && err.kind === 'duplicate_name') || attempt >= DUPLICATE_NAME_ATTEMPTS) throw err;
        body = this.#flow.renameOnDuplicate(body, attempt + 1, values);
      }
    }
  }

  /** Creates HubSpot twins of QBO entities in one batch, each carrying its QBO id. */
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
    let created: HsObject[];
    try {
      created = await this.#deps.hubspot.create(this.#flow.hubspotType, inputs);
    } catch (err) {
      // A batch fails whole on one conflict (e.g. a contact e-mail that now exists): place them one by one.
      if (!(err instanceof HubSpotApiError && err.kind === 'conflict') || entities.length === 1) throw err;
      for (const q of entities) await this.#guard({ qboId: q.Id, action: 'match_or_create', direction: 'to_hubspot' }, () => this.#placeQboRecord(q));
      return;
    }
    for (const [i, h] of created.entries()) {
      const q = entities[i]!;
      this.#counts.createdInHubspot++;
      const plan = planPair(this.#settings.mappings, this.#fromHubspot(h), this.#fromQbo(q), undefined);
      await this.#saveLink({ hubspot: h, qbo: q, link: undefined }, plan, q);
    }
  }

  // ── bookkeeping ───────────────────────────────────────────────────────────────────────────────────────

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
      const failure = describeFailure(err);
      if (failure.reauth) throw new ReconnectRequired(failure.message, { cause: err });
      if (failure.retryable) {
        this.#retryLater ??= err;
        return undefined;
      }
      this.#counts.failed++;
      this.#deps.log.warn({ err, connectionId: this.#connectionId, object: this.#flow.object, ...where }, 'record failed to sync');
      await this.#log({ ...where, outcome: 'failed', errorCode: failure.code, message: failure.message });
      return undefined;
    }
  }

  async #log(entry: Omit<SyncLogEntry, 'connectionId' | 'object'>): Promise<void> {
    await this.#deps.store.syncLog.record({ connectionId: this.#connectionId, object: this.#flow.object, ...entry });
  }

  #finish(): SyncCounts {
    if (this.#retryLater !== undefined) {
      throw new RetryLater(`${describeFailure(this.#retryLater).message} The sync will be retried.`, { cause: this.#retryLater });
    }
    return { ...this.#counts };
  }
}
