import type { HsObject } from '../../hubspot/client';
import type { QboUpdateBody } from '../../quickbooks/client';
import { QboApiError } from '../../quickbooks/errors';
import type { PairPlan } from '../shared/plan';
import { plan } from './pairs';
import { readQbo, type Pair, type QboEntity, type TwoWayRun } from './run';

const DUPLICATE_NAME_ATTEMPTS = 5;

/** Writes a pair's plan to QBO. A stale SyncToken (5010) means someone edited the entity meanwhile: re-read it and plan again, once. */
export async function writeQboSide(run: TwoWayRun, pair: Pair): Promise<{ plan: PairPlan; qboAfter: QboEntity }> {
  for (let attempt = 0; ; attempt++) {
    const planned = plan(run, pair);
    if (Object.keys(planned.toQbo).length === 0) return { plan: planned, qboAfter: pair.qbo };
    const body: QboUpdateBody = { Id: pair.qbo.Id, SyncToken: pair.qbo.SyncToken ?? '0', sparse: true };
    for (const [property, value] of Object.entries(planned.toQbo)) setPreservingSiblings(run, body, pair.qbo, property, value);
    try {
      const qboAfter = (await run.ctx.qbo.update(run.spec.qboEntity, body)) as QboEntity;
      run.newest.sawQbo([qboAfter]);
      run.book.counts.updatedQbo++;
      return { plan: planned, qboAfter };
    } catch (err) {
      if (!(err instanceof QboApiError && err.kind === 'stale_object') || attempt > 0) throw err;
      const fresh = (await readQbo(run, [pair.qbo.Id])).get(pair.qbo.Id);
      if (!fresh) throw err;
      pair.qbo = fresh;
    }
  }
}

/**
 * A sparse update replaces a nested object (BillAddr, PrimaryPhone…) as a whole
 * (https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/customer, sparse update), so the
 * entity's current object is copied in first: changing the city must not erase the street.
 */
function setPreservingSiblings(run: TwoWayRun, body: Record<string, unknown>, current: QboEntity, hubspotProperty: string, value: string): void {
  const field = run.fields.qboFieldFor(hubspotProperty);
  const touched: Record<string, unknown> = {};
  field.set(touched, value);
  for (const key of Object.keys(touched)) {
    const existing = (current as Record<string, unknown>)[key];
    if (!(key in body) && typeof existing === 'object' && existing !== null) body[key] = structuredClone(existing);
  }
  field.set(body, value);
}

/**
 * Creates the QBO twin of a HubSpot record. The adapter derives the `requestid` from the record and the exact body
 * sent (https://developer.intuit.com/app/developer/qbo/docs/develop/rest-api-features#idempotency): a retry after a
 * lost response gets QBO's original answer instead of a second entity, and a body that changed since (the user fixed
 * a refused name, or we renamed on a duplicate) is a new request.
 */
export async function createInQbo(run: TwoWayRun, h: HsObject): Promise<Pair> {
  const { connectionId, settings } = run.ctx;
  const values = run.fields.fromHubspot(h);
  const outbound = Object.fromEntries(
    settings.mappings
      .filter((m) => m.direction !== 'to_hubspot' && values[m.hubspotProperty] !== undefined)
      .map((m) => [m.hubspotProperty, values[m.hubspotProperty]!]),
  );
  let body = run.spec.newQboEntity(values, settings);
  for (const [property, value] of Object.entries(outbound)) run.fields.qboFieldFor(property).set(body, value);
  for (let attempt = 0; ; attempt++) {
    try {
      const created = (await run.ctx.qbo.create(run.spec.qboEntity, body, { idempotencyKey: `${connectionId}:${run.spec.object}:${h.id}` })) as QboEntity;
      run.newest.sawQbo([created]);
      run.book.counts.createdInQbo++;
      return { hubspot: h, qbo: created, link: undefined, created: { ...values, ...outbound } };
    } catch (err) {
      if (!(err instanceof QboApiError && err.kind === 'duplicate_name') || attempt >= DUPLICATE_NAME_ATTEMPTS) throw err;
      body = run.spec.renameOnDuplicate(body, attempt + 1, values);
    }
  }
}
