import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { Client } from '@hubspot/api-client';

/** `npm run emulator:hubspot -- --port 0` prints one JSON line once ready, and @hubspot/api-client works against it. */
test('the CLI prints its JSON line, serves the SDK, and exits cleanly on SIGTERM', async () => {
  const child = spawn('node_modules/.bin/tsx', ['emulators/hubspot/main.ts', '--port', '0', '--seed', 'demo'], {
    cwd: new URL('../../..', import.meta.url).pathname,
  });
  const lines = createInterface({ input: child.stdout });
  const [line] = (await once(lines, 'line')) as [string];
  const info = JSON.parse(line) as Record<string, unknown>;
  expect(Object.keys(info)).toEqual(['url', 'portalId', 'appId', 'clientId', 'clientSecret', 'accessToken', 'refreshToken']);
  const client = new Client({ accessToken: String(info.accessToken), basePath: String(info.url) });
  const deals = await client.crm.deals.getAll();
  expect(deals.map((d) => d.properties.dealname)).toEqual(['Engine retrofit', 'Compiler support']);
  child.kill('SIGTERM');
  const [code] = (await once(child, 'exit')) as [number | null];
  expect(code).toBe(0);
});
