import type { Logger } from '../log';
import type { Connection, ConnectionStore, StoredTokens, TokenProvider, TokenSet } from '../store/connections';
import { SingleFlight } from './single-flight';

export type Provider = TokenProvider;

export interface TokenRefresher {
  refresh(refreshToken: string): Promise<TokenSet>;
  /** True when the provider said the refresh token itself is no longer valid. */
  isDeadGrant(err: unknown): boolean;
}

/** Access tokens are renewed this long before they expire, so a call never starts with a dying token. */
const EARLY_REFRESH_MS = 5 * 60_000;

/**
 * Keeps one provider's tokens for every connection, correct with many processes on one database:
 * - refresh is single-flight per connection within a process;
 * - across processes, the stored pair carries a version: a refreshed pair is saved only over the version it replaced
 *   (compare-and-swap), and a process that lost the race uses the pair the winner saved;
 * - on `invalid_grant` the stored pair is read again before anything is decided: another process may have rotated the
 *   refresh token meanwhile (QBO refresh tokens rotate). Only a refusal of the pair still stored marks the connection
 *   as needing a reconnect, and that mark names the provider: when its tokens work again (a later refresh succeeds, or
 *   the winner's save lands after the mark), the connection is active again by itself.
 */
export class TokenKeeper {
  readonly #provider: Provider;
  readonly #connections: ConnectionStore;
  readonly #refresher: TokenRefresher;
  readonly #now: () => Date;
  readonly #log: Logger;
  readonly #cache = new Map<string, StoredTokens>();
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
    if (!this.#dying(tokens)) return tokens.accessToken;
    return this.refresh(connectionId, tokens.accessToken);
  }

  /** A fresh access token after the provider refused `rejected`; one refresh per connection at a time in this process. */
  refresh(connectionId: string, rejected: string): Promise<string> {
    return this.#flight.run(connectionId, async () => {
      const stored = await this.#stored(connectionId);
      if (stored.accessToken !== rejected && !this.#dying(stored)) return stored.accessToken;
      return this.#renew(connectionId, stored);
    });
  }

  /**
   * Asks the provider again for a connection marked because it refused the saved tokens (an outage can answer
   * `invalid_grant` too). True when the tokens work again: the connection is active once more.
   */
  async revive(connectionId: string): Promise<boolean> {
    try {
      await this.#flight.run(connectionId, async () => this.#renew(connectionId, await this.#stored(connectionId)));
    } catch (err) {
      this.#log.info({ connectionId, provider: this.#provider, err }, 'saved tokens still refused; the connection still needs a reconnect');
      return false;
    }
    return (await this.#connections.get(connectionId))?.status === 'active';
  }

  forget(connectionId: string): void {
    this.#cache.delete(connectionId);
  }

  async #renew(connectionId: string, stored: StoredTokens): Promise<string> {
    let fresh: TokenSet;
    try {
      fresh = await this.#refresher.refresh(stored.refreshToken);
    } catch (err) {
      if (!this.#refresher.isDeadGrant(err)) throw err;
      const again = await this.#stored(connectionId);
      if (again.version !== stored.version) return again.accessToken;
      const reason = `${this.#label()} refused the saved authorization: reconnect ${this.#label()} on the app's settings page.`;
      if (!(await this.#connections.markTokensRefused(connectionId, this.#provider, stored.version, reason)))
        return (await this.#stored(connectionId)).accessToken;
      throw err;
    }
    if (!(await this.#connections.saveRefreshedTokens(connectionId, this.#provider, fresh, stored.version))) {
      // Another process saved its own refresh first: the stored pair is the one every process uses from now on.
      this.#log.info({ connectionId, provider: this.#provider }, 'another process refreshed the tokens first; using its pair');
      return (await this.#stored(connectionId)).accessToken;
    }
    this.#cache.set(connectionId, { ...fresh, version: stored.version + 1 });
    this.#log.info({ connectionId, provider: this.#provider }, 'access token refreshed');
    return fresh.accessToken;
  }

  #dying(tokens: TokenSet): boolean {
    return tokens.expiresAt.getTime() - EARLY_REFRESH_MS <= this.#now().getTime();
  }

  async #stored(connectionId: string): Promise<StoredTokens> {
    const connection = await this.#connections.get(connectionId);
    const tokens = connection && this.#tokensOf(connection);
    if (!tokens) throw new Error(`connection ${connectionId} has no ${this.#label()} tokens: connect ${this.#label()} first`);
    this.#cache.set(connectionId, tokens);
    return tokens;
  }

  #tokensOf(c: Connection): StoredTokens | undefined {
    return this.#provider === 'hubspot' ? c.hubspotTokens : c.qboTokens;
  }

  #label(): string {
    return this.#provider === 'hubspot' ? 'HubSpot' : 'QuickBooks';
  }
}
