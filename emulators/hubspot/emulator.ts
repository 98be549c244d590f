import { Hono } from 'hono';
import { systemClock, type Clock } from '../shared/clock';
import { AppEvents, appEventRoutes, type AppEventOccurrence, type AppEventTypeConfig } from './app-events';
import { associationRoutes } from './associations/routes';
import { controlRoutes } from './control';
import { HubSpotError, routeNotFound } from './errors';
import { Faults, type FaultSpec } from './faults';
import type { Core } from './core';
import type { HubSpotEnv } from './http';
import { issueAccessToken, issueRefreshToken, oauthRoutes, requireBearer } from './oauth';
import { RecordJournal } from './objects/journal';
import { RecordService, type CrmChange } from './objects/records';
import { objectRoutes } from './objects/routes';
import { requireObjectType } from './objects/types';
import { pipelineRoutes } from './pipelines';
import { propertyRoutes } from './properties/routes';
import { DEFAULT_RATE_LIMIT, RateLimiter, type RateLimitOptions } from './rate-limit';
import { seed, type SeedInput, type SeedResult } from './seed';
import { signedFetch, type SignedFetchOptions } from './signed-fetch';
import { createState, type ChangeActor, type CrmRecord, type EmulatorState } from './state';
import { PortalUsers, userRoutes, type PortalUser, type UserInput } from './users';
import { WebhookDispatcher, type WebhookSubscription } from './webhooks';
import {
  callbackRoutes,
  WorkflowActions,
  type ExecutionRecord,
  type InvokeResult,
  type InvokeWorkflowActionInput,
  type WorkflowActionDefinition,
} from './workflow-actions';

export interface HubSpotEmulatorOptions {
  clock?: Clock;
  fetch?: typeof fetch;
  portalId?: number;
  appId?: number;
  clientId?: string;
  clientSecret?: string;
  /** When set, authorize and token requests must use exactly this redirect URI. */
  redirectUri?: string;
  /** Scopes the app may request; the pre-issued token holds all of them. */
  scopes?: string[];
  rateLimit?: Partial<RateLimitOptions>;
  baseUrl?: string;
  /** Deliver webhooks on their own after each change (default true); tests may still call flushWebhooks(). */
  autoDeliverWebhooks?: boolean;
  userId?: number;
  userEmail?: string;
}

export interface EmulatorConfig {
  portalId: number;
  appId: number;
  clientId: string;
  clientSecret: string;
  redirectUri: string | undefined;
  scopes: string[];
  userId: number;
  userEmail: string;
  hubDomain: string;
}

export interface EmulatorInfo {
  url: string;
  portalId: number;
  appId: number;
  clientId: string;
  clientSecret: string;
  accessToken: string;
  refreshToken: string;
}

/** The scopes the QBO app asks for (its app-hsmeta.json), granted to the pre-issued token. */
export const DEFAULT_SCOPES = [
  'oauth',
  'crm.objects.contacts.read',
  'crm.objects.contacts.write',
  'crm.objects.companies.read',
  'crm.objects.companies.write',
  'crm.objects.deals.read',
  'crm.objects.deals.write',
  'crm.objects.line_items.read',
  'crm.objects.line_items.write',
  'crm.objects.products.read',
  'crm.objects.products.write',
  'e-commerce',
  'crm.objects.invoices.read',
  'crm.objects.invoices.write',
  'crm.schemas.contacts.read',
  'crm.schemas.contacts.write',
  'crm.schemas.deals.read',
  'crm.schemas.deals.write',
  'crm.schemas.invoices.read',
  'crm.schemas.invoices.write',
  'crm.schemas.products.write',
  'crm.schemas.line_items.write',
  'automation',
  'timeline',
  'settings.users.read',
];

export interface EditAsUserOptions {
  userId?: number;
  /** Defaults to `CRM_UI`; `IMPORT`, `API` … let tests play other sources. */
  changeSource?: string;
}

