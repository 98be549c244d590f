import type { HsObject } from '../../hubspot/client';
import type { Progress } from '../flow';
import { chunk } from '../shared/pool';
import { normalize, type FieldValues } from '../shared/values';
import { saveCheckpoints } from './changes';
import { pairRecords } from './matching';
import { applyPairs, plan } from './pairs';
import { type Pair, type QboEntity, type SyncCounts, type TwoWayRun } from './run';
import { withoutNotSynced } from './skips';
import { createInHubspot } from './write-hubspot';
import { createManyInQbo } from './write-qbo';

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

const SAMPLE_SIZE = 5;
/** Records created in QBO per progress step: ten batch requests, linked back in three HubSpot batch updates. */
const CREATE_STEP = 300;

/** What matching keeps of a HubSpot record: its id and the values of its match keys, not the record itself. */
interface HubspotKeys {
  id: string;
  keys: (string | undefined)[];
}

/** Matching's decisions by HubSpot id; the HubSpot records themselves are read again, page by page (`hubspotPages`). */
interface Matched {
  pairs: Map<string, Omit<Pair, 'hubspot'>>;
  onlyHubspot: Set<string>;
  onlyQbo: QboEntity[];
  notSynced: QboEntity[];
}

/**
 * Every record on both sides, paired by existing link first, then by the QBO id a HubSpot record carries, then by the
 * flow's match keys in order (linear in the number of records: see matching.ts). QBO entities the flow does not sync
 * take no part. Of the HubSpot side only ids and key values are held, so a portal of 100,000 contacts is never in
 * memory at once; the QBO side is held whole (the pairs are planned against it).
 */
async function matchAll(run: TwoWayRun): Promise<Matched> {
  const { hubspot, qbo, store, connectionId } = run.ctx;
  const { spec, fields } = run;
  const hubspotKeys = [
    (h: HsObject) => h.properties[spec.qboIdProperty] ?? undefined,
    ...spec.matchOn.map((key) => (h: HsObject) => normalize(key.kind, h.properties[key.hubspotProperty])),
  ];
  const hubspotAll: HubspotKeys[] = [];
  for await (const page of hubspot.listAll(spec.hubspotType, fields.hubspotProperties())) {
    const live = page.filter((o) => !o.archived);
    run.newest.sawHubspot(live);
    for (const h of live) hubspotAll.push({ id: h.id, keys: hubspotKeys.map((key) => key(h)) });
  }
  const qboAll = (await qbo.query(spec.qboEntity)) as QboEntity[];
  run.newest.sawQbo(qboAll);
  const notSynced = qboAll.filter((q) => fields.skipReason(q) !== undefined);
  const syncable = qboAll.filter((q) => fields.skipReason(q) === undefined);

  const links = await store.links.list(connectionId, spec.object);
  const keys = [
    { name: spec.qboIdProperty, hubspot: (h: HubspotKeys) => h.keys[0], qbo: (q: QboEntity) => q.Id },
    ...spec.matchOn.map((key, i) => ({
      name: key.hubspotProperty,
      hubspot: (h: HubspotKeys) => h.keys[i + 1],
      qbo: (q: QboEntity) => normalize(key.kind, spec.qboFields[key.qboField]?.get(q)),
    })),
  ];
  const matched = pairRecords(hubspotAll, syncable, links, keys);
  return {
    pairs: new Map(matched.pairs.map(({ hubspot, ...pair }) => [hubspot.id, pair])),
    onlyHubspot: new Set(matched.onlyHubspot.map((h) => h.id)),
    onlyQbo: matched.onlyQbo,
    notSynced,
  };
}

/**
 * The HubSpot records again, a page at a time, each with what matching decided for it. A record created since
 * matching is left for reconciliation; one deleted since is simply not met.
 */
async function* hubspotPages(run: TwoWayRun, matched: Matched): AsyncGenerator<{ pairs: Pair[]; onlyHubspot: HsObject[] }> {
  for await (const page of run.ctx.hubspot.listAll(run.spec.hubspotType, run.fields.hubspotProperties())) {
    const pairs: Pair[] = [];
    const onlyHubspot: HsObject[] = [];
    for (const h of page) {
      if (h.archived) continue;
      const pair = matched.pairs.get(h.id);
      if (pair !== undefined) pairs.push({ ...pair, hubspot: h });
      else if (matched.onlyHubspot.has(h.id)) onlyHubspot.push(h);
    }
    yield { pairs, onlyHubspot };
  }
}

