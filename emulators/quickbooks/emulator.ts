/**
 * A stateful QuickBooks Online Accounting API v3 + Intuit OAuth 2.0 emulator (issue 4), faithful to
 * Intuit's documentation and strict by default. Import it in-process (`app.request`) or
 * serve it with `start.ts`.
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities
 */
import { Hono } from 'hono';
import { ManualClock, systemClock, type Clock } from '../shared/clock';
import { controlRoutes } from './control';
import { writeContext, type Core } from './core';
import { ENTITIES, entityByName } from './entities';
import { createEntity } from './entities/operations';
import type { Change } from './entities/types';
import { FaultInjector, type FaultSpec } from './faults';
import { OAUTH_PATHS, OAuthServer, type TokenResponse } from './oauth';
import { Metering, type MeterReading } from './metering';
import { DEFAULT_LIMITS, RateLimiter, type BatchCost, type Limits } from './rate-limit';
import { dataRoutes } from './routes/data';
import { seedRealm } from './state/seed';
import { clone, isObject, omitEmpty, table, type EntityName, type JsonObject, type RealmState, type SeedKind } from './state/store';
import { metaTime } from './time';
import { WebhookEmitter, type DeliveryAttempt, type WebhookTarget } from './webhooks';

export interface QuickBooksEmulatorOptions {
  clock?: Clock;
  fetch?: typeof fetch;
  seed?: SeedKind;
  /** A company with multicurrency on (https://developer.intuit.com/app/developer/qbo/docs/workflows/manage-multiple-currencies): customers, invoices and payments in any currency. */
  multicurrency?: boolean;
  realmId?: string;
  clientId?: string;
  clientSecret?: string;
  redirectUri?: string;
  webhookVerifierToken?: string;
  /** Requests per minute per realm before 429 (default 500; https://developer.intuit.com/app/developer/qbo/docs/learn/limits-and-throttles). */
  rateLimitPerMinute?: number;
  /** Concurrent requests per realm before 429 (default 10; https://blogs.intuit.com/2016/08/08/idg-concurrent-api-use-changes-coming-soon/). */
  maxInFlight?: number;
  /** Batch requests per minute per realm and app before 429 (default 40; https://developer.intuit.com/app/developer/qbo/docs/learn/limits-and-throttles). */
  batchPerMinute?: number;
  /** How a batch counts against `rateLimitPerMinute`: once (`request`, the default) or once per item (`operation`); see rate-limit.ts. */
  batchCost?: BatchCost;
  /** The emulator's own base URL, used by `info()` when no URL is passed. */
  baseUrl?: string;
  /** Real-time wait used by the `slow` fault (tests may inject an instant one). */
  sleep?: (ms: number) => Promise<void>;
}

/** Entities to add on top of a seed; they go through the same rules as API creates, without webhooks. */
export interface SeedSpec {
  kind?: SeedKind;
  /** With `kind`, or alone for the current kind: a fresh company with multicurrency on or off (default off). */
  multicurrency?: boolean;
  /**
   * Another company altogether (the admin's Intuit login picks a different one on the consent screen): a fresh company
   * with this realm id and name; consents and tokens from now on are for it. `reset()` goes back to the configured one.
   */
  company?: { realmId: string; name?: string };
  entities?: Partial<Record<EntityName, JsonObject[]>>;
  /**
   * Company settings merged into Preferences (objects merge, other values replace), as an admin would change them in
   * QBO's Account and settings, e.g. `{SalesFormsPrefs: {CustomTxnNumbers: true}}` for custom transaction numbers.
   */
  preferences?: JsonObject;
}

/** The line `main.ts` prints, and what tests and sandbox mode connect with. */
export interface EmulatorInfo {
  url: string;
  realmId: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  accessToken: string;
  refreshToken: string;
  webhookVerifierToken: string;
  authorizeEndpoint: string;
  tokenEndpoint: string;
  revokeEndpoint: string;
}

