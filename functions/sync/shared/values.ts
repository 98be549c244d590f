import { createHash } from 'node:crypto';

/**
 * A record as the sync engine sees it: one normalised string per mapped field, keyed by the mapping's
 * HubSpot property. Absent = empty. Both sides are reduced to this shape before anything is compared.
 */
export type FieldValues = Record<string, string>;

export type FieldKind = 'text' | 'email' | 'money' | 'boolean';

/**
 * The most decimal places a money field keeps: QBO holds item prices and costs to 5 places (its 10.5 decimal
 * format, https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/item), HubSpot's number
 * properties hold more. Values are compared at the precision both sides support, so only a price with more
 * places than QBO keeps is rounded, and only in its last kept place.
 */
export const MONEY_SCALE = 5;

/** Makes equal values compare equal across providers: "12.5" and "12.50", " a@b.co " and "a@b.co". */
export function normalize(kind: FieldKind, raw: string | number | boolean | null | undefined): string | undefined {
  if (raw === null || raw === undefined) return undefined;
  const s = String(raw).trim();
  if (s === '') return undefined;
  switch (kind) {
    case 'money':
      return canonicalDecimal(s, MONEY_SCALE) ?? s;
    case 'boolean':
      return ['true', '1', 'yes'].includes(s.toLowerCase()) ? 'true' : 'false';
    case 'email':
      return s.toLowerCase();
    case 'text':
      return s;
  }
}

/**
 * A decimal string in one canonical form, computed on the digits (never through a binary float, which cannot hold
 * 0.1): no leading zeros, trailing zeros dropped down to two places, at most `scale` places (half away from zero).
 * "0012.50" → "12.50", "0.0125" → "0.0125", "1.234565" → "1.23457" at scale 5. Undefined for anything that is not a
 * plain decimal number.
 */
export function canonicalDecimal(value: string, scale: number): string | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(value.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  let digits = `${m[2] || '0'}${(m[3] ?? '').padEnd(scale, '0').slice(0, scale)}`;
  if (Number((m[3] ?? '')[scale] ?? '0') >= 5) digits = incrementDigits(digits);
  const whole = digits.slice(0, digits.length - scale).replace(/^0+(?=\d)/, '');
  const fraction = digits
    .slice(digits.length - scale)
    .replace(/0+$/, '')
    .padEnd(2, '0');
  const negative = m[1] === '-' && /[1-9]/.test(digits);
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

/** "0999" → "1000": adds one in the last place of a string of digits. */
function incrementDigits(digits: string): string {
  const out = digits.split('');
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i] !== '9') {
      out[i] = String(Number(out[i]) + 1);
      return out.join('');
    }
    out[i] = '0';
  }
  return `1${out.join('')}`;
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