export class HubSpotEmulator implements Core {
  readonly app: Hono<HubSpotEnv>;
  readonly clock: Clock;
  readonly config: EmulatorConfig;
  readonly state: EmulatorState;
  readonly records: RecordService;
  readonly webhooks: WebhookDispatcher;
  readonly workflowActions: WorkflowActions;
  readonly appEvents: AppEvents;
  readonly faults = new Faults();
  /** The portal's users: the installing user (a super admin) and whoever tests or the seed add. */
  users: PortalUsers;
  /** The latest API requests served (up to 10,000), with their answer's status: how many calls a client made, for assertions. */
  readonly requestLog: { method: string; path: string; status: number }[] = [];
  /** Every API request served since the start (or the last reset): the request log keeps only the latest. */
  requestsServed = 0;
  readonly rateLimiter: RateLimiter;
  readonly baseUrl: string | undefined;
  private readonly fetchImpl: typeof fetch;
  private bootstrap: { accessToken: string; refreshToken: string };
  private buffered: CrmChange[] | undefined;
  private silent = 0;

  constructor(options: HubSpotEmulatorOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.baseUrl = options.baseUrl;
    this.config = {
      portalId: options.portalId ?? 62515,
      appId: options.appId ?? 1160452,
      clientId: options.clientId ?? '5fd6a3a2-6c5b-4c1e-9d1a-0e6f3a1b2c3d',
      clientSecret: options.clientSecret ?? 'c0ffee00-aaaa-4bbb-8ccc-0123456789ab',
      redirectUri: options.redirectUri,
      scopes: options.scopes ?? DEFAULT_SCOPES,
      userId: options.userId ?? 2_931_120,
      userEmail: options.userEmail ?? 'admin@example.com',
      hubDomain: 'emulator.hubspot.test',
    };
    this.state = createState(this.clock);
    this.users = this.installingUser();
    this.records = new RecordService(this.state, this.clock, (change) => this.onChange(change));
    this.webhooks = new WebhookDispatcher({
      clock: this.clock,
      fetch: this.fetchImpl,
      portalId: this.config.portalId,
      appId: this.config.appId,
      clientSecret: this.config.clientSecret,
      autoDeliver: options.autoDeliverWebhooks ?? true,
    });
    this.workflowActions = new WorkflowActions({
      clock: this.clock,
      fetch: this.fetchImpl,
      portalId: this.config.portalId,
      clientSecret: this.config.clientSecret,
      records: () => this.records,
    });
    this.appEvents = new AppEvents({ clock: this.clock, appId: this.config.appId, records: () => this.records });
    this.rateLimiter = new RateLimiter(this.clock, { ...DEFAULT_RATE_LIMIT, ...options.rateLimit });
    this.bootstrap = this.issueBootstrapToken();
    this.app = this.buildApp();
  }

  /** The standalone JSON line (issue 5): where the emulator is and how to call it. */
  info(baseUrl: string): EmulatorInfo {
    return {
      url: baseUrl,
      portalId: this.config.portalId,
      appId: this.config.appId,
      clientId: this.config.clientId,
      clientSecret: this.config.clientSecret,
      accessToken: this.bootstrap.accessToken,
      refreshToken: this.bootstrap.refreshToken,
    };
  }

  /** Issues a token for the portal without the browser consent (tests, sandbox mode). */
  issueToken(scopes: string[] = this.config.scopes): { accessToken: string; refreshToken: string; expiresIn: number } {
    const refresh = issueRefreshToken(this, scopes, this.config.userId, this.config.userEmail);
    const access = issueAccessToken(this, refresh, scopes, this.config.userId, this.config.userEmail);
    return { accessToken: access.token, refreshToken: refresh, expiresIn: Math.floor((access.expiresAt - this.clock.now().getTime()) / 1000) };
  }

  /** Back to an empty portal (pipelines and default properties only), keeping the pre-issued token valid. */
  /** Ends the life of every access token issued so far: the next call with one gets 401 until its holder refreshes. */
  expireAccessTokens(): number {
    const now = this.clock.now().getTime();
    for (const token of this.state.accessTokens.values()) token.expiresAt = Math.min(token.expiresAt, now);
    return this.state.accessTokens.size;
  }

  reset(): void {
    Object.assign(this.state, createState(this.clock));
    this.users = this.installingUser();
    this.webhooks.reset();
    this.workflowActions.reset();
    this.appEvents.reset();
    this.faults.clear();
    this.requestLog.length = 0;
    this.requestsServed = 0;
    this.rateLimiter.reset();
    this.restoreBootstrapToken();
  }

