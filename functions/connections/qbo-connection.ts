import type { HsObjectType } from '../hubspot/client';
import type { Jobs } from '../jobs/queue';
import type { Logger } from '../log';
import type { Connection, TokenSet } from '../store/connections';
import type { OAuthState } from '../store/oauth-states';
import type { Store } from '../store/store';
import { ReconnectRequired } from '../sync/shared/failures';
import { FLOWS } from '../sync/registry';
import type { ProviderClients } from './provider-clients';

/** A `state` is good for the few minutes a person spends on a consent screen. */
export const CONSENT_TTL_MS = 15 * 60_000;
/** How long a consent for another company waits for the admin's choice before it lapses. */
export const COMPANY_CHANGE_TTL_MS = 60 * 60_000;

export const QBO_ID_CLEANUP_QUEUE = 'company.clear-qbo-ids';

/**
 * The app's own properties that carry a QBO id on HubSpot records. The sync engines read them as "this record's twin
 * is QBO entity N" (a guard against duplicates after a lost response), so ids of a previous company must go: entity
 * N of the new company is another customer, item or invoice altogether.
 */
const QBO_ID_PROPERTIES: { type: HsObjectType; property: string }[] = FLOWS.flatMap((f) =>
  f.qboIdProperties.map((p) => ({ type: p.hubspotType, property: p.property })),
);

export type ConsentOutcome =
  /** A first company, or the connected company again (its grant renewed): syncing resumes where it was. */
  | { kind: 'connected'; companyName: string | undefined }
  /** Another company than the connected one: nothing changes until an admin chooses on the settings page. */
  | { kind: 'company_changed'; companyName: string | undefined; previousCompanyName: string | undefined };

/**
 * The life of a connection's QuickBooks side: consent (started by a portal admin, bound to that admin and the
 * browser that opened it), reconnection, a change of company (never applied without the admin's choice), and
 * disconnection. The OAuth routes and the settings API call these; the sync flows only read the result.
 */
export class QboConnections {
  readonly #store: Store;
  readonly #clients: ProviderClients;
  readonly #jobs: Jobs;
  readonly #log: Logger;
  readonly #now: () => Date;

  constructor(deps: { store: Store; clients: ProviderClients; jobs: Jobs; log: Logger; now: () => Date }) {
    this.#store = deps.store;
    this.#clients = deps.clients;
    this.#jobs = deps.jobs;
    this.#log = deps.log;
    this.#now = deps.now;
  }

