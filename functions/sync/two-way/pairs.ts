import type { Link } from '../../store/links';
import { planPair, type PairPlan, type SyncBase } from '../shared/plan';
import { mapPool } from '../shared/pool';
import { contentHash } from '../shared/values';
import { QBO_CONCURRENCY, type Pair, type QboEntity, type TwoWayRun } from './run';
import { writeHubspotSide, type HubspotWrite } from './write-hubspot';
import { writeQboSide } from './write-qbo';

/** The per-pair plan: field by field against what the last sync left (or, for a pair just created, what we wrote). */
export function plan(run: TwoWayRun, p: Pair): PairPlan {
  const base: SyncBase | undefined = p.link?.syncedValues
    ? { values: p.link.syncedValues, clearedOn: p.link.clearedOn }
    : p.created
      ? { values: p.created }
      : undefined;
  return planPair(run.ctx.settings.mappings, run.fields.fromHubspot(p.hubspot), run.fields.fromQbo(p.qbo), base);
}

/**
 * Plans every pair and writes what differs: QBO one entity at a time (sparse updates), HubSpot in batches of 100
 * where each record is written or refused on its own. Then each pair's link remembers what both sides now hold.
 */
export async function applyPairs(run: TwoWayRun, pairs: Pair[]): Promise<void> {
  const hubspotWrites: HubspotWrite[] = [];
  await mapPool(pairs, QBO_CONCURRENCY, async (pair) => {
    await run.book.guard({ hubspotId: pair.hubspot.id, qboId: pair.qbo.Id, action: 'update', direction: 'to_qbo' }, async () => {
      const { plan, qboAfter } = await writeQboSide(run, pair);
      run.book.counts.conflicts += plan.conflicts.length;
      if (Object.keys(plan.toHubspot).length > 0 || !pair.link || pair.hubspot.properties[run.spec.qboIdProperty] !== pair.qbo.Id) {
        hubspotWrites.push({ pair, plan, qboAfter });
      } else {
        await saveLink(run, pair, plan, qboAfter);
      }
    });
  });
  await writeHubspotSide(run, hubspotWrites);
}

export async function saveLink(run: TwoWayRun, pair: Pair, plan: PairPlan, qboAfter: QboEntity): Promise<void> {
  const { connectionId, store, now } = run.ctx;
  const hubspotAfter = { ...run.fields.fromHubspot(pair.hubspot), ...plan.toHubspot };
  const link = {
    connectionId,
    object: run.spec.object,
    hubspotId: pair.hubspot.id,
    qboId: pair.qbo.Id,
    hubspotHash: contentHash(hubspotAfter),
    qboHash: contentHash(run.fields.fromQbo(qboAfter)),
    qboSyncToken: qboAfter.SyncToken,
    syncedValues: plan.synced,
    clearedOn: plan.clearedOn,
    qboEntity: qboAfter,
  };
  if (pair.takesOver) await takeOver(run, pair.takesOver, link);
  else await store.links.save(link, now());
  if (!pair.link) run.book.counts.linked++;
  if (Object.keys(plan.toHubspot).length === 0 && Object.keys(plan.toQbo).length === 0 && pair.link) run.book.counts.unchanged++;
}

/** The QBO entity of a HubSpot record that is gone now belongs to the live record that matched it. */
async function takeOver(run: TwoWayRun, from: Link, link: Omit<Link, 'lastSyncedAt'>): Promise<void> {
  const { hubspot, qbo } = run.spec.label;
  await run.ctx.store.links.relink(from, link, run.ctx.now());
  await run.book.log({
    hubspotId: link.hubspotId,
    qboId: link.qboId,
    action: 'relink',
    direction: 'to_qbo',
    outcome: 'succeeded',
    message: `HubSpot ${hubspot} ${from.hubspotId} no longer exists (deleted, or merged into another); QuickBooks ${qbo} ${link.qboId} is now linked to ${hubspot} ${link.hubspotId}, which matches it, instead of being created a second time.`,
  });
}
