import type { HsObject } from '../../hubspot/client';
import { QBO_BATCH_SIZE, type QboBatchResult, type QboUpdateBody } from '../../quickbooks/client';
import type { QboEntityName } from '../../quickbooks/schemas';
import { QboApiError } from '../../quickbooks/errors';
import type { PairPlan } from '../shared/plan';
import { chunk } from '../shared/pool';
import type { FieldValues } from '../shared/values';
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

/** What creating a HubSpot record's QBO twin sends: the body, and the values it carries (for the pair's plan). */
function newQboBody(run: TwoWayRun, h: HsObject): { body: Record<string, unknown>; values: FieldValues; outbound: FieldValues } {
  const { settings } = run.ctx;
  const values = run.fields.fromHubspot(h);
  const outbound = Object.fromEntries(
    settings.mappings
      .filter((m) => m.direction !== 'to_hubspot' && values[m.hubspotProperty] !== undefined)
      .map((m) => [m.hubspotProperty, values[m.hubspotProperty]!]),
  );
  const body = run.spec.newQboEntity(values, settings);
  for (const [property, value] of Object.entries(outbound)) run.fields.qboFieldFor(property).set(body, value);
  return { body, values, outbound };
}

const idempotencyKey = (run: TwoWayRun, h: HsObject) => `${run.ctx.connectionId}:${run.spec.object}:${h.id}`;

/**
 * Creates the QBO twin of a HubSpot record. The adapter derives the `requestid` from the record and the exact body
 * sent (https://developer.intuit.com/app/developer/qbo/docs/develop/rest-api-features#idempotency): a retry after a
 * lost response gets QBO's original answer instead of a second entity, and a body that changed since (the user fixed
 * a refused name, or we renamed on a duplicate) is a new request.
 */
export async function createInQbo(run: TwoWayRun, h: HsObject): Promise<Pair> {
  const created = newQboBody(run, h);
  let body = created.body;
  for (let attempt = 0; ; attempt++) {
    try {
      const entity = (await run.ctx.qbo.create(run.spec.qboEntity, body, { idempotencyKey: idempotencyKey(run, h) })) as QboEntity;
      run.newest.sawQbo([entity]);
      run.book.counts.createdInQbo++;
      return { hubspot: h, qbo: entity, link: undefined, created: { ...created.values, ...created.outbound } };
    } catch (err) {
      if (!(err instanceof QboApiError && err.kind === 'duplicate_name') || attempt >= DUPLICATE_NAME_ATTEMPTS) throw err;
      body = run.spec.renameOnDuplicate(body, attempt + 1, created.values);
    }
  }
}

/**
 * Creates the QBO twins of many HubSpot records through QBO's batch endpoint (30 a request, 40 requests a minute:
 * https://developer.intuit.com/app/developer/qbo/docs/learn/limits-and-throttles). Each item stands alone: a fault
 * fails only its record (logged like any record's failure), a duplicate name is renamed and sent again in the next
 * round, as `createInQbo` does. A batch sent again after a lost answer carries the same `requestid`, so QBO answers
 * the items it already ran instead of creating them twice (client.ts). Returns the pairs created, in no set order.
 */
export async function createManyInQbo(run: TwoWayRun, records: readonly HsObject[]): Promise<Pair[]> {
  const where = (h: HsObject) => ({ hubspotId: h.id, action: 'create' as const, direction: 'to_qbo' as const });
  const pending: (ReturnType<typeof newQboBody> & { h: HsObject })[] = [];
  for (const h of records) {
    const body = await run.book.guard(where(h), async () => newQboBody(run, h));
    if (body !== undefined) pending.push({ h, ...body });
  }
  const pairs: Pair[] = [];
  for (let attempt = 0; pending.length > 0; attempt++) {
    // One batch request at a time: a batch that fails whole (its retries spent) fails only its own records.
    for (const part of chunk(pending.splice(0), QBO_BATCH_SIZE)) {
      let results: QboBatchResult<QboEntityName>[];
      try {
        run.ctx.signal.throwIfAborted();
        results = await run.ctx.qbo.createMany(
          run.spec.qboEntity,
          part.map((c) => ({ idempotencyKey: idempotencyKey(run, c.h), body: c.body })),
        );
      } catch (err) {
        for (const c of part) await run.book.failed(where(c.h), err);
        continue;
      }
      for (const [i, result] of results.entries()) {
        const c = part[i]!;
        if (result.ok) {
          const entity = result.entity as QboEntity;
          run.newest.sawQbo([entity]);
          run.book.counts.createdInQbo++;
          pairs.push({ hubspot: c.h, qbo: entity, link: undefined, created: { ...c.values, ...c.outbound } });
        } else if (result.error.kind === 'duplicate_name' && attempt < DUPLICATE_NAME_ATTEMPTS) {
          pending.push({ ...c, body: run.spec.renameOnDuplicate(c.body, attempt + 1, c.values) });
        } else {
          await run.book.failed(where(c.h), result.error);
        }
      }
    }
  }
  return pairs;
}
