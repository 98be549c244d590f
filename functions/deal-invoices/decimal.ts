/**
 * Exact decimal arithmetic for invoice lines: HubSpot sends money and quantities as decimal strings, QBO checks a
 * line's Amount against Qty × UnitPrice to the cent (rounding half up), and binary floating point gets 128.35 × 14.5
 * wrong by half a cent. A value is `digits × 10^-scale`.
 */
export interface Decimal {
  readonly digits: bigint;
  readonly scale: number;
}

const PATTERN = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/** Parses `"12"`, `"12.50"`, `"-0.5"`, `".5"`; anything else (exponents, text) is refused. */
export function parseDecimal(text: string): Decimal {
  const m = PATTERN.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new RangeError(`not a decimal number: "${text}"`);
  const fraction = m[3] ?? '';
  const digits = BigInt(`${m[2] || '0'}${fraction}`);
  return { digits: m[1] === '-' ? -digits : digits, scale: fraction.length };
}

const rescale = (d: Decimal, scale: number): bigint => d.digits * 10n ** BigInt(scale - d.scale);

export const decimalOf = (n: bigint, scale = 0): Decimal => ({ digits: n, scale });

export const isZero = (d: Decimal): boolean => d.digits === 0n;

export const isPositive = (d: Decimal): boolean => d.digits > 0n;

export function multiply(a: Decimal, b: Decimal): Decimal {
  return { digits: a.digits * b.digits, scale: a.scale + b.scale };
}

export function subtract(a: Decimal, b: Decimal): Decimal {
  const scale = Math.max(a.scale, b.scale);
  return { digits: rescale(a, scale) - rescale(b, scale), scale };
}

/** `a / b` to `scale` decimals, rounded half away from zero. */
export function divide(a: Decimal, b: Decimal, scale: number): Decimal {
  if (b.digits === 0n) throw new RangeError('division by zero');
  // a / b × 10^scale = a.digits × 10^(scale + b.scale - a.scale) / b.digits, kept exact by scaling both sides up.
  const shift = scale + b.scale - a.scale;
  const numerator = a.digits * 10n ** BigInt(Math.max(shift, 0)) * 2n;
  const denominator = b.digits * 10n ** BigInt(Math.max(-shift, 0));
  const doubled = numerator / denominator;
  const negative = numerator < 0n !== denominator < 0n;
  const magnitude = ((negative ? -doubled : doubled) + 1n) / 2n;
  return { digits: negative ? -magnitude : magnitude, scale };
}

/** To whole cents, rounding half away from zero (how QBO rounds a line's Qty × UnitPrice). */
export function toCents(d: Decimal): number {
  if (d.scale <= 2) return Number(rescale(d, 2));
  const unit = 10n ** BigInt(d.scale - 2);
  const rest = d.digits % unit;
  const away = (rest < 0n ? -rest : rest) * 2n >= unit ? (d.digits < 0n ? -1n : 1n) : 0n;
  return Number(d.digits / unit + away);
}

/** Shortest plain form: `"84.9915"`, `"150"`, `"-0.5"`. */
export function formatDecimal(d: Decimal): string {
  let { digits, scale } = d;
  while (scale > 0 && digits % 10n === 0n) {
    digits /= 10n;
    scale -= 1;
  }
  const negative = digits < 0n;
  const text = (negative ? -digits : digits).toString().padStart(scale + 1, '0');
  const whole = scale === 0 ? text : `${text.slice(0, -scale)}.${text.slice(-scale)}`;
  return negative ? `-${whole}` : whole;
}

/** JSON numbers for QBO: exact for the decimals invoices carry (a shortest round trip of the same digits). */
export const toNumber = (d: Decimal): number => Number(formatDecimal(d));