  seed(input: SeedInput): SeedResult {
    return seed(this, input);
  }

  /** A user of this portal (a colleague of the installing admin), with or without super-admin rights. */
  addUser(input: UserInput): PortalUser {
    return this.users.add(input);
  }

  advanceClock(ms: number): void {
    const clock = this.clock as Clock & { advance?: (ms: number) => void };
    if (typeof clock.advance !== 'function') throw new Error('advanceClock needs a ManualClock (createHubSpotEmulator({ clock }))');
    clock.advance(ms);
  }

  setWebhookTarget(target: { url: string; subscriptions?: Omit<WebhookSubscription, 'subscriptionId'>[] }): void {
    this.webhooks.target = target.url;
    if (target.subscriptions) {
      this.webhooks.subscriptions = target.subscriptions.map((s, i) => ({ ...s, subscriptionId: 2_000 + i }));
    }
  }

  /** Resolves once every pending batch, including retries due at the current clock, has been attempted. */
  flushWebhooks(): Promise<void> {
    return this.webhooks.flush();
  }

  /** Lose webhooks: events are still generated and logged, but nothing reaches the app until turned off. */
  dropWebhooks(drop = true): void {
    this.webhooks.dropMode = drop;
  }

  injectFault(spec: FaultSpec): void {
    this.faults.inject(spec);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  editAsUser(objectType: string, id: string, properties: Record<string, string>, opts: EditAsUserOptions = {}): CrmRecord {
    return this.records.update(requireObjectType(objectType).name, id, properties, this.userActor(opts));
  }

  createAsUser(objectType: string, properties: Record<string, string>, opts: EditAsUserOptions = {}): CrmRecord {
    return this.records.create(requireObjectType(objectType).name, properties, this.userActor(opts));
  }

  deleteAsUser(objectType: string, id: string, opts: EditAsUserOptions = {}): void {
    this.records.archive(requireObjectType(objectType).name, id, this.userActor(opts));
  }

  mergeAsUser(objectType: string, primaryId: string, mergeId: string, opts: EditAsUserOptions = {}): CrmRecord {
    return this.records.merge(requireObjectType(objectType).name, primaryId, mergeId, this.userActor(opts));
  }

  /** Registers a project's `workflow-actions/*-hsmeta.json` as `hs project upload` would, `${VAR}`s from a profile. */
  registerWorkflowAction(hsmeta: unknown, variables: Record<string, string> = {}): WorkflowActionDefinition {
    return this.workflowActions.registerDefinition(hsmeta, variables);
  }

  invokeWorkflowAction(input: InvokeWorkflowActionInput): Promise<InvokeResult> {
    return this.workflowActions.invoke(input);
  }

  /** Sends an unanswered execution again, as HubSpot retries one that timed out or failed. */
  retryWorkflowAction(callbackId: string, options: { loseResponse?: boolean } = {}): Promise<InvokeResult> {
    return this.workflowActions.retry(callbackId, options);
  }

  signedFetch(url: string, opts: SignedFetchOptions = {}): Promise<Response> {
    return signedFetch({ fetch: this.fetchImpl, clock: this.clock, ...this.config }, url, opts);
  }

  get callbacks(): ExecutionRecord[] {
    return [...this.workflowActions.executions.values()];
  }

  registerAppEventType(def: AppEventTypeConfig) {
    return this.appEvents.registerType(def);
  }

  timelineEvents(objectType: string, objectId: string): AppEventOccurrence[] {
    return this.appEvents.occurrencesFor(requireObjectType(objectType).name, objectId);
  }

  setRateLimit(options: Partial<RateLimitOptions>): void {
    this.rateLimiter.options = { ...this.rateLimiter.options, ...options };
  }

  /**
   * Runs `fn` all-or-nothing: on a throw the state is restored and its changes emit no webhooks, so a bad batch input
   * never half-writes.
   */
  transaction<T>(fn: () => T): T {
    if (this.buffered) return fn();
    // Records are journaled as they are written (a portal holds many, a write touches few); the rest is small and copied.
    const { records: _, ...rest } = this.state;
    const snapshot = structuredClone(rest);
    const journal = new RecordJournal();
    const occurrences = this.appEvents.occurrences.length;
    const executions = structuredClone([...this.workflowActions.executions.entries()]);
    this.buffered = [];
    this.records.journal = journal;
    try {
      const result = fn();
      const changes = this.buffered;
      this.buffered = undefined;
      changes.forEach((c) => this.webhooks.record(c));
      return result;
    } catch (err) {
      this.buffered = undefined;
      journal.rollback(this.state.records);
      Object.assign(this.state, snapshot);
      this.appEvents.occurrences.length = occurrences;
      this.workflowActions.executions.clear();
      for (const [k, v] of executions) this.workflowActions.executions.set(k, v);
      throw err;
    } finally {
      this.records.journal = undefined;
    }
  }

  /** Runs `fn` without emitting webhooks (seeding). */
  silently<T>(fn: () => T): T {
    this.silent += 1;
    try {
      return fn();
    } finally {
      this.silent -= 1;
    }
  }

  private onChange(change: CrmChange) {
    if (this.silent > 0) return;
    if (this.buffered) this.buffered.push(change);
    else this.webhooks.record(change);
  }

  private userActor(opts: EditAsUserOptions): ChangeActor {
    const userId = opts.userId ?? this.config.userId;
    // Real UI edits carry `sourceId: "userId:<id>"` (seen in third-party webhook captures; HubSpot's docs do not show it).
    return { changeSource: opts.changeSource ?? 'CRM_UI', sourceId: `userId:${userId}`, userId };
  }

  private issueBootstrapToken() {
    const { accessToken, refreshToken } = this.issueToken();
    return { accessToken, refreshToken };
  }

  private installingUser(): PortalUsers {
    const users = new PortalUsers(this.config.userId + 1);
    users.add({ email: this.config.userEmail, superAdmin: true }, this.config.userId);
    return users;
  }

  /** Re-registers the pre-issued tokens after a reset, with a fresh 30-minute lifetime, so clients keep working. */
  private restoreBootstrapToken() {
    const { scopes, userId, userEmail: user } = this.config;
    this.state.refreshTokens.set(this.bootstrap.refreshToken, { token: this.bootstrap.refreshToken, scopes, userId, user, revoked: false });
    const access = issueAccessToken(this, this.bootstrap.refreshToken, scopes, userId, user);
    this.state.accessTokens.delete(access.token);
    this.state.accessTokens.set(this.bootstrap.accessToken, { ...access, token: this.bootstrap.accessToken });
  }

  private buildApp(): Hono<HubSpotEnv> {
    const app = new Hono<HubSpotEnv>();
    app.use('*', async (c, next) => {
      c.set('core', this);
      await next();
      this.requestLog.push({ method: c.req.method, path: c.req.path, status: c.res.status });
      this.requestsServed++;
      if (this.requestLog.length > 10_000) this.requestLog.splice(0, this.requestLog.length - 10_000);
    });
    app.onError((err, c) => {
      if (err instanceof HubSpotError) {
        for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
        return c.json(err.body, err.httpStatus as 400);
      }
      const body = new HubSpotError(500, { message: `internal error: ${err.message}`, category: 'INTERNAL_ERROR' }).body;
      return c.json(body, 500);
    });
    app.notFound((c) => {
      const e = routeNotFound(c.req.method, c.req.path);
      return c.json(e.body, 404);
    });
    app.route('/__emulator', controlRoutes(this));
    const apiPrefixes = ['/crm/*', '/automation/*', '/integrators/*', '/settings/*'];
    for (const p of [...apiPrefixes, '/oauth/v1/*']) app.use(p, this.faults.middleware());
    for (const p of apiPrefixes) {
      app.use(p, this.rateLimiter.middleware());
      app.use(p, requireBearer());
    }
    app.route('/', oauthRoutes());
    app.route('/', objectRoutes());
    app.route('/', propertyRoutes());
    app.route('/', associationRoutes());
    app.route('/', pipelineRoutes());
    app.route('/', callbackRoutes());
    app.route('/', appEventRoutes());
    app.route('/', userRoutes());
    return app;
  }
}

export function createHubSpotEmulator(options: HubSpotEmulatorOptions = {}): HubSpotEmulator {
  return new HubSpotEmulator(options);
}
