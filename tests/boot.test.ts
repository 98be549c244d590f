import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openPglite } from '../functions/store/db';
import { Client } from '@hubspot/api-client';
import { createQboClient } from '../functions/quickbooks/client';
import { qboApiBase } from '../functions/quickbooks/endpoints';
import { silentLogger } from '../functions/log';
import { spawnEntry } from './helpers/spawn-product';

interface SandboxLine {
  backendUrl: string;
  previewUrl: string;
  hubspot: { url: string; accessToken: string };
  quickbooks: { url: string; realmId: string; clientId: string; clientSecret: string; accessToken: string };
  createInvoiceDemo: { definition: string; objectId: string; inputFields: Record<string, string> };
}

/** Sandbox seed: 6 HubSpot contacts, 4 QBO customers, 2 of them the same people; after the first sync both sides hold all 8. */
async function expectFirstSyncDone(line: SandboxLine): Promise<void> {
  const hubspot = new Client({ accessToken: line.hubspot.accessToken, basePath: line.hubspot.url });
  expect((await hubspot.crm.contacts.basicApi.getPage(100)).results).toHaveLength(8);
  const q = line.quickbooks;
  const qbo = createQboClient({
    realmId: q.realmId,
    endpoint: qboApiBase(q.url),
    clientId: q.clientId,
    clientSecret: q.clientSecret,
    auth: { accessToken: async () => q.accessToken, refresh: async () => q.accessToken },
    log: silentLogger,
  });
  expect(await qbo.query('Customer')).toHaveLength(8);
}

/** `npm start` as a newcomer runs it: no configuration, a data folder, Ctrl-C, and a restart that keeps data. */
describe('npm start with no configuration', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'qbo-boot-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  const boot = async (env: Record<string, string> = {}) => {
    const proc = spawnEntry('functions/main.ts', { PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info', ...env });
    const sandboxLine = proc.waitForLine(/^SANDBOX (\{.*\})$/);
    const previewLine = proc.waitForLine(/^Open (\S+) to see the settings page and the deal cards$/);
    const [, url] = await proc.waitForLine(/^Listening on (http:\/\/\S+) \(sandbox mode\)/);
    const [, json] = await sandboxLine;
    const [, previewUrl] = await previewLine;
    return { proc, url: url!, previewUrl: previewUrl!, sandbox: JSON.parse(json!) as SandboxLine };
  };

  test('boots, answers health checks, exits cleanly on Ctrl-C, and keeps its data across a restart', async () => {
    const first = await boot();
    expect(first.sandbox.backendUrl).toBe(first.url);
    expect(first.previewUrl).toBe(`${first.url}/preview/`);
    expect(first.sandbox.previewUrl).toBe(first.previewUrl);
    await expectFirstSyncDone(first.sandbox);
    expect(first.proc.output()).toMatch(/First sync of contacts done: 2 matched, 4 created in QuickBooks, 2 created in HubSpot/);
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${first.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: true, queue: true } });
    // The README's demo: the HubSpot emulator runs the "Create invoice" action on the demo deal through the real backend.
    expect(first.proc.output()).toContain('Try the "Create invoice" workflow action on the deal "Trajectory onboarding"');
    const demo = await fetch(`${first.sandbox.hubspot.url}/__emulator/workflow-actions/invoke`, {
      method: 'POST',
      body: JSON.stringify(first.sandbox.createInvoiceDemo),
    });
    const { execution } = (await demo.json()) as { execution: { state: string; outputFields: Record<string, string> } };
    expect(execution).toMatchObject({ state: 'SUCCESS', outputFields: { qboInvoiceStatus: 'open', qboInvoiceTotal: '2500.00', qboInvoiceCurrency: 'USD' } });
    const metrics = await (await fetch(`${first.url}/metrics`)).text();
    expect(metrics).toContain('http_requests_total{method="GET",route="/readyz",status="200"} 1');
    // The preview of the project's own extensions is served beside the backend, with its host script.
    const index = await fetch(first.previewUrl);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('"appName":"QuickBooks Online for HubSpot"');
    const host = await fetch(`${first.url}/preview/assets/host.js`);
    expect(host.status).toBe(200);
    expect(host.headers.get('content-type')).toMatch(/javascript/);
    expect(await first.proc.stop('SIGINT')).toBe(0);
    expect(first.proc.output()).toContain(
      '"applied":["0001_init.sql","0002_sync_state.sql","0003_invoices.sql","0004_invoice_requests.sql","0005_settings_and_card.sql","0006_books_of_record.sql","0007_one_runner.sql","0008_invoice_exports.sql","0010_cached_qbo_state_and_card_indexes.sql"]',
    );

    const key = await readFile(path.join(dataDir, 'token-encryption.key'), 'utf8');
    const db = await openPglite(path.join(dataDir, 'pglite'));
    await db.query('INSERT INTO connections (hubspot_portal_id) VALUES (424242)');
    expect(await db.query(`SELECT count(*)::int AS n FROM links WHERE object = 'contacts'`)).toEqual([{ n: 8 }]);
    await db.close();

    // A person at a terminal (LOG_FORMAT=pretty, as on a TTY) reads log lines, not JSON; progress keeps its own lines.
    const second = await boot({ LOG_FORMAT: 'pretty' });
    await expectFirstSyncDone(second.sandbox);
    expect((await fetch(`${second.url}/readyz`)).status).toBe(200);
    expect(await second.proc.stop('SIGTERM')).toBe(0);
    expect(second.proc.output()).not.toContain('migrations applied');
    expect(second.proc.output()).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: database open$/m);
    expect(second.proc.output()).not.toMatch(/^\{"level"/m);
    expect(second.proc.output()).toMatch(/^First sync of contacts done: /m);
    expect(await readFile(path.join(dataDir, 'token-encryption.key'), 'utf8')).toBe(key);

    const again = await openPglite(path.join(dataDir, 'pglite'));
    try {
      expect(await again.query('SELECT hubspot_portal_id::text AS id FROM connections ORDER BY 1')).toEqual([{ id: '424242' }, { id: '62515' }]);
      expect(await again.query(`SELECT count(*)::int AS n FROM links WHERE object = 'contacts'`)).toEqual([{ n: 8 }]);
    } finally {
      await again.close();
    }
  }, 60_000);

  test('refuses to boot with a bad configuration and names every bad key', async () => {
    const proc = spawnEntry('functions/main.ts', { PORT: 'eighty', DATABASE_URL: 'mysql://x', DATA_DIR: dataDir });
    const code = await new Promise<number | null>((resolve) => proc.child.once('exit', resolve));
    expect(code).toBe(1);
    expect(proc.output()).toMatch(/PORT/);
    expect(proc.output()).toMatch(/DATABASE_URL/);
  });
});
