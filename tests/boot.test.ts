import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openPglite } from '../functions/store/db';
import { spawnEntry } from './helpers/spawn-product';

/** `npm start` as a newcomer runs it: no configuration, a data folder, Ctrl-C, and a restart that keeps data. */
describe('npm start with no configuration', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'qbo-boot-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  const boot = async () => {
    const proc = spawnEntry('functions/main.ts', { PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info' });
    const [, url] = await proc.waitForLine(/^Listening on (http:\/\/\S+) \(sandbox mode\)/);
    return { proc, url: url! };
  };

  test('boots, answers health checks, exits cleanly on Ctrl-C, and keeps its data across a restart', async () => {
    const first = await boot();
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${first.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: true, queue: true } });
    const metrics = await (await fetch(`${first.url}/metrics`)).text();
    expect(metrics).toContain('http_requests_total{method="GET",route="/readyz",status="200"} 1');
    expect(await first.proc.stop('SIGINT')).toBe(0);
    expect(first.proc.output()).toContain('"applied":["0001_init.sql","0002_sync_state.sql"]');

    const key = await readFile(path.join(dataDir, 'token-encryption.key'), 'utf8');
    const db = await openPglite(path.join(dataDir, 'pglite'));
    await db.query('INSERT INTO connections (hubspot_portal_id) VALUES (424242)');
    await db.close();

    const second = await boot();
    expect((await fetch(`${second.url}/readyz`)).status).toBe(200);
    expect(await second.proc.stop('SIGTERM')).toBe(0);
    expect(second.proc.output()).not.toContain('migrations applied');
    expect(await readFile(path.join(dataDir, 'token-encryption.key'), 'utf8')).toBe(key);

    const again = await openPglite(path.join(dataDir, 'pglite'));
    expect(await again.query('SELECT hubspot_portal_id::text AS id FROM connections')).toEqual([{ id: '424242' }]);
    await again.close();
  }, 60_000);

  test('refuses to boot with a bad configuration and names every bad key', async () => {
    const proc = spawnEntry('functions/main.ts', { PORT: 'eighty', DATABASE_URL: 'mysql://x', DATA_DIR: dataDir });
    const code = await new Promise<number | null>((resolve) => proc.child.once('exit', resolve));
    expect(code).toBe(1);
    expect(proc.output()).toMatch(/PORT/);
    expect(proc.output()).toMatch(/DATABASE_URL/);
  });
});
