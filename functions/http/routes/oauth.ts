import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import type { ProviderClients } from '../../connections/provider-clients';
import { CONSENT_TTL_MS, type QboConnections } from '../../connections/qbo-connection';
import type { Logger } from '../../log';
import { matchesBrowserBinding } from '../../store/oauth-states';
import type { Store } from '../../store/store';
import { ensureAppProperties } from '../../sync/app-properties';
import { describeFailure } from '../../sync/shared/failures';
import { signedUrl } from '../public-url';

export interface OAuthRouteDeps {
  store: Store;
  clients: ProviderClients;
  qboConnections: QboConnections;
  log: Logger;
  now: () => Date;
}

/**
 * The browser secrets an install and a QBO consent are bound to. Sent back by the provider's redirect (a top-level
 * GET, so `SameSite=Lax` carries them) and never readable by scripts; each scoped to its provider's routes.
 */
const CONSENT_COOKIE = { name: 'qbo_consent', path: '/oauth/quickbooks' };
const INSTALL_COOKIE = { name: 'hubspot_install', path: '/oauth/hubspot' };

const page = (title: string, body: string) =>
  html`<!doctype html>
    <html>
      <head>
        <meta charset="utf-8" />
        <title>${title}</title>
      </head>
      <body style="font-family:sans-serif;max-width:40em;margin:4em auto">
        <h1>${title}</h1>
        <p>${body}</p>
      </body>
    </html>`;

/**
 * Install and connect. HubSpot install → our callback stores the portal's tokens and creates the app's properties →
 * on a first install, straight on to QBO consent for the installing user. Later QBO consents start on the settings
 * page (admins only) and open through `/oauth/quickbooks/start`, which binds them to the browser that opened them.
 * Every callback refuses a state we did not issue, one already used or expired, and an install or consent finished in
 * another browser than the one that started it.
 */
export function oauthRoutes(deps: OAuthRouteDeps): Hono {
  const { store, clients, qboConnections, log, now } = deps;

  const redirectBound = (c: Context, cookie: { name: string; path: string }, authorizeUrl: string, browserSecret: string) => {
    setCookie(c, cookie.name, browserSecret, { path: cookie.path, httpOnly: true, secure: true, sameSite: 'Lax', maxAge: CONSENT_TTL_MS / 1000 });
    return c.redirect(authorizeUrl, 302);
  };
  const toIntuit = (c: Context, opened: { authorizeUrl: string; browserSecret: string }) =>
    redirectBound(c, CONSENT_COOKIE, opened.authorizeUrl, opened.browserSecret);
  /** The cookie the callback arrived with, deleted at once: each is good for one callback. */
  const takeCookie = (c: Context, cookie: { name: string; path: string }) => {
    const value = getCookie(c, cookie.name);
    deleteCookie(c, cookie.name, { path: cookie.path, secure: true });
    return value;
  };

  return new Hono()
    .get('/oauth/hubspot/install', async (c) => {
      // Bound to this browser like a QBO consent: otherwise a callback link for the attacker's portal, opened by a
      // victim, would install it and then send the victim on to connect their own QuickBooks company to it.
      const state = await store.oauthStates.issue('hubspot', now(), CONSENT_TTL_MS);
      const browserSecret = await store.oauthStates.bindBrowser(state, 'hubspot', now());
      if (browserSecret === undefined) throw new Error('an install state issued a moment ago could not be bound');
      return redirectBound(c, INSTALL_COOKIE, clients.hubspotOAuth.authorizeUrl(state), browserSecret);
    })
    .get('/oauth/hubspot/callback', async (c) => {
      const code = c.req.query('code');
      const state = c.req.query('state');
      const browserSecret = takeCookie(c, INSTALL_COOKIE);
      const bound = code && state ? await store.oauthStates.consume(state, 'hubspot', now()) : undefined;
      if (!code || !bound) {
        return c.html(page('Installation link expired', 'This link was already used or is too old. Start the installation again from HubSpot.'), 400);
      }
      if (!matchesBrowserBinding(bound, browserSecret)) {
        log.warn('HubSpot install finished in another browser than the one that started it');
        return c.html(
          page(
            'The app was not installed',
            'This installation was started in another browser. Start the installation again and finish it in the same browser.',
          ),
          400,
        );
      }
      try {
        const { tokens, portalId, userId } = await clients.hubspotOAuth.exchangeCode(code);
        const connection = await store.connections.saveHubspotInstall(portalId, tokens);
        clients.hubspotTokens.forget(connection.id);
        await ensureAppProperties(clients.hubspot(connection));
        log.info({ portalId, connectionId: connection.id }, 'HubSpot app installed');
        // A reinstall needs no HubSpot permission beyond the app's scopes, so it never changes the QuickBooks side:
        // that is done by an admin from the settings page.
        if (connection.qboRealmId !== undefined) {
          return c.html(page('The app is installed', 'Manage the QuickBooks connection from the app’s settings page in HubSpot.'));
        }
        return toIntuit(c, await qboConnections.consentHere(connection, userId));
      } catch (err) {
        log.error({ err }, 'HubSpot install failed');
        return c.html(page('Installation failed', describeFailure(err).message), 502);
      }
    })
    .get('/oauth/quickbooks/start', async (c) => {
      const opened = await qboConnections.openConsent(c.req.query('state') ?? '');
      if (!opened)
        return c.html(
          page('Connection link expired', 'This link was already opened or is too old. Click Connect again on the app’s settings page in HubSpot.'),
          400,
        );
      return toIntuit(c, opened);
    })
    .get('/oauth/quickbooks/callback', async (c) => {
      const state = c.req.query('state');
      const browserSecret = takeCookie(c, CONSENT_COOKIE);
      if (c.req.query('error'))
        return c.html(page('QuickBooks was not connected', 'The connection was cancelled in QuickBooks. Connect again from the app settings in HubSpot.'), 400);
      const bound = state ? await store.oauthStates.consume(state, 'quickbooks', now()) : undefined;
      if (bound?.connectionId === undefined || bound.userId === undefined || !c.req.query('realmId') || !c.req.query('code')) {
        return c.html(
          page('Connection link expired', 'This link was already used or is too old. Connect QuickBooks again from the app settings in HubSpot.'),
          400,
        );
      }
      if (!matchesBrowserBinding(bound, browserSecret)) {
        log.warn({ connectionId: bound.connectionId }, 'QuickBooks consent finished in another browser than the one that started it');
        return c.html(
          page(
            'QuickBooks was not connected',
            'This connection was started in another browser. Click Connect on the app’s settings page in HubSpot and finish in the same browser.',
          ),
          400,
        );
      }
      try {
        const outcome = await qboConnections.completeConsent(
          { ...bound, connectionId: bound.connectionId, userId: bound.userId },
          signedUrl(c, clients.settings.publicUrl),
        );
        if (outcome.kind === 'company_changed') {
          return c.html(
            page(
              'Another QuickBooks company',
              `You chose ${outcome.companyName ?? 'another company'}, but the app syncs with ${outcome.previousCompanyName ?? 'a different company'}. Nothing has changed yet: go back to the app’s settings page in HubSpot to start fresh with the new company or keep the current one.`,
            ),
          );
        }
        return c.html(
          page(
            'QuickBooks is connected',
            `${outcome.companyName ?? 'Your company'} is connected. You can close this window and turn on the syncs in the app settings in HubSpot.`,
          ),
        );
      } catch (err) {
        log.error({ err }, 'QuickBooks connect failed');
        return c.html(page('QuickBooks was not connected', describeFailure(err).message), 502);
      }
    });
}
