/**
 * The torture test's model of what users did, and the rules a converged pair must satisfy. It knows the product's
 * rules (direction, winner, empty never overwrites filled) but none of its code: it decides from the users' accepted
 * edits alone what each side of a pair may hold once everything has settled.
 */
export type Side = 'hubspot' | 'qbo';
export type Direction = 'two_way' | 'to_hubspot' | 'to_qbo';

export interface Mapping {
  hubspotProperty: string;
  direction: Direction;
  winner: Side;
}

/** One accepted user edit of one field: its value (undefined = cleared), its order among all edits, its settle epoch. */
export interface Edit {
  side: Side;
  value: string | undefined;
  seq: number;
  /** Edits in different epochs were separated by a moment when every change had been synced. */
  epoch: number;
}

/** A pair's field as both sides hold it at the end, and what the rules allow there. */
export type FieldVerdict = { ok: true } | { ok: false; kind: 'mismatch' | 'lost'; allowed: string };

const show = (v: string | undefined) => (v === undefined ? '(empty)' : JSON.stringify(v));

/**
 * What the rules allow for one field of a linked pair, given every accepted edit of it on both sides:
 * - one-way: the owning side holds its own last value, and the other side holds it too, unless the owner's value is
 *   empty (empty never overwrites filled);
 * - two-way: the side edited last wins, and its value is on both sides (a clear stays on its own side only). When
 *   the other side's last edit came in the same epoch, both may have changed since the last sync: a conflict, which
 *   the mapping's winner takes.
 */
export function judgeField(mapping: Mapping, edits: readonly Edit[], hubspot: string | undefined, qbo: string | undefined): FieldVerdict {
  const held: Record<Side, string | undefined> = { hubspot, qbo };
  const lastOn = (side: Side) => edits.filter((e) => e.side === side).at(-1);
  const outcomes: { winner: Side; value: string | undefined }[] = [];
  if (mapping.direction !== 'two_way') {
    const owner: Side = mapping.direction === 'to_qbo' ? 'hubspot' : 'qbo';
    outcomes.push({ winner: owner, value: lastOn(owner)?.value });
  } else {
    const last = edits.at(-1);
    if (last === undefined) return hubspot === qbo ? { ok: true } : { ok: false, kind: 'mismatch', allowed: 'equal values (never edited)' };
    outcomes.push({ winner: last.side, value: last.value });
    const other: Side = last.side === 'hubspot' ? 'qbo' : 'hubspot';
    const otherLast = lastOn(other);
    if (mapping.winner === other && otherLast !== undefined && otherLast.epoch === last.epoch) outcomes.push({ winner: other, value: otherLast.value });
  }
  const allowed = (o: { winner: Side; value: string | undefined }) =>
    // A filled winner's value is on both sides; an empty one is on its own side only.
    o.value !== undefined ? hubspot === o.value && qbo === o.value : held[o.winner] === undefined;
  if (outcomes.some(allowed)) return { ok: true };
  const describe = outcomes.map((o) => (o.value === undefined ? `empty on ${o.winner}` : `${show(o.value)} on both`)).join(' or ');
  return { ok: false, kind: hubspot !== undefined && qbo !== undefined && hubspot !== qbo ? 'mismatch' : 'lost', allowed: describe };
}

export { show };