  /** Defines the id clean-up queue; `work`: this process runs its jobs (a worker). */
  async start({ work }: { work: boolean }): Promise<void> {
    await this.#jobs.define({
      name: QBO_ID_CLEANUP_QUEUE,
      retryLimit: 8,
      retryDelaySeconds: 5,
      retryBackoff: true,
      retryDelayMaxSeconds: 600,
      policy: 'stately',
    });
    if (work) await this.#jobs.work<{ connectionId: string }>(QBO_ID_CLEANUP_QUEUE, (d) => this.clearPreviousCompanyIds(d.connectionId));
  }

  /** Where the admin's browser goes to start the consent: our own start page, which binds the browser first. */
  async consentLink(connection: Connection, userId: number): Promise<string> {
    const state = await this.#store.oauthStates.issue('quickbooks', this.#now(), CONSENT_TTL_MS, { connectionId: connection.id, userId });
    return `${this.#clients.settings.publicUrl}/oauth/quickbooks/start?state=${encodeURIComponent(state)}`;
  }

  /** The consent for a browser that is already here (the installing user, straight after the HubSpot install). */
  async consentHere(connection: Connection, userId: number): Promise<{ authorizeUrl: string; browserSecret: string }> {
    const state = await this.#store.oauthStates.issue('quickbooks', this.#now(), CONSENT_TTL_MS, { connectionId: connection.id, userId });
    const opened = await this.openConsent(state);
    if (!opened) throw new Error('a consent state issued a moment ago could not be opened');
    return opened;
  }

  /** Binds the consent to this browser and returns Intuit's consent URL with the secret to set; undefined if used or expired. */
  async openConsent(state: string): Promise<{ authorizeUrl: string; browserSecret: string } | undefined> {
    const browserSecret = await this.#store.oauthStates.bindBrowser(state, 'quickbooks', this.#now());
    return browserSecret === undefined ? undefined : { authorizeUrl: this.#clients.qboOAuth.authorizeUrl(state), browserSecret };
  }

  /**
   * Intuit sent the admin back: the code becomes a grant, and the grant is applied only if it is for the company
   * the connection already syncs with (or none yet). A grant for another company is parked for the admin's choice,
   * because links, checkpoints and invoice states name QBO ids of the old company.
   */
  async completeConsent(bound: OAuthState & { connectionId: string; userId: number }, callbackUrl: string): Promise<ConsentOutcome> {
    const connection = await this.#store.connections.get(bound.connectionId);
    if (!connection) throw new Error(`connection ${bound.connectionId} no longer exists`);
    const { tokens, realmId } = await this.#clients.qboOAuth.exchangeCode(callbackUrl);
    const companyName = await this.#companyName(realmId, tokens);
    if (connection.qboRealmId !== undefined && connection.qboRealmId !== realmId) {
      await this.#store.pendingQboConnections.save({
        connectionId: connection.id,
        realmId,
        companyName,
        tokens,
        startedByUserId: bound.userId,
        expiresAt: new Date(this.#now().getTime() + COMPANY_CHANGE_TTL_MS),
      });
      this.#log.warn(
        { connectionId: connection.id, realmId, previousRealmId: connection.qboRealmId },
        'QuickBooks consent is for another company; waiting for the admin to choose',
      );
      return { kind: 'company_changed', companyName, previousCompanyName: connection.qboCompanyName };
    }
    await this.#store.connections.saveQboConnection(connection.id, realmId, tokens, companyName);
    await this.#store.pendingQboConnections.cancel(connection.id);
    this.#clients.qboTokens.forget(connection.id);
    this.#log.info({ connectionId: connection.id, realmId, userId: bound.userId }, 'QuickBooks connected');
    return { kind: 'connected', companyName };
  }

  /**
   * The admin chose the new company: the old company's sync state is forgotten, its ids are cleared from HubSpot
   * records in the background, and the syncs wait to be turned on again.
   */
  async startFresh(connectionId: string): Promise<boolean> {
    const switched = await this.#store.pendingQboConnections.startFresh(connectionId, this.#now());
    if (!switched) return false;
    this.#clients.qboTokens.forget(connectionId);
    await this.#jobs.send(QBO_ID_CLEANUP_QUEUE, { connectionId }, { singletonKey: connectionId });
    this.#log.info({ connectionId, realmId: switched.realmId }, 'switched to another QuickBooks company; its syncs start fresh');
    return true;
  }

  /**
   * Empties the app's QuickBooks id properties on every HubSpot record (reading every record, not searching, so no
   * search window or index lag can leave one behind). Repeating it is harmless, so a retry after a failure is too.
   */
  async clearPreviousCompanyIds(connectionId: string): Promise<void> {
    const connection = await this.#store.connections.get(connectionId);
    if (!connection?.qboIdCleanupPending) return;
    if (!connection.hubspotTokens) throw new ReconnectRequired('HubSpot is not connected: reinstall the app');
    const hubspot = this.#clients.hubspot(connection);
    let cleared = 0;
    for (const { type, property } of QBO_ID_PROPERTIES) {
      for await (const page of hubspot.listAll(type, [property])) {
        const stale = page.filter((r) => (r.properties[property] ?? '') !== '');
        if (stale.length > 0)
          await hubspot.update(
            type,
            stale.map((r) => ({ id: r.id, properties: { [property]: '' } })),
          );
        cleared += stale.length;
      }
    }
    await this.#store.connections.finishQboIdCleanup(connectionId);
    this.#log.info({ connectionId, cleared }, "cleared the previous QuickBooks company's ids from HubSpot records");
  }

  /** The admin kept the current company: the other company's grant is dropped at Intuit too. */
  async cancelCompanyChange(connectionId: string): Promise<boolean> {
    const pending = await this.#store.pendingQboConnections.get(connectionId, this.#now());
    if (!(await this.#store.pendingQboConnections.cancel(connectionId))) return false;
    if (pending) await this.#revoke(pending.tokens.refreshToken, connectionId);
    return true;
  }

  /** Stops syncing and drops the grant (revoked at Intuit as well, so it cannot be used again). */
  async disconnect(connection: Connection): Promise<void> {
    await this.#store.connections.disconnectQbo(connection.id);
    await this.#store.pendingQboConnections.cancel(connection.id);
    this.#clients.qboTokens.forget(connection.id);
    if (connection.qboTokens) await this.#revoke(connection.qboTokens.refreshToken, connection.id);
    this.#log.info({ connectionId: connection.id }, 'QuickBooks disconnected');
  }

  async #companyName(realmId: string, tokens: TokenSet): Promise<string | undefined> {
    try {
      return (await this.#clients.qboForGrant(realmId, tokens.accessToken).companyInfo()).CompanyName;
    } catch (err) {
      // The name is for people; a company that will not say it is still the company the admin chose.
      this.#log.warn({ err, realmId }, 'could not read the QuickBooks company name');
      return undefined;
    }
  }

  async #revoke(refreshToken: string, connectionId: string): Promise<void> {
    try {
      await this.#clients.qboOAuth.revoke(refreshToken);
    } catch (err) {
      // Already unusable for us either way: the grant is no longer stored anywhere.
      this.#log.warn({ err, connectionId }, 'could not revoke the QuickBooks grant at Intuit');
    }
  }
}
