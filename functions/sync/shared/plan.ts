import type { FieldMapping } from './mappings';
import type { FieldValues } from './values';

export type Side = 'hubspot' | 'qbo';

/** Fields one side cleared while the other kept its value: field → the side that holds it empty. */
export type ClearedOn = Record<string, Side>;

/**
 * What the last sync left behind: the value both sides agreed on per field, and the fields where they differ on
 * purpose because one side cleared a value the other kept (empty never overwrites filled).
 */
export interface SyncBase {
  values: FieldValues;
  clearedOn?: ClearedOn | undefined;
}

export interface Conflict {
  field: string;
  hubspot: string | undefined;
  qbo: string | undefined;
  winner: Side;
}

export interface PairPlan {
  /** Properties to write to HubSpot (only those whose value differs there). */
  toHubspot: Record<string, string>;
  /** Fields to write to QBO, keyed by mapping (HubSpot property name), only those that differ there. */
  toQbo: Record<string, string>;
  /** What both sides hold once the plan is applied (the side that cleared a field holds it empty): the next sync's base. */
  synced: FieldValues;
  clearedOn: ClearedOn;
  conflicts: Conflict[];
}

/**
 * Decides, field by field, which side's value survives. `base` is what the last sync left (undefined on a first
 * match, when every field counts as changed on both sides).
 * - two-way: the side that changed since the base wins; both changed → the mapping's winner.
 * - one-way: the owning side's value is written whenever the two differ (field-level ownership).
 * - empty never overwrites filled: a cleared value is not written over the other side's. The field is remembered
 *   as cleared on that side, so the clear is not a change any more, and the next real edit on either side syncs:
 *   a new value on the cleared side flows out, an edit on the other side fills the cleared one.
 * - a write that changes nothing is not planned.
 */
export function planPair(mappings: readonly FieldMapping[], hubspot: FieldValues, qbo: FieldValues, base: SyncBase | undefined): PairPlan {
  const plan: PairPlan = { toHubspot: {}, toQbo: {}, synced: {}, clearedOn: {}, conflicts: [] };
  for (const m of mappings) {
    const key = m.hubspotProperty;
    const h = hubspot[key];
    const q = qbo[key];
    if (h === q) {
      if (h !== undefined) plan.synced[key] = h;
      continue;
    }
    const source = pickSource(m, h, q, base, plan.conflicts);
    if (source === undefined) {
      // Neither side changed since a clear that was kept: they still differ on purpose.
      keep(plan, key, base);
      continue;
    }
    const value = source === 'hubspot' ? h : q;
    const target = source === 'hubspot' ? q : h;
    if (value === undefined) {
      if (target !== undefined) {
        plan.synced[key] = target;
        plan.clearedOn[key] = source;
      }
      continue;
    }
    if (source === 'hubspot') plan.toQbo[key] = value;
    else plan.toHubspot[key] = value;
    plan.synced[key] = value;
  }
  return plan;
}

function keep(plan: PairPlan, key: string, base: SyncBase | undefined): void {
  const value = base?.values[key];
  const cleared = base?.clearedOn?.[key];
  if (value !== undefined) plan.synced[key] = value;
  if (cleared !== undefined) plan.clearedOn[key] = cleared;
}

/** What the side held after the last sync: empty where it had cleared the field. */
function baseOf(base: SyncBase, side: Side, key: string): string | undefined {
  return base.clearedOn?.[key] === side ? undefined : base.values[key];
}

function pickSource(m: FieldMapping, h: string | undefined, q: string | undefined, base: SyncBase | undefined, conflicts: Conflict[]): Side | undefined {
  const key = m.hubspotProperty;
  if (m.direction === 'to_qbo') return 'hubspot';
  if (m.direction === 'to_hubspot') return 'qbo';
  const hubspotChanged = base === undefined || h !== baseOf(base, 'hubspot', key);
  const qboChanged = base === undefined || q !== baseOf(base, 'qbo', key);
  if (!hubspotChanged && !qboChanged) return undefined;
  if (hubspotChanged && !qboChanged) return 'hubspot';
  if (qboChanged && !hubspotChanged) return 'qbo';
  // Both changed. On a first match an empty side is not a competing edit, so the filled side flows.
  if (base === undefined && (h === undefined || q === undefined)) return h === undefined ? 'qbo' : 'hubspot';
  conflicts.push({ field: key, hubspot: h, qbo: q, winner: m.winner });
  return m.winner;
}
