import { createHash } from 'node:crypto';

/**
 * A record as the sync engine sees it: one normalised string per mapped field, keyed by the mapping's
 * HubSpot property. Absent = empty. Both sides are reduced to this shape before anything is compared.
 */
export type FieldValues = Record<string, string>;

export type FieldKind = 'text' | 'email' | 'money' | 'boolean';

/** Makes equal values compare equal across providers: "12.5" and "12.50", " a@b.co " and "a@b.co". */
export function normalize(kind: FieldKind, raw: string | number | boolean | null | undefined): string | undefined {
  if (raw === null || raw === undefined) return undefined;
  const s = String(raw).trim();
  if (s === '') return undefined;
  switch (kind) {
    case 'money': {
      const n = Number(s);
      return Number.isFinite(n) ? n.toFixed(2) : s;
    }
    case 'boolean':
      return ['true', '1', 'yes'].includes(s.toLowerCase()) ? 'true' : 'false';
    case 'email':
      return s.toLowerCase();
    case 'text':
      return s;
  }
}

/** Order-independent digest of a record's mapped values; equal hashes mean "nothing we sync has changed". */
export function contentHash(values: FieldValues): string {
  const sorted = Object.keys(values)
    .sort()
    .map((k) => [k, values[k]]);
  return createHash('sha256').update(JSON.stringify(sorted)).digest('base64url').slice(0, 22);
}

export function compact(values: Record<string, string | undefined>): FieldValues {
  const out: FieldValues = {};
  for (const [k, v] of Object.entries(values)) if (v !== undefined) out[k] = v;
  return out;
}
