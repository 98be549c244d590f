import { createHmac } from 'node:crypto';
import type { Hono } from 'hono';
import { signV1, signV2, signV3 } from '../../emulators/hubspot/signatures';
import { PUBLIC_URL, type Harness } from '../helpers/harness';

/**
 * What guards each inbound route. Every route the backend serves must be listed here: a route added without a
 * decision about who may call it fails `inbound routes` in signatures.test.ts.
 */
export type Guard =
  /** Anyone: health checks and metrics (no account data), and the start of an install (it only issues a state). */
  | 'public'
  /** `hubspot.fetch` from the settings page or the deal card: v3 only, then membership of the portal. */
  | 'hubspot-app'
  /** HubSpot's webhook batches: v3 only. */
  | 'hubspot-webhook'
  /** The workflow action's actionUrl: v2 or v3. */
  | 'hubspot-action'
  /** QuickBooks notifications: `intuit-signature`. */
  | 'intuit'
  /** OAuth redirects: a single-use state bound to the browser that started the flow. */
  | 'oauth-state';

export const INBOUND: Record<string, Guard> = {
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'GET /metrics': 'public',
  'GET /oauth/hubspot/install': 'public',
  'GET /oauth/hubspot/callback': 'oauth-state',
  'GET /oauth/quickbooks/start': 'oauth-state',
  'GET /oauth/quickbooks/callback': 'oauth-state',
  'POST /webhooks/hubspot': 'hubspot-webhook',
  'POST /webhooks/quickbooks': 'intuit',
  'POST /workflow-actions/create-invoice': 'hubspot-action',
  'GET /api/settings': 'hubspot-app',
  'POST /api/quickbooks/connect': 'hubspot-app',
  'POST /api/quickbooks/disconnect': 'hubspot-app',
  'POST /api/quickbooks/company-change/:choice{start-fresh|cancel}': 'hubspot-app',
  'GET /api/settings/:object/fields': 'hubspot-app',
  'PUT /api/settings/:object': 'hubspot-app',
  'POST /api/settings/:object/:toggle{enable|disable}': 'hubspot-app',
  'DELETE /api/settings/:object': 'hubspot-app',
  'GET /api/settings/:object/preview': 'hubspot-app',
  'GET /api/sync-health': 'hubspot-app',
  'GET /api/sync-log': 'hubspot-app',
  'POST /api/sync-log/retry': 'hubspot-app',
  'POST /api/sync-log/:id{[0-9]+}/retry': 'hubspot-app',
  'GET /api/deals/:dealId{[0-9]+}/invoices': 'hubspot-app',
  'POST /api/deals/:dealId{[0-9]+}/invoices': 'hubspot-app',
};

export interface ServedRoute {
  key: string;
  method: string;
  pattern: string;
}

/** Every method and path the app answers (middleware registrations, method ALL, are not routes). */
export function servedRoutes(app: Hono): ServedRoute[] {
  const seen = new Map<string, ServedRoute>();
  for (const r of app.routes) {
    if (r.method === 'ALL') continue;
    const key = `${r.method} ${r.path}`;
    seen.set(key, { key, method: r.method, pattern: r.path });
  }
  return [...seen.values()];
}

/** A concrete path for a route pattern: the first alternative of a choice, 1 for a number, `contacts` for a sync. */
export function samplePath(pattern: string): string {
  return pattern
    .replace(/:\w+\{([^}|]+)(\|[^}]*)?\}/g, (_, first: string) => (first === '[0-9]+' ? '1' : first))
    .replace(/:object\b/g, 'contacts')
    .replace(/:\w+/g, '1');
}

/** A body of the right shape for each POST/PUT route, so that a refusal is the signature's doing, not the body's. */
export function sampleBody(route: ServedRoute): string {
  if (route.method === 'PUT') return JSON.stringify({ mappings: [], createInHubspot: false, createInQbo: false });
  if (route.method === 'POST' && route.pattern.startsWith('/api/deals/')) return JSON.stringify({ requestId: 'req-00000001' });
  return '';
}

export const ACTION_URL = `${PUBLIC_URL}/workflow-actions/create-invoice`;
export const HUBSPOT_WEBHOOK_URL = `${PUBLIC_URL}/webhooks/hubspot`;
export const QBO_WEBHOOK_URL = `${PUBLIC_URL}/webhooks/quickbooks`;

/** HubSpot's signature headers, each version alone, as HubSpot computes them. */
export const hubspotSig = {
  v3: (secret: string, method: string, url: string, body: string, at: number) => ({
    'X-HubSpot-Signature-v3': signV3(secret, method, url, body, at),
    'X-HubSpot-Request-Timestamp': String(at),
  }),
  v2: (secret: string, method: string, url: string, body: string) => ({
    'X-HubSpot-Signature': signV2(secret, method, url, body),
    'X-HubSpot-Signature-Version': 'v2',
  }),
  v1: (secret: string, body: string) => ({ 'X-HubSpot-Signature': signV1(secret, body), 'X-HubSpot-Signature-Version': 'v1' }),
};

export const intuitSignature = (body: string, verifierToken: string) => ({
  'intuit-signature': createHmac('sha256', verifierToken).update(body, 'utf8').digest('base64'),
});

/** The URL an extension sends for the harness's portal and installing user (HubSpot appends the app id). */
export const appUrl = (h: Harness, path: string, claim: { portalId?: number; userId?: number } = {}) => {
  const url = new URL(`${PUBLIC_URL}${path}`);
  url.searchParams.set('portalId', String(claim.portalId ?? h.hubspot.info.portalId));
  url.searchParams.set('userId', String(claim.userId ?? h.hubspot.emulator.config.userId));
  url.searchParams.set('appId', String(h.hubspot.info.appId));
  return url.toString();
};

/** Sends a request straight to the backend, as whoever sits at the other end of the wire. */
export const send = (h: Harness, method: string, url: string, body: string, headers: Record<string, string>) =>
  h.runtime.app.request(url, {
    method,
    headers: { ...(body !== '' ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== '' ? { body } : {}),
  });

/**
 * Everything a request could change: every table of the app's database, the queue, and both providers' records. A
 * refused request must leave it byte for byte as it was.
 */
export async function stateOf(h: Harness): Promise<string> {
  const db = await databaseRows(h);
  const hs = h.hubspot.emulator.state;
  const hubspot = {
    records: Object.fromEntries(Object.entries(hs.records).map(([type, records]) => [type, [...records.values()]])),
    associations: [...hs.associations.keys()],
    nextId: hs.nextId,
  };
  const quickbooks = Object.fromEntries([...h.qbo.emulator.state.entities].map(([name, entities]) => [name, [...entities.values()]]));
  return JSON.stringify({ db, jobs: await h.jobs.pending(), hubspot, quickbooks });
}

/** Every row of every table of the app's database (the queue's schema aside), by table. */
export async function databaseRows(h: Harness): Promise<Record<string, unknown[]>> {
  const tables = await h.db.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name",
  );
  const rows: Record<string, unknown[]> = {};
  for (const { table_name } of tables) rows[table_name] = await h.db.query(`SELECT * FROM "${table_name}" ORDER BY 1`);
  return rows;
}
