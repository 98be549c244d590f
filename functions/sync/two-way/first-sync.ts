import type { HsObject } from '../../hubspot/client';
import type { Progress } from '../flow';
import { chunk } from '../shared/pool';
import { normalize, type FieldValues } from '../shared/values';
import { saveCheckpoints } from './changes';
import { pairRecords } from './matching';
import { applyPairs, plan } from './pairs';
import { type QboEntity, type SyncCounts, type TwoWayRun } from './run';
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

/**
 * Every record on both sides, paired by existing link first, then by the QBO id a HubSpot record carries, then by the
 * flow's match keys in order (linear in the number of records: see matching.ts). QBO entities the flow does not sync
 * take no part.
 */
async function matchAll(run: TwoWayRun): Promise<ReturnType<typeof pairRecords<HsObject, QboEntity>> & { notSynced: QboEntity[] }> {
  const { hubspot, qbo, store, connectionId } = run.ctx;
  const { spec, fields } = run;
  const hubspotAll: HsObject[] = [];
  for await (const page of hubspot.listAll(spec.hubspotType, fields.hubspotProperties())) hubspotAll.push(...page.filter((o) => !o.archived));
  run.newest.sawHubspot(hubspotAll);
  const qboAll = (await qbo.query(spec.qboEntity)) as QboEntity[];
  run.newest.sawQbo(qboAll);
  const notSynced = qboAll.filter((q) => fields.skipReason(q) !== undefined);
  const syncable = qboAll.filter((q) => fields.skipReason(q) === undefined);

  const links = await store.links.list(connectionId, spec.object);
  const keys = [
    { name: spec.qboIdProperty, hubspot: (h: HsObject) => h.properties[spec.qboIdProperty] ?? undefined, qbo: (q: QboEntity) => q.Id },
    ...spec.matchOn.map((key) => ({
      name: key.hubspotProperty,
      hubspot: (h: HsObject) => normalize(key.kind, h.properties[key.hubspotProperty]),
      qbo: (q: QboEntity) => normalize(key.kind, spec.qboFields[key.qboField]?.get(q)),
    })),
  ];
  return { ...pairRecords(hubspotAll, syncable, links, keys), notSynced };
}

/** What the first sync would do, without writing anything. */
export async function preview(run: TwoWayRun): Promise<FirstSyncPreview> {
  const { settings } = run.ctx;
  const { pairs, onlyHubspot, onlyQbo, notSynced } = await matchAll(run);
  const out: FirstSyncPreview = {
    counts: { linked: 0, createdInHubspot: 0, createdInQbo: 0, updatedHubspot: 0, updatedQbo: 0, unchanged: 0, conflicts: 0, skipped: notSynced.length },
    samples: { linked: [], createInQbo: [], createInHubspot: [], updates: [] },
  };
  for (const p of pairs) {
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
    out.counts.createdInQbo = onlyHubspot.length;
    out.samples.createInQbo = onlyHubspot.slice(0, SAMPLE_SIZE).map((h) => ({ hubspotId: h.id, values: run.fields.fromHubspot(h) }));
  }
  if (settings.createInHubspot) {
    out.counts.createdInHubspot = onlyQbo.length;
    out.samples.createInHubspot = onlyQbo.slice(0, SAMPLE_SIZE).map((q) => ({ qboId: q.Id, values: run.fields.fromQbo(q) }));
  }
  return out;
}

/** Links matches, creates what exists on one side only, and sets the checkpoints reconciliation starts from. */
export async function firstSync(run: TwoWayRun, progress: Progress): Promise<SyncCounts> {
  const { settings } = run.ctx;
  const { pairs, onlyHubspot, onlyQbo, notSynced } = await matchAll(run);
  await withoutNotSynced(run, notSynced);
  const total = pairs.length + (settings.createInQbo ? onlyHubspot.length : 0) + (settings.createInHubspot ? onlyQbo.length : 0);
  let done = 0;
  const step = (phase: string, n: number) => progress({ phase, done: (done += n), total });

  for (const part of chunk(pairs, 100)) {
    await applyPairs(run, part);
    step('link matches', part.length);
  }
  if (settings.createInQbo) {
    // Created in QBO by batch requests of 30, then linked back to HubSpot 100 per batch call.
    for (const part of chunk(onlyHubspot, CREATE_STEP)) {
      await applyPairs(run, await createManyInQbo(run, part));
      step('create in QuickBooks', part.length);
    }
  }
  if (settings.createInHubspot) {
    for (const part of chunk(onlyQbo, 100)) {
      await run.book.guard({ action: 'create', direction: 'to_hubspot' }, () => createInHubspot(run, part));
      step('create in HubSpot', part.length);
    }
  }
  // Both checkpoints in their provider's clock: the newest modification each side showed us.
  await saveCheckpoints(run, 0, 0);
  return run.book.finish();
}
