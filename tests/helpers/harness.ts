import { randomBytes } from 'node:crypto';
import { TestClock } from 'pg-boss';
import { ManualClock } from '../../emulators/shared/clock';
import type { SignedFetchOptions } from '../../emulators/hubspot/signed-fetch';
import { startHubSpotEmulator, type StartedHubSpotEmulator } from '../../emulators/hubspot/start';
import { startQuickBooksEmulator } from '../../emulators/quickbooks/start';
import { Jobs } from '../../functions/jobs/queue';
import { isQboRead } from '../../functions/quickbooks/client';
import { qboApiBase } from '../../functions/quickbooks/endpoints';
import { createLogger, silentLogger, type Logger } from '../../functions/log';
import { createRuntime, type Runtime } from '../../functions/runtime';
import { ensureAppProperties } from '../../functions/sync/app-properties';
import type { Flow } from '../../functions/sync/flow';
import { registerProjectAppEvents } from '../../functions/sandbox/app-events';
import { registerProjectWorkflowActions } from '../../functions/sandbox/workflow-actions';
import { emulatorProviderSettings } from '../../functions/sandbox/provider-settings';
import { TokenCipher } from '../../functions/security/token-cipher';
import { openPglite, type Db } from '../../functions/store/db';
import { migrate } from '../../functions/store/migrate';
import type { Connection } from '../../functions/store/connections';
import { emulatorQboUser, saveEmulatorGrants } from './installed-portal';

/** The backend's public origin as the emulators see it; their deliveries are routed to it in-process. */
export const PUBLIC_URL = 'https://qbo-app.test';

export type Harness = Awaited<ReturnType<typeof startHarness>>;

/**
 * The product between its two emulators, on simulated time:
 * - one ManualClock for both emulators and the backend's "now"; provider-client backoff and rate-limit pacing
 *   advance it instead of sleeping;
 * - pg-boss on a TestClock, so queued work runs when `drain()` ticks it;
 * - emulator webhooks are delivered straight into the backend's Hono app (signed as for a real URL);
 * - the backend reaches the emulators over real HTTP through the official clients.
 */
/** TEST_LOG_LEVEL=debug shows the backend's logs while a test runs. */
const testLog = process.env.TEST_LOG_LEVEL ? createLogger(process.env.TEST_LOG_LEVEL) : silentLogger;

export interface HarnessOptions {
  /** How far the backend's own clock runs ahead of HubSpot's and QBO's (negative: behind), as on a skewed server. */
  backendClockAheadMs?: number;
  /** Sees each request the emulators send the backend (webhooks, signed app requests) before it is handled. */
  onDelivery?: (request: Request) => void;
  /** The sync flows the runtime runs (default: the registry's): a test declares its own to exercise the runner. */
  flows?: readonly Flow[];
  /** The database (default: a fresh in-memory PGlite) and pg-boss's schema in it; the caller disposes of a database it gives. */
  db?: Db;
  bossSchema?: string;
  /** How long the product waits for a QBO answer (wall clock; default 1 s, which fault-injection tests rely on). */
  qboTimeoutMs?: number;
  /** The backend's logger (default: silent, or TEST_LOG_LEVEL's): a test that reads what the product logs captures it. */
  log?: Logger;
  /** Where the backend reaches HubSpot's API (default: the emulator itself), e.g. a front door to several portals. */
  hubspotApiUrl?: (portal: StartedHubSpotEmulator) => Promise<string>;
}

