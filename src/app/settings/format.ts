/** "Jan 15, 2026, 12:00 PM" in the user's locale and the portal's time zone. */
export function formatTime(iso: string, locale: string | undefined, timeZone: string | undefined): string {
  return new Intl.DateTimeFormat(locale ?? 'en-US', { dateStyle: 'medium', timeStyle: 'short', ...(timeZone ? { timeZone } : {}) }).format(new Date(iso));
}

/** A count with its noun: "1 record", "3 records". */
export const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
