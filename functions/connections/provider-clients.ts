import { createHubSpotClient, DEFAULT_RETRY as HUBSPOT_RETRY, type HubSpotClient } from '../hubspot/client';
import { HubSpotApiError } from '../hubspot/errors';
import { createHubSpotOAuth } from '../hubspot/oauth';
import type { Logger } from '../log';
import { createQboClient, DEFAULT_RETRY, type QboCall, type QboClient, type QboClientOptions } from '../quickbooks/client';
import { QboApiError } from '../quickbooks/errors';
import { createQboOAuth } from '../quickbooks/oauth';
import { QBO_BATCH_LIMITS, QBO_LIMITS, QboRateLimiter, type LimiterClock, type RateLimits } from '../quickbooks/rate-limiter';
import type { Connection, ConnectionStore } from '../store/connections';
import type { ProviderSettings } from './provider-settings';
import { TokenKeeper } from './token-keeper';

/**
 * Time and randomness the provider clients use. Tests and the benchmark run on simulated time: waits (backoff,
 * rate-limit pacing) advance a clock instead of sleeping.
 */
export interface ClientTuning {
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  limiterClock?: LimiterClock;
  /** Per-attempt QBO timeout (wall clock); tests shorten it to exercise a lost response quickly. */
  qboTimeoutMs?: number;
  onQboCall?: (call: QboCall) => void;
}

/**
 * How a client that answers someone waiting (a workflow action, a card) differs from a sync worker's: one attempt and
 * a short timeout, so a rate limit or an outage comes back at once for the caller to defer, instead of being waited out.
 */
export interface CallProfile {
  maxAttempts: number;
  qboTimeoutMs: number;
}

/**
 * Builds the per-connection provider clients (rate-limited, retrying, refreshing their own tokens) and the
 * OAuth clients of both providers. One instance per process.
 */
export class ProviderClients {
  readonly settings: ProviderSettings;
  readonly hubspotOAuth: ReturnType<typeof createHubSpotOAuth>;
  readonly qboOAuth: ReturnType<typeof createQboOAuth>;
  readonly hubspotTokens: TokenKeeper;
  readonly qboTokens: TokenKeeper;
  readonly #log: Logger;
  readonly #now: () => Date;
  readonly #tuning: ClientTuning;
  readonly #limiters = new Map<string, QboRateLimiter>();

  constructor(settings: ProviderSettings, connections: ConnectionStore, log: Logger, now: () => Date, tuning: ClientTuning = {}) {
    this.settings = settings;
    this.#log = log;
    this.#now = now;
    this.#tuning = tuning;
    this.hubspotOAuth = createHubSpotOAuth({
      clientId: settings.hubspot.clientId,
      clientSecret: settings.hubspot.clientSecret,
      redirectUri: `${settings.publicUrl}/oauth/hubspot/callback`,
      basePath: settings.hubspot.apiBaseUrl,
      authorizeUrl: settings.hubspot.authorizeUrl,
      scopes: settings.hubspot.scopes,
      now,
    });
    this.qboOAuth = createQboOAuth({
      clientId: settings.quickbooks.clientId,
      clientSecret: settings.quickbooks.clientSecret,
      redirectUri: `${settings.publicUrl}/oauth/quickbooks/callback`,
      environment: settings.quickbooks.environment,
      ...(settings.quickbooks.oauthEndpoints === undefined ? {} : { endpoints: settings.quickbooks.oauthEndpoints }),
      now,
    });
    this.hubspotTokens = new TokenKeeper(
      'hubspot',
      connections,
      { refresh: (rt) => this.hubspotOAuth.refresh(rt), isDeadGrant: (e) => e instanceof HubSpotApiError && e.kind === 'reauth_required' },
      now,
      log,
    );
    this.qboTokens = new TokenKeeper(
      'quickbooks',
      connections,
      { refresh: (rt) => this.qboOAuth.refresh(rt), isDeadGrant: (e) => e instanceof QboApiError && e.kind === 'reauth_required' },
      now,
      log,
    );
  }

  hubspot(connection: Connection, profile?: CallProfile): HubSpotClient {
    return createHubSpotClient({
      basePath: this.settings.hubspot.apiBaseUrl,
      auth: this.hubspotTokens.authFor(connection.id),
      log: this.#log.child({ connectionId: connection.id, provider: 'hubspot' }),
      ...this.#timing(),
      ...(profile === undefined ? {} : { retry: { ...HUBSPOT_RETRY, maxAttempts: profile.maxAttempts } }),
    });
  }

  qbo(connection: Connection, profile?: CallProfile): QboClient {
    if (connection.qboRealmId === undefined) throw new Error(`connection ${connection.id} has no QuickBooks company connected`);
    return this.#qboClient(connection.qboRealmId, this.qboTokens.authFor(connection.id), { connectionId: connection.id }, profile);
  }

  /**
   * A client on a grant not yet stored (a consent that just came back): it reads what the admin must see before the
   * grant is used, such as the company's name. It never refreshes; the grant is minutes old.
   */
  qboForGrant(realmId: string, accessToken: string): QboClient {
    const auth = {
      accessToken: async () => accessToken,
      refresh: async (): Promise<string> => {
        throw new Error('a QuickBooks grant that has just been issued was refused');
      },
    };
    return this.#qboClient(realmId, auth, { realmId });
  }

  #qboClient(realmId: string, auth: QboClientOptions['auth'], logBindings: Record<string, string>, profile?: CallProfile): QboClient {
    return createQboClient({
      realmId,
      endpoint: this.settings.quickbooks.apiEndpoint,
      clientId: this.settings.quickbooks.clientId,
      clientSecret: this.settings.quickbooks.clientSecret,
      auth,
      log: this.#log.child({ ...logBindings, provider: 'quickbooks' }),
      limiter: this.#limiterFor(realmId, QBO_LIMITS),
      batchLimiter: this.#limiterFor(realmId, QBO_BATCH_LIMITS),
      now: this.#now,
      ...this.#timing(),
      ...(this.#tuning.onQboCall === undefined ? {} : { onCall: this.#tuning.onQboCall }),
      ...(this.#tuning.qboTimeoutMs === undefined ? {} : { timeoutMs: this.#tuning.qboTimeoutMs }),
      ...(profile === undefined
        ? {}
        : { retry: { ...DEFAULT_RETRY, maxAttempts: profile.maxAttempts }, timeoutMs: Math.min(profile.qboTimeoutMs, this.#tuning.qboTimeoutMs ?? Infinity) }),
    });
  }

  /** One limiter per realm and kind in this process: QBO's budgets are per company, whichever connection spends them. */
  #limiterFor(realmId: string, limits: RateLimits): QboRateLimiter {
    const key = `${limits === QBO_BATCH_LIMITS ? 'batches' : 'requests'}:${realmId}`;
    let limiter = this.#limiters.get(key);
    if (!limiter) {
      limiter = new QboRateLimiter({ limits, ...(this.#tuning.limiterClock === undefined ? {} : { clock: this.#tuning.limiterClock }) });
      this.#limiters.set(key, limiter);
    }
    return limiter;
  }

  #timing(): { sleep?: (ms: number) => Promise<void>; random?: () => number } {
    return {
      ...(this.#tuning.sleep === undefined ? {} : { sleep: this.#tuning.sleep }),
      ...(this.#tuning.random === undefined ? {} : { random: this.#tuning.random }),
    };
  }
}
