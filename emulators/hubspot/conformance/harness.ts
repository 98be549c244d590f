import { Client } from '@hubspot/api-client';
import { Hono } from 'hono';
import { ManualClock } from '../../shared/clock';
import { listen, type RunningServer } from '../../shared/serve';
import type { HubSpotEmulatorOptions } from '../emulator';
import { startHubSpotEmulator, type StartedHubSpotEmulator } from '../start';

/** A request the emulator sent to the fake app backend, with the raw body the signatures cover. */
export interface Received {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * One emulator on a real port, driven through the official client (`basePath` = its URL), plus a fake app backend
 * that records what HubSpot sends (webhooks, workflow actions, signed fetches). The clock is manual; webhooks are
 * delivered only by flushWebhooks(), so tests never wait on time.
 */
export interface Harness {
  started: StartedHubSpotEmulator;
  clock: ManualClock;
  client: Client;
  app: { url: string; received: Received[]; respond: (status: number, body?: unknown) => void };
  close(): Promise<void>;
}

export async function startHarness(options: HubSpotEmulatorOptions = {}): Promise<Harness> {
  const clock = new ManualClock(new Date(Date.now()));
  const received: Received[] = [];
  let reply: { status: number; body: unknown } = { status: 200, body: {} };
  const backend = new Hono();
  backend.all('*', async (c) => {
    received.push({ method: c.req.method, url: c.req.url, headers: Object.fromEntries(c.req.raw.headers.entries()), body: await c.req.text() });
    return c.json(reply.body as object, reply.status as 200);
  });
  const backendServer: RunningServer = await listen(backend);
  const started = await startHubSpotEmulator({ clock, autoDeliverWebhooks: false, ...options });
  const client = new Client({ accessToken: started.info.accessToken, basePath: started.info.url });
  return {
    started,
    clock,
    client,
    app: { url: backendServer.url, received, respond: (status, body = {}) => (reply = { status, body }) },
    close: async () => {
      await started.close();
      await backendServer.close();
    },
  };
}

/** Runs an SDK call expected to fail and returns the ApiException's status and parsed body. */
export async function failure(call: Promise<unknown>): Promise<{ code: number; body: Record<string, unknown>; headers: Record<string, string> }> {
  try {
    await call;
  } catch (err) {
    const e = err as { code: number; body: unknown; headers: Record<string, string> };
    const body = typeof e.body === 'string' ? (JSON.parse(e.body) as Record<string, unknown>) : (e.body as Record<string, unknown>);
    return { code: e.code, body, headers: e.headers };
  }
  throw new Error('expected the call to fail');
}

/** HubSpot's error body: `status`, `message`, `correlationId`, `category` always present. */
export function expectHubSpotError(body: Record<string, unknown>, category: string) {
  expect(body).toMatchObject({ status: 'error', category });
  expect(typeof body.message).toBe('string');
  expect(body.correlationId).toMatch(/^[0-9a-f-]{36}$/);
}
