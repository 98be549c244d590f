import type { Link } from '../../store/links';
import type { QboEntity, TwoWayRun } from './run';

/** Sync-log action of a QBO entity the flow does not sync (logged once per entity). */
const NOT_SYNCED = 'not_synced';

/** The entities this flow syncs; the others are logged as skipped, once per entity, with the reason. */
export async function withoutNotSynced(run: TwoWayRun, entities: QboEntity[]): Promise<QboEntity[]> {
  const skipped = entities.flatMap((q) => {
    const reason = run.fields.skipReason(q);
    return reason === undefined ? [] : [{ q, reason }];
  });
  if (skipped.length === 0) return entities;
  const logged = await run.ctx.store.syncLog.loggedQboIds(
    run.ctx.connectionId,
    run.spec.object,
    NOT_SYNCED,
    skipped.map((s) => s.q.Id),
  );
  for (const { q, reason } of skipped) {
    run.book.counts.skipped++;
    if (!logged.has(q.Id)) await run.book.log({ qboId: q.Id, action: NOT_SYNCED, direction: 'to_hubspot', outcome: 'skipped', message: reason });
  }
  return entities.filter((q) => !skipped.some((s) => s.q === q));
}

/** Deletes are not propagated: a linked record gone on one side is logged, the other side left as it is. */
export async function skipDeleted(run: TwoWayRun, link: Link, side: 'hubspot' | 'qbo'): Promise<void> {
  const { hubspot, qbo } = run.spec.label;
  run.book.counts.skipped++;
  await run.book.log({
    hubspotId: link.hubspotId,
    qboId: link.qboId,
    action: 'delete',
    direction: side === 'hubspot' ? 'to_qbo' : 'to_hubspot',
    outcome: 'skipped',
    message:
      side === 'hubspot'
        ? `The ${hubspot} was deleted in HubSpot; the QuickBooks ${qbo} was left as it is (deletes are not synced).`
        : `The ${qbo} was deleted or made inactive in QuickBooks; the HubSpot ${hubspot} was left as it is (deletes are not synced).`,
  });
}
