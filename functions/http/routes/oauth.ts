import { Hono } from 'hono';
import type { ProviderClients } from '../../connections/provider-clients';
import type { Logger } from '../../log';
import type { Store } from '../../store/store';
import { ensureAppProperties } from '../../sync/app-properties';
import { describeFailure } from '../../sync/shared/failures';
import { signedUrl } from '../public-url';

export interface OAuthRouteDeps {
  store: Store;
  clients: ProviderClients;
  log: Logger;
  now: () => Date;
}

/** A `state` is good for the few minutes a person spends on a consent screen. */
const STATE_TTL_MS = 15 * 60_000;

const page = (title: string, body: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body style="font-family:sans-serif;max-width:40em;margin:4em auto"><h1>${title}</h1><p>${body}</p></body></html>`;

/**
 * Install and connect. HubSpot install → our callback stores the portal's tokens and creates the app's
 * properties → straight on to QBO consent, bound to that portal by a single-use `state` → QBO callback stores
 * the realm's tokens. Every callback refuses a state we did not issue, or one already used or expired.
 */
export function oauthRoutes(deps: OAuthRouteDeps): Hono {
  const { store, clients, log, now } = deps;
  return new Hono()
    .get('/oauth/hubspot/install', async (c) => {
      const state = await store.oauthStates.issue('hubspot', now(), STATE_TTL_MS);
      return c.redirect(clients.hubspotOAuth.authorizeUrl(state), 302);
    })
    .get('/oauth/hubspot/callback', async (c) => {
      const code = c.req.query('code');
      const state = c.req.query('state');
      if (!code || !state || !(await store.oauthStates.consume(state, 'hubspot', now()))) {
        return c.html(page('Installation link expired', 'This link was already used or is too old. Start the installation again from HubSpot.'), 400);
      }
      try {
        const { tokens, portalId } = await clients.hubspotOAuth.exchangeCode(code);
        const connection = await store.connections.saveHubspotInstall(portalId, tokens);
        clients.hubspotTokens.forget(connection.id);
        await ensureAppProperties(clients.hubspot(connection));
        log.info({ portalId, connectionId: connection.id }, 'HubSpot app installed');
        const qboState = await store.oauthStates.issue('quickbooks', now(), STATE_TTL_MS, { connectionId: connection.id });
        return c.redirect(clients.qboOAuth.authorizeUrl(qboState), 302);
      } catch (err) {
        log.error({ err }, 'HubSpot install failed');
        return c.html(page('Installation failed', describeFailure(err).message), 502);
      }
    })
    .get('/oauth/quickbooks/callback', async (c) => {
      const state = c.req.query('state');
      const realmId = c.req.query('realmId');
      if (c.req.query('error')) return c.html(page('QuickBooks was not connected', 'The connection was cancelled in QuickBooks. Connect again from the app settings in HubSpot.'), 400);
      const bound = state ? await store.oauthStates.consume(state, 'quickbooks', now()) : undefined;
      if (!bound?.connectionId || !realmId) {
        return c.html(page('Connection link expired', 'This link was already used or is too old. Connect QuickBooks again from the app settings in HubSpot.'), 400);
      }
      try {
        const { tokens, realmId: grantedRealm } = await clients.qboOAuth.exchangeCode(signedUrl(c, clients.settings.publicUrl));
        await store.connections.saveQboConnection(bound.connectionId, grantedRealm, tokens);
        clients.qboTokens.forget(bound.connectionId);
        log.info({ connectionId: bound.connectionId, realmId: grantedRealm }, 'QuickBooks connected');
        return c.html(page('QuickBooks is connected', 'You can close this window and turn on the syncs in the app settings in HubSpot.'));
      } catch (err) {
        log.error({ err }, 'QuickBooks connect failed');
        return c.html(page('QuickBooks was not connected', describeFailure(err).message), 502);
      }
    });
}
