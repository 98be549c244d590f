import type { HsObject } from '../../hubspot/client';
import type { FlowContext } from '../flow';
import { RunBook } from '../shared/run-book';
import type { FieldValues } from '../shared/values';
import { FieldReader } from './fields';
import type { TwoWayFlow } from './flow';
import type { MatchedPair } from './matching';
import type { FlowSettings } from './settings';

/** What the two-way flows need of a QBO entity: its id, version, activity and time of its last change. */
export type QboEntity = {
  Id: string;
  SyncToken?: string | undefined;
  Active?: boolean | undefined;
  MetaData?: { LastUpdatedTime?: string | undefined } | undefined;
};

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

export interface Pair extends MatchedPair<HsObject, QboEntity> {
  /** For a pair we just created: the values we wrote, so the plan sees only what QBO itself changed. */
  created?: FieldValues;
}

/** The newest modification each side showed this run, each in its own provider's clock (checkpoints are taken from these). */
export class NewestSeen {
  hubspot = 0;
  qbo = 0;

  sawHubspot(records: readonly HsObject[]): void {
    for (const r of records) this.hubspot = Math.max(this.hubspot, r.updatedAt.getTime());
  }

  sawQbo(entities: readonly QboEntity[]): void {
    for (const e of entities) {
      const updated = e.MetaData?.LastUpdatedTime;
      if (updated) this.qbo = Math.max(this.qbo, Date.parse(updated));
    }
  }
}

/** One run of a two-way flow for one connection: what every step of it shares. */
export interface TwoWayRun {
  ctx: FlowContext<FlowSettings>;
  spec: TwoWayFlow;
  fields: FieldReader;
  book: RunBook<SyncCounts>;
  newest: NewestSeen;
}

/** At most this many QBO calls in flight per run; the realm limiter enforces QBO's own 10 (quickbooks/rate-limiter.ts). */
export const QBO_CONCURRENCY = 10;

export const emptyCounts = (): SyncCounts => ({
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

export function openRun(ctx: FlowContext<FlowSettings>, spec: TwoWayFlow): TwoWayRun {
  return { ctx, spec, fields: new FieldReader(spec, ctx.settings), book: new RunBook(ctx, spec.object, emptyCounts()), newest: new NewestSeen() };
}

/** QBO entities of the flow by id (inactive included), each id once; an id QBO does not return is absent. */
export async function readQbo(run: TwoWayRun, ids: readonly string[]): Promise<Map<string, QboEntity>> {
  return await run.ctx.qbo.readMany(run.spec.qboEntity, ids);
}

/** HubSpot records of the flow by id, with the mapped properties; archived and missing ones are absent. */
export async function readHubspot(run: TwoWayRun, ids: readonly string[]): Promise<Map<string, HsObject>> {
  const rows = ids.length === 0 ? [] : await run.ctx.hubspot.read(run.spec.hubspotType, [...new Set(ids)], run.fields.hubspotProperties());
  return new Map(rows.filter((r) => !r.archived).map((r) => [r.id, r]));
}