export interface QuickBooksEmulator {
  app: Hono;
  readonly config: Readonly<Required<Pick<QuickBooksEmulatorOptions, 'realmId' | 'clientId' | 'clientSecret' | 'redirectUri' | 'webhookVerifierToken'>>>;
  info(baseUrl?: string): EmulatorInfo;
  /** Back to a freshly seeded company (same multicurrency setting): drops entities, tokens, faults, webhook queue and request ids. */
  reset(kind?: SeedKind): void;
  /** Re-seeds when `kind` or `multicurrency` is given, then creates `entities`; returns the created entities by type. */
  seed(spec: SeedSpec | SeedKind): Partial<Record<EntityName, JsonObject[]>>;
  now(): Date;
  /** Moves a ManualClock forward (throws with the system clock). */
  advanceClock(ms: number): void;
  setWebhookTarget(target: WebhookTarget | undefined): void;
  flushWebhooks(): Promise<void>;
  /** While on, changes produce no notification (proves reconciliation catches lost webhooks). */
  dropWebhooks(on: boolean): void;
  injectFault(spec: FaultSpec): void;
  clearFaults(): void;
  /** Resolves once a `timeout` fault is holding a response. */
  whenResponseHeld(): Promise<void>;
  releaseHeldResponses(): number;
  /** A fresh grant for the realm, as if the admin had just consented. */
  issueTokens(): TokenResponse;
  /** Ends the life of every access token issued so far: the next call with one gets 401 until its holder refreshes. */
  expireAccessTokens(): number;
  readonly state: RealmState;
  readonly changes: readonly Change[];
  readonly webhookAttempts: readonly DeliveryAttempt[];
  readonly droppedWebhooks: readonly Change[];
  /** QBO's throttles, changeable while running (rate-limit.ts). */
  readonly limits: Limits;
  /** Calls answered per company, split into metered reads (CorePlus) and writes (Core): metering.ts. */
  metering(realmId?: string): MeterReading;
  dump(): JsonObject;
}

