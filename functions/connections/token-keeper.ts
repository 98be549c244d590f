import type { Logger } from '../log';
import type { Connection, ConnectionStore, TokenSet } from '../store/connections';
import { SingleFlight } from './single-flight';

export type Provider = 'hubspot' | 'quickbooks';

export interface TokenRefresher {
  refresh(refreshToken: string): Promise<TokenSet>;
  /** True when the provider said the refresh token itself is no longer valid. */
  isDeadGrant(err: unknown): boolean;
}

/** Access tokens are renewed this long before they expire, so a call never starts with a dying token. */
const EARLY_REFRESH_MS = 5 * 60_000;

/**
 * Keeps one provider's tokens for every connection. Refresh is single-flight per connection in this process,
 * and survives rotation across processes: before and after asking the provider, it re-reads the stored
 * tokens, because another worker may already have rotated them (QBO refresh tokens rotate; the old one then
 * fails with invalid_grant). Only when the stored refresh token itself is refused is the connection marked
 * as needing a reconnect.
 */
export class TokenKeeper {
  readonly #provider: Provider;
  readonly #connections: ConnectionStore;
  readonly #refresher: TokenRefresher;
  readonly #now: () => Date;
  readonly #log: Logger;
  readonly #cache = new Map<string, TokenSet>();
  readonly #flight = new SingleFlight<string>();

  constructor(provider: Provider, connections: ConnectionStore, refresher: TokenRefresher, now: () => Date, log: Logger) {
    this.#provider = provider;
    this.#connections = connections;
    this.#refresher = refresher;
    this.#now = now;
    this.#log = log;
  }

  /** The auth pair the provider clients take: current token, and refresh-after-401. */
  authFor(connectionId: string) {
    return {
      accessToken: () => this.accessToken(connectionId),
      refresh: (rejected: string) => this.refresh(connectionId, rejected),
    };
  }

  async accessToken(connectionId: string): Promise<string> {
    const tokens = this.#cache.get(connectionId) ?? (await this.#stored(connectionId));
    if (tokens.expiresAt.getTime() - EARLY_REFRESH_MS > this.#now().getTime()) return tokens.accessToken;
    return this.refresh(connectionId, tokens.accessToken);
  }

  refresh(connectionId: string, rejected: string): Promise<string> {
    return this.#flight.run(connectionId, async () => {
      const stored = await this.#stored(connectionId);
      if (stored.accessToken !== rejected && stored.expiresAt.getTime() - EARLY_REFRESH_MS > this.#now().getTime()) return stored.accessToken;
      let fresh: TokenSet;
      try {
        fresh = await this.#refresher.refresh(stored.refreshToken);
      } catch (err) {
        if (!this.#refresher.isDeadGrant(err)) throw err;
        const again = await this.#stored(connectionId);
        if (again.refreshToken !== stored.refreshToken) return again.accessToken;
        await this.#connections.setStatus(connectionId, 'reauth_required', `${this.#label()} refused the saved authorization: reconnect ${this.#label()} on the app's settings page.`);
        throw err;
      }
      if (this.#provider === 'hubspot') await this.#connections.saveHubspotTokens(connectionId, fresh);
      else await this.#connections.saveQboTokens(connectionId, fresh);
      this.#cache.set(connectionId, fresh);
      this.#log.info({ connectionId, provider: this.#provider }, 'access token refreshed');
      return fresh.accessToken;
    });
  }

  forget(connectionId: string): void {
    this.#cache.delete(connectionId);
  }

  async #stored(connectionId: string): Promise<TokenSet> {
    const connection = await this.#connections.get(connectionId);
    const tokens = connection && this.#tokensOf(connection);
    if (!tokens) throw new Error(`connection ${connectionId} has no ${this.#label()} tokens: connect ${this.#label()} first`);
    this.#cache.set(connectionId, tokens);
    return tokens;
  }

  #tokensOf(c: Connection): TokenSet | undefined {
    return this.#provider === 'hubspot' ? c.hubspotTokens : c.qboTokens;
  }

  #label(): string {
    return this.#provider === 'hubspot' ? 'HubSpot' : 'QuickBooks';
  }
}
