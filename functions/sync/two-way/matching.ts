import type { Link } from '../../store/links';

export interface MatchKey<H, Q> {
  name: string;
  hubspot(record: H): string | undefined;
  qbo(entity: Q): string | undefined;
}

export interface MatchedPair<H, Q> {
  hubspot: H;
  qbo: Q;
  link: Link | undefined;
  /** The key a first match was made on. */
  matchedOn?: string;
  /** A link whose HubSpot record is gone (deleted, or merged away): this pair takes its QBO entity over. */
  takesOver?: Link;
}

export interface Matching<H, Q> {
  pairs: MatchedPair<H, Q>[];
  onlyHubspot: H[];
  onlyQbo: Q[];
}

/**
 * Pairs every record of both sides, in time linear in their number (a portal has hundreds of thousands): existing
 * links first, then the match keys in order, each through one index of the unpaired QBO entities. Key values match
 * case-insensitively; a key two QBO entities share is ambiguous and matches neither.
 *
 * A link whose HubSpot record no longer exists does not hold its QBO entity: a live record that matches it takes it
 * over (a contact deleted and created again, or merged into another), so no twin is created. One that nothing
 * matches is left alone, neither created again in HubSpot nor in QBO: deletes are not synced.
 */
export function pairRecords<H extends { id: string }, Q extends { Id: string }>(
  hubspot: readonly H[],
  qbo: readonly Q[],
  links: readonly Link[],
  keys: readonly MatchKey<H, Q>[],
): Matching<H, Q> {
  const hubspotById = new Map(hubspot.map((h) => [h.id, h]));
  const qboById = new Map(qbo.map((q) => [q.Id, q]));
  const pairedHubspot = new Set<string>();
  const pairedQbo = new Set<string>();
  const orphaned = new Map<string, Link>();
  const pairs: MatchedPair<H, Q>[] = [];

  for (const link of links) {
    const h = hubspotById.get(link.hubspotId);
    const q = qboById.get(link.qboId);
    if (h === undefined) {
      if (q !== undefined) orphaned.set(q.Id, link);
      continue;
    }
    if (q !== undefined) pairs.push({ hubspot: h, qbo: q, link });
    pairedHubspot.add(h.id);
    pairedQbo.add(link.qboId);
  }

  for (const key of keys) {
    const qboByKey = new Map<string, Q | null>();
    for (const q of qbo) {
      if (pairedQbo.has(q.Id)) continue;
      const value = key.qbo(q)?.toLowerCase();
      if (value !== undefined) qboByKey.set(value, qboByKey.has(value) ? null : q);
    }
    for (const h of hubspot) {
      if (pairedHubspot.has(h.id)) continue;
      const value = key.hubspot(h)?.toLowerCase();
      const q = value === undefined ? undefined : qboByKey.get(value);
      if (!q || pairedQbo.has(q.Id)) continue;
      const takesOver = orphaned.get(q.Id);
      pairs.push({ hubspot: h, qbo: q, link: undefined, matchedOn: key.name, ...(takesOver ? { takesOver } : {}) });
      pairedHubspot.add(h.id);
      pairedQbo.add(q.Id);
    }
  }
  return {
    pairs,
    onlyHubspot: hubspot.filter((h) => !pairedHubspot.has(h.id)),
    onlyQbo: qbo.filter((q) => !pairedQbo.has(q.Id) && !orphaned.has(q.Id)),
  };
}
