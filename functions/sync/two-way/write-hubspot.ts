import type { PairPlan } from '../shared/plan';
import { chunk } from '../shared/pool';
import { planPair } from '../shared/plan';
import { saveLink } from './pairs';
import { placeQboRecord } from './placement';
import type { Pair, QboEntity, TwoWayRun } from './run';

export interface HubspotWrite {
  pair: Pair;
  plan: PairPlan;
  qboAfter: QboEntity;
}

/**
 * Writes planned values (and the QBO id the app keeps on each record) to HubSpot, 100 records per call, each written
 * or refused on its own: a value HubSpot refuses fails that record only, logged against it.
 */
export async function writeHubspotSide(run: TwoWayRun, writes: HubspotWrite[]): Promise<void> {
  const { qboIdProperty, hubspotType } = run.spec;
  for (const part of chunk(writes, 100)) {
    const outcomes = await run.book.guard({ action: 'update', direction: 'to_hubspot' }, () =>
      run.ctx.hubspot.updateEach(
        hubspotType,
        part.map(({ pair, plan }) => ({ id: pair.hubspot.id, properties: { ...plan.toHubspot, [qboIdProperty]: pair.qbo.Id } })),
      ),
    );
    for (const [i, outcome] of (outcomes ?? []).entries()) {
      const w = part[i]!;
      if (!outcome.ok) {
        await run.book.failed({ hubspotId: w.pair.hubspot.id, qboId: w.pair.qbo.Id, action: 'update', direction: 'to_hubspot' }, outcome.error);
        continue;
      }
      run.newest.sawHubspot([outcome.record]);
      if (Object.keys(w.plan.toHubspot).length > 0) run.book.counts.updatedHubspot++;
      await saveLink(run, w.pair, w.plan, w.qboAfter);
    }
  }
}

/**
 * Creates HubSpot twins of QBO entities in one batch, each carrying its QBO id, the values that flow to HubSpot and
 * those HubSpot requires on a new record. Each is created or refused on its
 * own: one HubSpot already has (a contact with that e-mail) is linked to it instead; any other refusal is logged
 * against that QBO entity and the rest are created.
 */
export async function createInHubspot(run: TwoWayRun, entities: QboEntity[]): Promise<void> {
  const { settings } = run.ctx;
  const required = new Set(run.spec.hubspotRequiredOnCreate ?? []);
  const inputs = entities.map((q) => {
    const values = run.fields.fromQbo(q);
    const properties: Record<string, string> = { [run.spec.qboIdProperty]: q.Id };
    for (const m of settings.mappings) {
      const v = values[m.hubspotProperty];
      if ((m.direction !== 'to_qbo' || required.has(m.hubspotProperty)) && v !== undefined) properties[m.hubspotProperty] = v;
    }
    return { properties };
  });
  const outcomes = await run.ctx.hubspot.createEach(run.spec.hubspotType, inputs);
  for (const [i, outcome] of outcomes.entries()) {
    const q = entities[i]!;
    const where = { qboId: q.Id, action: 'create', direction: 'to_hubspot' } as const;
    if (!outcome.ok) {
      if (outcome.error.kind === 'conflict' && entities.length > 1) await run.book.guard({ ...where, action: 'match_or_create' }, () => placeQboRecord(run, q));
      else await run.book.failed(where, outcome.error);
      continue;
    }
    const h = outcome.record;
    run.newest.sawHubspot([h]);
    run.book.counts.createdInHubspot++;
    await saveLink(run, { hubspot: h, qbo: q, link: undefined }, planPair(settings.mappings, run.fields.fromHubspot(h), run.fields.fromQbo(q), undefined), q);
  }
}