/** What the first sync would do, without writing anything. */
export async function preview(run: TwoWayRun): Promise<FirstSyncPreview> {
  const { settings } = run.ctx;
  const matched = await matchAll(run);
  const out: FirstSyncPreview = {
    counts: {
      linked: 0,
      createdInHubspot: 0,
      createdInQbo: 0,
      updatedHubspot: 0,
      updatedQbo: 0,
      unchanged: 0,
      conflicts: 0,
      skipped: matched.notSynced.length,
    },
    samples: { linked: [], createInQbo: [], createInHubspot: [], updates: [] },
  };
  for await (const page of hubspotPages(run, matched)) {
    for (const p of page.pairs) {
      const planned = plan(run, p);
      out.counts.linked++;
      out.counts.conflicts += planned.conflicts.length;
      const hasHs = Object.keys(planned.toHubspot).length > 0;
      const hasQbo = Object.keys(planned.toQbo).length > 0;
      if (hasHs) out.counts.updatedHubspot++;
      if (hasQbo) out.counts.updatedQbo++;
      if (!hasHs && !hasQbo) out.counts.unchanged++;
      if (out.samples.linked.length < SAMPLE_SIZE) out.samples.linked.push({ hubspotId: p.hubspot.id, qboId: p.qbo.Id, matchedOn: p.matchedOn ?? 'link' });
      if ((hasHs || hasQbo) && out.samples.updates.length < SAMPLE_SIZE) {
        out.samples.updates.push({ hubspotId: p.hubspot.id, qboId: p.qbo.Id, toHubspot: planned.toHubspot, toQbo: planned.toQbo });
      }
    }
    if (settings.createInQbo) {
      for (const h of page.onlyHubspot.slice(0, SAMPLE_SIZE - out.samples.createInQbo.length)) {
        out.samples.createInQbo.push({ hubspotId: h.id, values: run.fields.fromHubspot(h) });
      }
    }
  }
  if (settings.createInQbo) out.counts.createdInQbo = matched.onlyHubspot.size;
  if (settings.createInHubspot) {
    out.counts.createdInHubspot = matched.onlyQbo.length;
    out.samples.createInHubspot = matched.onlyQbo.slice(0, SAMPLE_SIZE).map((q) => ({ qboId: q.Id, values: run.fields.fromQbo(q) }));
  }
  return out;
}

/**
 * Links matches, creates what exists on one side only, and sets the checkpoints reconciliation starts from. Streams:
 * HubSpot records are read a page at a time and at most `CREATE_STEP` wait for their QBO batch requests.
 */
export async function firstSync(run: TwoWayRun, progress: Progress): Promise<SyncCounts> {
  const { settings } = run.ctx;
  const matched = await matchAll(run);
  await withoutNotSynced(run, matched.notSynced);
  const total = matched.pairs.size + (settings.createInQbo ? matched.onlyHubspot.size : 0) + (settings.createInHubspot ? matched.onlyQbo.length : 0);
  let done = 0;
  const step = (phase: string, n: number) => progress({ phase, done: (done += n), total });

  // Created in QBO by batch requests of 30, then linked back to HubSpot 100 per batch call.
  const toCreate: HsObject[] = [];
  const create = async (records: HsObject[]) => {
    await applyPairs(run, await createManyInQbo(run, records));
    step('create in QuickBooks', records.length);
  };
  for await (const page of hubspotPages(run, matched)) {
    if (page.pairs.length > 0) {
      await applyPairs(run, page.pairs);
      step('link matches', page.pairs.length);
    }
    if (!settings.createInQbo) continue;
    toCreate.push(...page.onlyHubspot);
    if (toCreate.length >= CREATE_STEP) await create(toCreate.splice(0));
  }
  if (toCreate.length > 0) await create(toCreate.splice(0));
  if (settings.createInHubspot) {
    for (const part of chunk(matched.onlyQbo, 100)) {
      await run.book.guard({ action: 'create', direction: 'to_hubspot' }, () => createInHubspot(run, part));
      step('create in HubSpot', part.length);
    }
  }
  // Both checkpoints in their provider's clock: the newest modification each side showed us.
  await saveCheckpoints(run, 0, 0);
  return run.book.finish();
}
