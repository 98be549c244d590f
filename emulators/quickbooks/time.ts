/**
 * QBO timestamps carry the company's local offset, e.g. `2019-07-11T13:04:17-07:00` in MetaData (as recorded in
 * fixtures/ledger_sync/customer.response.json) and `2015-07-29T09:29:56.229-07:00` in a response's `time`.
 */
function offsetMinutes(at: Date, timeZone: string): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value;
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name ?? '');
  if (!m) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -minutes : minutes;
}

function format(at: Date, timeZone: string, withMillis: boolean): string {
  const offset = offsetMinutes(at, timeZone);
  const local = new Date(at.getTime() + offset * 60_000).toISOString();
  const stamp = withMillis ? local.slice(0, 23) : local.slice(0, 19);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${stamp}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export const metaTime = (at: Date, timeZone: string): string => format(at, timeZone, false);
export const responseTime = (at: Date, timeZone: string): string => format(at, timeZone, true);
/** The company's calendar date (`YYYY-MM-DD`), used for defaulted TxnDate. */
export const localDate = (at: Date, timeZone: string): string => format(at, timeZone, false).slice(0, 10);

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
