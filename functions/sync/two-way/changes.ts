import type { HsObject } from '../../hubspot/client';
import type { Link } from '../../store/links';
import { mapPool } from '../shared/pool';
import { contentHash } from '../shared/values';
import { applyPairs } from './pairs';
import { placeHubspotRecord, placeQboRecord } from './placement';
import { QBO_CONCURRENCY, readHubspot, readQbo, type Pair, type QboEntity, type SyncCounts, type TwoWayRun } from './run';
import { skipDeleted, withoutNotSynced } from './skips';

/**
 * How far the HubSpot checkpoint stays behind the newest modification HubSpot returned. HubSpot's search shows a
 * write only "after a few moments" (https://developers.hubspot.com/docs/api-reference/latest/crm/search-the-crm), so a
 * record modified just before the newest one seen may not have been searchable yet; the next pass looks again. What it
 * finds again with the values we last synced is skipped, so the margin costs no sync work.
 */
const HUBSPOT_CHECKPOINT_MARGIN_MS = 5 * 60_000;

/** What a changes run is to sync: the records named, and what is already known of them. */
export interface Changed {
  hubspotIds: readonly string[];
  qboIds: readonly string[];
  /** QBO entities the caller has just read (reconciliation's change feed): not read again. */
  qboRead?: ReadonlyMap<string, QboEntity>;
}

/**
 * Syncs the records a notification or a reconciliation pass named. HubSpot records are read fresh (notifications are
 * hints, not data), and so are the QBO entities QBO's notifications named, all in one query. A linked QBO entity that
 * only HubSpot's side named is not read: the link holds it as our last sync left it (the answer to our write, or what we
 * last read). Intuit meters reads and advises against re-reading after a write
 * (https://blogs.a.intuit.com/2025/10/24/best-practices-for-intuit-api-optimization-part-2); a version we did not know
 * of still cannot be overwritten, since the write carries the SyncToken we hold and QBO refuses a stale one (5010,
 * then write-qbo.ts reads and plans again). A pair whose mapped values on both sides still hash to what we last wrote
 * is an echo of our own write, or a change to fields we do not map: nothing is planned or written for it.
 */
export async function syncChanged(run: TwoWayRun, changed: Changed): Promise<SyncCounts> {
  const { store, connectionId } = run.ctx;
  const object = run.spec.object;
  const hubspotIds = [...new Set(changed.hubspotIds)];
  const qboIds = [...new Set(changed.qboIds)];

  const byHubspot = await store.links.forIds(connectionId, object, 'hubspot', hubspotIds);
  const byQbo = await store.links.forIds(connectionId, object, 'qbo', qboIds);
  const linksByHubspot = new Map<string, Link>([...byHubspot, ...byQbo].map((l) => [l.hubspotId, l]));
  const linkedQbo = new Set(byQbo.map((l) => l.qboId));
  const unlinkedHubspot = hubspotIds.filter((id) => !linksByHubspot.has(id));
  const unlinkedQbo = qboIds.filter((id) => !linkedQbo.has(id));

  const links = [...linksByHubspot.values()];
  const read = changed.qboRead ?? new Map<string, QboEntity>();
  const known = heldQboState(links, new Set(qboIds));
  const hubspotRecords = await readHubspot(run, [...links.map((l) => l.hubspotId), ...unlinkedHubspot]);
  const qboRecords = new Map([
    ...known,
    ...read,
    ...(await readQbo(
      run,
      [...links.map((l) => l.qboId), ...unlinkedQbo].filter((id) => !known.has(id) && !read.has(id)),
    )),
  ]);
  run.newest.sawHubspot([...hubspotRecords.values()]);

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
      await skipDeleted(run, link, 'qbo');
      continue;
    }
    if ((await withoutNotSynced(run, [q])).length === 0) continue;
    const hubspotEcho = contentHash(run.fields.fromHubspot(h)) === link.hubspotHash;
    const qboEcho = contentHash(run.fields.fromQbo(q)) === link.qboHash;
    if (hubspotEcho && qboEcho) {
      run.book.counts.unchanged++;
      continue;
    }
    pairs.push({ hubspot: h, qbo: q, link });
  }
  await applyPairs(run, pairs);

  // A record created again, or the survivor of a merge, may take over the link of one that is gone: placed before
  // the gone ones are reported, so only a delete nothing replaced is logged as one.
  const takenOver = new Set<string>();
  await mapPool(unlinkedHubspot, QBO_CONCURRENCY, async (id) => {
    const h = hubspotRecords.get(id);
    if (h) await run.book.guard({ hubspotId: id, action: 'match_or_create', direction: 'to_qbo' }, () => placeHubspotRecord(run, h, takenOver));
  });
  for (const link of goneFromHubspot) if (!takenOver.has(link.hubspotId)) await skipDeleted(run, link, 'hubspot');

  const newInQbo = unlinkedQbo.flatMap((id) => {
    const q = qboRecords.get(id);
    return q && q.Active !== false ? [q] : [];
  });
  const syncable = await withoutNotSynced(run, newInQbo);
  await mapPool(syncable, QBO_CONCURRENCY, (q) =>
    run.book.guard({ qboId: q.Id, action: 'match_or_create', direction: 'to_hubspot' }, () => placeQboRecord(run, q)),
  );
  return run.book.finish();
}

