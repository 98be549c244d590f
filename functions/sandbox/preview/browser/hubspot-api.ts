import { PREVIEW_PREFIX } from '../boot';

/**
 * The CRM data HubSpot's own UI hands extensions (hooks in the worker, CRM components in the page), read through the
 * preview server's read-only proxy to the HubSpot emulator, so HubSpot's tokens never reach the browser.
 */
export async function hubspotApi<T>(path: string, init?: { method: 'POST'; body: unknown }): Promise<T> {
  const res = await fetch(`${PREVIEW_PREFIX}/api/hubspot${path}`, {
    method: init?.method ?? 'GET',
    ...(init ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(init.body) } : {}),
  });
  const body = (await res.json()) as T & { message?: string };
  if (!res.ok) throw new Error(body.message ?? `HubSpot answered ${res.status}`);
  return body;
}
