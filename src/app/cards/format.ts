/** "$1,250.00" / "€80.00" from a decimal string; without a currency, the number alone. Display only: amounts are never computed here. */
export function formatMoney(amount: string, currency: string | null, locale: string | undefined): string {
  const n = Number(amount);
  if (currency === null) return new Intl.NumberFormat(locale ?? 'en-US', { minimumFractionDigits: 2 }).format(n);
  try {
    return new Intl.NumberFormat(locale ?? 'en-US', { style: 'currency', currency }).format(n);
  } catch {
    return `${amount} ${currency}`;
  }
}

/** A calendar date (`YYYY-MM-DD`, no time zone) as "Jan 10, 2026". */
export function formatDate(isoDate: string | null, locale: string | undefined): string {
  if (isoDate === null) return '—';
  return new Intl.DateTimeFormat(locale ?? 'en-US', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${isoDate}T00:00:00Z`));
}
