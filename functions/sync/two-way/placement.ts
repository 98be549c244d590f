import type { HsObject } from '../../hubspot/client';
import { qboQuote } from '../../quickbooks/client';
import { normalize } from '../shared/values';
import { applyPairs } from './pairs';
import { readHubspot, readQbo, type QboEntity, type TwoWayRun } from './run';
import { createInHubspot } from './write-hubspot';
import { createInQbo } from './write-qbo';

/**
 * A new HubSpot record: link it to its QBO twin if one matches, else create it in QBO. A twin still linked to a
 * HubSpot record that no longer exists is taken over (the record was created again, or merged into this one); a
 * twin linked to a live record is left alone and reported. A twin is never created beside an existing one.
 */
export async function placeHubspotRecord(run: TwoWayRun, h: HsObject, takenOver: Set<string>): Promise<void> {
  const { connectionId, store, settings } = run.ctx;
  const { hubspot: hubspotLabel, qbo: qboLabel } = run.spec.label;
  const linkedQboId = h.properties[run.spec.qboIdProperty];
  const named = linkedQboId ? (await readQbo(run, [linkedQboId])).get(linkedQboId) : undefined;
  const twin = named && named.Active !== false && run.fields.skipReason(named) === undefined ? named : await findQboTwin(run, h);
  if (!twin) {
    if (settings.createInQbo) await applyPairs(run, [await createInQbo(run, h)]);
    return;
  }
  const holder = await store.links.byQboId(connectionId, run.spec.object, twin.Id);
  if (!holder) {
    await applyPairs(run, [{ hubspot: h, qbo: twin, link: undefined }]);
    return;
  }
  if (holder.hubspotId === h.id) return;
  const holderAlive = (await readHubspot(run, [holder.hubspotId])).has(holder.hubspotId);
  if (!holderAlive) {
    takenOver.add(holder.hubspotId);
    await applyPairs(run, [{ hubspot: h, qbo: twin, link: undefined, takesOver: holder }]);
    return;
  }
  run.book.counts.skipped++;
  await run.book.log({
    hubspotId: h.id,
    qboId: twin.Id,
    action: 'match_or_create',
    direction: 'to_qbo',
    outcome: 'skipped',
    message: `This ${hubspotLabel} matches QuickBooks ${qboLabel} ${twin.Id}, which is already linked to HubSpot ${hubspotLabel} ${holder.hubspotId}; no second ${qboLabel} was created. Merge the two ${hubspotLabel}s in HubSpot, or change the one that should not match.`,
  });
}

async function findQboTwin(run: TwoWayRun, h: HsObject): Promise<QboEntity | undefined> {
  for (const key of run.spec.matchOn) {
    const v = normalize(key.kind, h.properties[key.hubspotProperty]);
    if (v === undefined) continue;
    const found = ((await run.ctx.qbo.query(run.spec.qboEntity, `${key.qboQueryField} = ${qboQuote(v)}`)) as QboEntity[]).filter(
      (q) => run.fields.skipReason(q) === undefined,
    );
    if (found.length === 1) return found[0];
  }
  return undefined;
}

/** A new QBO entity: link it to its HubSpot twin if one matches (or already names it), else create it. */
export async function placeQboRecord(run: TwoWayRun, q: QboEntity): Promise<void> {
  const twin = await findHubspotTwin(run, q);
  if (twin && !(await run.ctx.store.links.byHubspotId(run.ctx.connectionId, run.spec.object, twin.id))) {
    await applyPairs(run, [{ hubspot: twin, qbo: q, link: undefined }]);
    return;
  }
  if (run.ctx.settings.createInHubspot && !twin) await createInHubspot(run, [q]);
}

async function findHubspotTwin(run: TwoWayRun, q: QboEntity): Promise<HsObject | undefined> {
  const search = (propertyName: string, value: string) =>
    run.ctx.hubspot.search(run.spec.hubspotType, {
      filters: [{ propertyName, operator: 'EQ', value }],
      properties: run.fields.hubspotProperties(),
      limit: 2,
    });
  // Our own earlier create names the QBO id: this is what keeps a retried create from duplicating.
  const byId = await search(run.spec.qboIdProperty, q.Id);
  if (byId.length > 0) return byId[0];
  for (const key of run.spec.matchOn) {
    const v = normalize(key.kind, run.spec.qboFields[key.qboField]?.get(q));
    if (v === undefined) continue;
    const found = await search(key.hubspotProperty, v);
    if (found.length === 1) return found[0];
  }
  return undefined;
}
