import type { FieldMapping } from './mappings';
import type { FieldValues } from './values';

export interface Conflict {
  field: string;
  hubspot: string | undefined;
  qbo: string | undefined;
  winner: 'hubspot' | 'qbo';
}

export interface PairPlan {
  /** Properties to write to HubSpot (only those whose value differs there). */
  toHubspot: Record<string, string>;
  /** Fields to write to QBO, keyed by mapping (HubSpot property name), only those that differ there. */
  toQbo: Record<string, string>;
  /** What both sides hold once the plan is applied: the next sync's base. */
  synced: FieldValues;
  conflicts: Conflict[];
}

/**
 * Decides, field by field, which side's value survives. `base` is what both sides agreed on after the last
 * sync (undefined on a first match, when every field counts as changed on both sides).
 * - two-way: the side that changed since the base wins; both changed → the mapping's winner.
 * - one-way: the owning side's value is written whenever the two differ (field-level ownership).
 * - empty never overwrites filled: a value that would be cleared is kept, on either side.
 * - a write that changes nothing is not planned.
 */
export function planPair(mappings: readonly FieldMapping[], hubspot: FieldValues, qbo: FieldValues, base: FieldValues | undefined): PairPlan {
  const plan: PairPlan = { toHubspot: {}, toQbo: {}, synced: {}, conflicts: [] };
  for (const m of mappings) {
    const key = m.hubspotProperty;
    const h = hubspot[key];
    const q = qbo[key];
    if (h === q) {
      if (h !== undefined) plan.synced[key] = h;
      continue;
    }
    const source = pickSource(m, h, q, base, plan.conflicts, key);
    const value = source === 'hubspot' ? h : q;
    const target = source === 'hubspot' ? q : h;
    if (value === undefined) {
      if (target !== undefined) plan.synced[key] = target;
      continue;
    }
    if (source === 'hubspot') plan.toQbo[key] = value;
    else plan.toHubspot[key] = value;
    plan.synced[key] = value;
  }
  return plan;
}

function pickSource(
  m: FieldMapping,
  h: string | undefined,
  q: string | undefined,
  base: FieldValues | undefined,
  conflicts: Conflict[],
  key: string,
): 'hubspot' | 'qbo' {
  if (m.direction === 'to_qbo') return 'hubspot';
  if (m.direction === 'to_hubspot') return 'qbo';
  const b = base?.[key];
  const hubspotChanged = base === undefined || h !== b;
  const qboChanged = base === undefined || q !== b;
  if (hubspotChanged && !qboChanged) return 'hubspot';
  if (qboChanged && !hubspotChanged) return 'qbo';
  // Both changed. On a first match an empty side is not a competing edit, so the filled side flows.
  if (base === undefined && (h === undefined || q === undefined)) return h === undefined ? 'qbo' : 'hubspot';
  conflicts.push({ field: key, hubspot: h, qbo: q, winner: m.winner });
  return m.winner;
}