/** The QBO entities of these links as our last sync left them, where QBO did not name the entity as changed. */
function heldQboState(links: readonly Link[], namedByQbo: ReadonlySet<string>): Map<string, QboEntity> {
  return new Map(links.flatMap((l) => (l.qboEntity === undefined || namedByQbo.has(l.qboId) ? [] : [[l.qboId, l.qboEntity as QboEntity] as const])));
}

/**
 * Reconciliation: everything modified on either side since the checkpoints, whether or not a webhook said so. Each
 * checkpoint is in its provider's own clock, so skew between our clock and theirs cannot skip a change:
 * - HubSpot: the newest modification time HubSpot returned, less a margin for its search index's lag; records found
 *   again in the margin with the values we last synced are skipped.
 * - QBO: the newest LastUpdatedTime its change feed returned; an entity whose SyncToken is the version we last synced
 *   is skipped.
 */
export async function reconcile(run: TwoWayRun): Promise<SyncCounts> {
  const { store, hubspot, qbo, connectionId, now } = run.ctx;
  const object = run.spec.object;
  const hubspotCursor = await store.checkpoints.get(connectionId, object, 'hubspot');
  const hubspotSince = hubspotCursor ? Date.parse(hubspotCursor) : 0;
  const qboCursor = await store.checkpoints.get(connectionId, object, 'qbo');
  const qboSince = new Date(qboCursor ? Date.parse(qboCursor) : now().getTime());

  const hubspotChanged: HsObject[] = [];
  for await (const page of hubspot.modifiedSince(run.spec.hubspotType, new Date(hubspotSince), run.fields.hubspotProperties())) hubspotChanged.push(...page);
  run.newest.sawHubspot(hubspotChanged);
  // Found again in the margin with the values we last synced: nothing to do (the search returns the mapped values).
  const hubspotHashes = new Map(
    (
      await store.links.forIds(
        connectionId,
        object,
        'hubspot',
        hubspotChanged.map((o) => o.id),
      )
    ).map((l) => [l.hubspotId, l.hubspotHash]),
  );
  const hubspotIds = hubspotChanged.filter((o) => hubspotHashes.get(o.id) !== contentHash(run.fields.fromHubspot(o))).map((o) => o.id);

  const qboChanged: QboEntity[] = [];
  for await (const page of qbo.changedSince([run.spec.qboEntity], qboSince)) qboChanged.push(...(page.rows as QboEntity[]));
  const live = qboChanged.filter((e) => (e as { status?: string }).status !== 'Deleted');
  run.newest.sawQbo(qboChanged);
  // The checkpoint's own entity comes back every pass (LastUpdatedTime ≥ it): a version already synced is skipped.
  const synced = new Map(
    (
      await store.links.forIds(
        connectionId,
        object,
        'qbo',
        qboChanged.map((e) => e.Id),
      )
    ).map((l) => [l.qboId, l.qboSyncToken]),
  );
  const qboIds = [...new Set(qboChanged.filter((e) => e.SyncToken === undefined || synced.get(e.Id) !== e.SyncToken).map((e) => e.Id))];

  // The change feed returned whole entities: synced as read, not read again (a deleted one is, and is found gone).
  const counts = await syncChanged(run, { hubspotIds, qboIds, qboRead: new Map(live.map((e) => [e.Id, e])) });
  await saveCheckpoints(run, hubspotSince, qboSince.getTime());
  return counts;
}

/**
 * Both checkpoints after a run, never backwards: HubSpot's from the newest modification it showed us less the margin,
 * QBO's from the newest LastUpdatedTime it showed us.
 */
export async function saveCheckpoints(run: TwoWayRun, hubspotPrevious: number, qboPrevious: number): Promise<void> {
  const { store, connectionId } = run.ctx;
  const hubspotSince = Math.max(hubspotPrevious, run.newest.hubspot - HUBSPOT_CHECKPOINT_MARGIN_MS);
  await store.checkpoints.set(connectionId, run.spec.object, 'hubspot', new Date(hubspotSince).toISOString());
  await store.checkpoints.set(connectionId, run.spec.object, 'qbo', new Date(Math.max(qboPrevious, run.newest.qbo)).toISOString());
}