export function createQuickBooksEmulator(options: QuickBooksEmulatorOptions = {}): QuickBooksEmulator {
  const clock = options.clock ?? systemClock;
  const config = {
    realmId: options.realmId ?? '9341453050298090',
    clientId: options.clientId ?? 'ABemulatorClientId0000000000000000000000000000000',
    clientSecret: options.clientSecret ?? 'emulatorClientSecret000000000000000000000',
    redirectUri: options.redirectUri ?? 'http://localhost:3000/oauth/quickbooks/callback',
    webhookVerifierToken: options.webhookVerifierToken ?? 'emulator-webhook-verifier-token',
  };
  let seedKind: SeedKind = options.seed ?? 'us';
  let multicurrency = options.multicurrency ?? false;
  let company: { realmId: string; name?: string } = { realmId: config.realmId };
  let realm = seedRealm(company.realmId, seedKind, clock.now(), multicurrency);
  const oauth = new OAuthServer(clock, config, () => realm.realmId);
  const webhooks = new WebhookEmitter(clock, options.fetch ?? ((...args) => globalThis.fetch(...args)), () => config.webhookVerifierToken);
  const core: Core = {
    clock,
    realm: () => realm,
    oauth,
    limiter: new RateLimiter(clock, {
      perMinute: options.rateLimitPerMinute ?? DEFAULT_LIMITS.perMinute,
      maxInFlight: options.maxInFlight ?? DEFAULT_LIMITS.maxInFlight,
      batchPerMinute: options.batchPerMinute ?? DEFAULT_LIMITS.batchPerMinute,
      batchCost: options.batchCost ?? DEFAULT_LIMITS.batchCost,
    }),
    metering: new Metering(),
    faults: new FaultInjector(),
    webhooks,
    changes: [],
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
  };
  let initial = oauth.issue();

  const app = new Hono();
  const emulator: QuickBooksEmulator = {
    app,
    config,
    info(baseUrl = options.baseUrl ?? '') {
      return {
        url: baseUrl,
        realmId: realm.realmId,
        clientId: config.clientId,
        clientSecret: config.clientSecret,
        redirectUri: config.redirectUri,
        accessToken: initial.access_token,
        refreshToken: initial.refresh_token,
        webhookVerifierToken: config.webhookVerifierToken,
        authorizeEndpoint: baseUrl + OAUTH_PATHS.authorize,
        tokenEndpoint: baseUrl + OAUTH_PATHS.token,
        revokeEndpoint: baseUrl + OAUTH_PATHS.revoke,
      };
    },
    reset(kind = seedKind) {
      seedKind = kind;
      company = { realmId: config.realmId };
      realm = seedRealm(company.realmId, seedKind, clock.now(), multicurrency);
      oauth.reset();
      core.limiter.reset();
      core.metering.reset();
      core.faults.clear();
      webhooks.reset();
      webhooks.dropping = false;
      core.changes.length = 0;
      initial = oauth.issue();
    },
    seed(spec) {
      const s: SeedSpec = typeof spec === 'string' ? { kind: spec } : spec;
      if (s.kind || s.multicurrency !== undefined || s.company) {
        seedKind = s.kind ?? seedKind;
        multicurrency = s.multicurrency ?? false;
        company = s.company ?? company;
        realm = seedRealm(company.realmId, seedKind, clock.now(), multicurrency, company.name);
      }
      if (s.preferences) setPreferences(realm, s.preferences, clock.now());
      const created: Partial<Record<EntityName, JsonObject[]>> = {};
      const ctx = { ...writeContext(core, new Set()), emit: () => undefined };
      for (const [name, rows] of Object.entries(s.entities ?? {})) {
        const def = entityByName(name);
        if (!def) throw new Error(`cannot seed unknown entity ${name}`);
        created[def.name] = (rows ?? []).map((row) => createEntity(def, ctx, row));
      }
      return created;
    },
    now: () => clock.now(),
    advanceClock(ms) {
      if (!(clock instanceof ManualClock)) throw new Error('advanceClock needs the emulator to run on a ManualClock');
      clock.advance(ms);
    },
    setWebhookTarget(target) {
      webhooks.target = target;
    },
    flushWebhooks: () => webhooks.flush(),
    dropWebhooks(on) {
      webhooks.dropping = on;
    },
    injectFault: (spec) => core.faults.inject(spec),
    clearFaults: () => core.faults.clear(),
    whenResponseHeld: () => core.faults.whenHeld(),
    releaseHeldResponses: () => core.faults.releaseHeld(),
    issueTokens: () => oauth.issue(),
    expireAccessTokens: () => oauth.expireAccessTokens(),
    get state() {
      return realm;
    },
    get changes() {
      return core.changes;
    },
    get webhookAttempts() {
      return webhooks.attempts;
    },
    get droppedWebhooks() {
      return webhooks.dropped;
    },
    get limits() {
      return core.limiter.limits;
    },
    metering: (realmId) => core.metering.reading(realmId ?? realm.realmId),
    dump() {
      const entities: JsonObject = {};
      for (const name of Object.keys(ENTITIES) as EntityName[]) {
        entities[name] = [...(realm.entities.get(name)?.values() ?? [])].map(omitEmpty);
      }
      const deleted: JsonObject = {};
      for (const [name, t] of realm.tombstones) if (t.size) deleted[name] = [...t.keys()];
      return {
        realmId: realm.realmId,
        seed: realm.seed,
        multicurrency: realm.multicurrency,
        now: clock.now().toISOString(),
        entities,
        deleted,
        changes: core.changes.map((c) => ({ ...c, at: c.at.toISOString() })),
        metering: core.metering.all() as unknown as JsonObject,
        webhooks: {
          target: webhooks.target ? { ...webhooks.target } : null,
          dropping: webhooks.dropping,
          pending: webhooks.pendingDeliveries(),
          attempts: webhooks.attempts.map((a) => ({ url: a.url, attempt: a.attempt, status: a.status, at: a.at.toISOString(), body: a.body })),
          dropped: webhooks.dropped.length,
        },
      };
    },
  };
  oauth.routes(app);
  controlRoutes(app, emulator);
  dataRoutes(app, core);
  app.notFound((c) => c.json({ error: 'not_found', message: `No emulated endpoint at ${c.req.method} ${new URL(c.req.url).pathname}` }, 404));
  return emulator;
}

function merged(base: JsonObject, patch: JsonObject): JsonObject {
  const out = clone(base);
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    out[key] = isObject(current) && isObject(value) ? merged(current, value) : clone(value);
  }
  return out;
}

function setPreferences(realm: RealmState, patch: JsonObject, at: Date): void {
  const prefs = table(realm, 'Preferences').get('1');
  if (!prefs) throw new Error('the realm has no Preferences');
  const next = merged(prefs, patch);
  const meta = isObject(prefs.MetaData) ? prefs.MetaData : {};
  table(realm, 'Preferences').set('1', {
    ...next,
    SyncToken: String(Number(prefs.SyncToken) + 1),
    MetaData: { ...meta, LastUpdatedTime: metaTime(at, realm.timeZone) },
  });
}