export async function startHarness(options: HarnessOptions = {}) {
  const clock = new ManualClock('2026-01-15T12:00:00.000Z');
  const skew = options.backendClockAheadMs ?? 0;
  const now = () => new Date(clock.now().getTime() + skew);
  const db: Db = options.db ?? (await openPglite());
  await migrate(db);
  const bossClock = new TestClock(clock.now());
  /** Wall-clock time spent in the product's job handlers and webhook intake (provider calls to the in-process emulators included). */
  const productWork = { ms: 0 };
  const jobs = new Jobs({
    onHandled: (_queue, ms) => {
      productWork.ms += ms;
    },
    db,
    clock: bossClock,
    log: options.log ?? testLog,
    pollingIntervalSeconds: 1,
    ...(options.bossSchema === undefined ? {} : { schema: options.bossSchema }),
  });
  await jobs.start();

  /**
   * A wait on simulated time: the clock jumps to when the wait would end. The QBO rate limiter grants turns
   * one caller at a time, so its waits add up exactly as they would in real time.
   */
  const sleep = async (ms: number) => clock.advance(ms);
  /** Every HTTP attempt the product made to QBO; `reads` are those Intuit meters as CorePlus (queries, reads by id, CDC). */
  const qboCalls = { count: 0, reads: 0 };

  // Assigned once the runtime is built; the emulators deliver to it from then on.
  let runtime: Runtime | undefined = undefined;
  const deliver: typeof fetch = async (input, init) => {
    if (!runtime) return new Response('backend not ready', { status: 503 });
    const started = performance.now();
    try {
      if (options.onDelivery) {
        const request = new Request(input, init);
        options.onDelivery(request.clone());
        return await runtime.app.request(request);
      }
      return await runtime.app.request(input instanceof Request ? input : String(input), init);
    } finally {
      productWork.ms += performance.now() - started;
    }
  };
  const hubspot = await startHubSpotEmulator({ clock, fetch: deliver, autoDeliverWebhooks: false, redirectUri: `${PUBLIC_URL}/oauth/hubspot/callback` });
  const qbo = await startQuickBooksEmulator({ clock, fetch: deliver, redirectUri: `${PUBLIC_URL}/oauth/quickbooks/callback` });
  const hubspotApi = options.hubspotApiUrl ? { ...hubspot.info, url: await options.hubspotApiUrl(hubspot) } : hubspot.info;
  const providers = emulatorProviderSettings(PUBLIC_URL, hubspotApi, qbo.info);
  runtime = await createRuntime({
    db,
    jobs,
    cipher: new TokenCipher(randomBytes(32)),
    providers,
    log: options.log ?? testLog,
    now,
    ...(options.flows === undefined ? {} : { flows: options.flows }),
    tuning: {
      sleep,
      random: () => 0.5,
      limiterClock: { now: () => clock.now().getTime(), sleep },
      qboTimeoutMs: options.qboTimeoutMs ?? 1_000,
      onQboCall: (call) => {
        qboCalls.count++;
        if (isQboRead(call)) qboCalls.reads++;
      },
    },
  });
  const rt = runtime;
  await registerProjectAppEvents(hubspot.emulator);
  await registerProjectWorkflowActions(hubspot.emulator, PUBLIC_URL);
  hubspot.emulator.setWebhookTarget({ url: `${PUBLIC_URL}/webhooks/hubspot` });
  qbo.emulator.setWebhookTarget({ url: `${PUBLIC_URL}/webhooks/quickbooks`, format: 'cloudevents' });

  /** Lets every webhook arrive and every queued job run until nothing is left to do (simulated time). */
  const drain = async (maxTicks = 200) => {
    for (let i = 0; i < maxTicks; i++) {
      await hubspot.emulator.flushWebhooks();
      await qbo.emulator.flushWebhooks();
      await jobs.whenHandlersIdle();
      if ((await jobs.pending()) === 0) return;
      await bossClock.tick(1_000);
    }
    throw new Error(`work still pending after ${maxTicks} simulated seconds`);
  };

  /**
   * Moves both clocks forward together. The queue jumps (each timer the jump passed fires once, as after a
   * sleeping process) and then runs a second, so due schedules and retries fire.
   */
  const advance = async (ms: number) => {
    clock.advance(ms);
    await bossClock.setTime(clock.now());
    await bossClock.tick(1_000);
  };

  /** An installed, connected portal, as if the admin had gone through both consent screens. */
  const connect = async (): Promise<Connection> => {
    const companyName = qbo.emulator.state.entities.get('CompanyInfo')?.get('1')?.['CompanyName'];
    return saveEmulatorGrants(rt.store.connections, hubspot, qbo, clock.now().getTime(), typeof companyName === 'string' ? companyName : undefined);
  };

  /** The app's properties in the portal and these syncs on, their first syncs run: where most end-to-end tests start. */
  const syncsOn = async (connection: Connection, ...flows: string[]) => {
    await ensureAppProperties(rt.clients.hubspot(connection));
    for (const flow of flows) await rt.sync.setEnabled(connection.id, flow, true);
    await drain();
  };

  const qboUser = () => emulatorQboUser(qbo);

  /**
   * A request from the app's settings page or deal card (`hubspot.fetch`): the extension puts the portal and user of
   * its context in the query and HubSpot signs it. By default the installing user, a super admin of the portal.
   */
  const appFetch = (path: string, opts: SignedFetchOptions & { userId?: number; portalId?: number } = {}) => {
    const { userId = hubspot.emulator.config.userId, portalId = hubspot.info.portalId, ...rest } = opts;
    const url = new URL(`${PUBLIC_URL}${path}`);
    url.searchParams.set('portalId', String(portalId));
    url.searchParams.set('userId', String(userId));
    return hubspot.emulator.signedFetch(url.toString(), rest);
  };

  /**
   * An accountant's write through the raw API, for what node-quickbooks or the product's adapter does not offer
   * (credit memos, void and delete of every entity): `POST /v3/company/{realm}/{entity}?{query}`, the answer's JSON.
   */
  const qboPost = async (entity: string, body: Record<string, unknown>, query = ''): Promise<{ status: number; body: Record<string, unknown> }> => {
    const res = await fetch(`${qboApiBase(qbo.info.url)}${qbo.info.realmId}/${entity}?${query ? `${query}&` : ''}minorversion=75`, {
      method: 'POST',
      headers: { authorization: `Bearer ${qbo.emulator.issueTokens().access_token}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  const stop = async () => {
    await jobs.stop();
    await hubspot.close();
    await qbo.close();
    if (!options.db) await db.close();
  };

  return {
    clock,
    bossClock,
    db,
    jobs,
    runtime: rt,
    hubspot,
    qbo,
    providers,
    qboCalls,
    productWork,
    drain,
    advance,
    connect,
    syncsOn,
    qboUser,
    appFetch,
    qboPost,
    stop,
  };
}
