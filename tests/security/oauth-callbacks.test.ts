import { CONSENT_TTL_MS } from '../../functions/connections/qbo-connection';
import { PUBLIC_URL, startHarness, type Harness } from '../helpers/harness';
import { ConsentBrowser } from '../helpers/oauth-browser';

/**
 * Both OAuth callbacks (HubSpot install, QuickBooks connect): a state is ours, unused, unexpired, for this provider,
 * and finished in the browser that started the flow. Anything else installs and connects nothing.
 */
describe('OAuth callbacks: state and browser binding', () => {
  let h: Harness;

  // One backend for the whole story, in order: refused installs, an install, then refused consents.
  beforeAll(async () => {
    h = await startHarness();
  }, 120_000);
  afterAll(() => h.stop());

  /** Whole rows: any install or consent that got through changes at least the (freshly encrypted) tokens. */
  const connections = async () => h.db.query('SELECT * FROM connections');
  /** Opens the install in `browser` and stops where HubSpot sends it back: the callback address, not yet opened. */
  const installCallback = async (browser: ConsentBrowser) => {
    const atHubSpot = await browser.open(`${PUBLIC_URL}/oauth/hubspot/install`, 1);
    expect(atHubSpot.status).toBe(302);
    const callback = atHubSpot.headers.get('location')!;
    expect(callback.startsWith(`${PUBLIC_URL}/oauth/hubspot/callback?`)).toBe(true);
    return callback;
  };
  /** An admin clicks Connect on the settings page and consents at Intuit; returns Intuit's callback to us, not yet opened. */
  const consentCallback = async (browser: ConsentBrowser) => {
    const { url } = (await (await h.appFetch('/api/quickbooks/connect', { method: 'POST' })).json()) as { url: string };
    const toIntuit = (await browser.open(url, 0)).headers.get('location')!;
    const callback = (await browser.open(toIntuit, 0)).headers.get('location')!;
    expect(callback.startsWith(`${PUBLIC_URL}/oauth/quickbooks/callback?`)).toBe(true);
    return callback;
  };

  test('an install link finished in another browser installs nothing and sends nobody on to connect QuickBooks', async () => {
    // The attacker authorises their own portal and, instead of following HubSpot's redirect, hands the link to a victim.
    const link = await installCallback(new ConsentBrowser(h));
    const victim = new ConsentBrowser(h);
    const res = await victim.open(link);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('started in another browser');
    expect(victim.visited).toEqual([]);
    expect(await connections()).toEqual([]);
  });

  test('the install cookie is http-only, secure, scoped to the HubSpot routes, and as short-lived as the state', async () => {
    const first = await new ConsentBrowser(h).open(`${PUBLIC_URL}/oauth/hubspot/install`, 0);
    expect(first.headers.get('set-cookie')).toMatch(/^hubspot_install=[\w-]{32}; Max-Age=900; Path=\/oauth\/hubspot; HttpOnly; Secure; SameSite=Lax$/);
  });

  test('HubSpot callback: forged, missing, reused, expired and QuickBooks states install nothing', async () => {
    const browser = new ConsentBrowser(h);
    const link = await installCallback(browser);
    const code = new URL(link).searchParams.get('code')!;
    const refusals = [
      `${PUBLIC_URL}/oauth/hubspot/callback?code=${code}`,
      `${PUBLIC_URL}/oauth/hubspot/callback?code=${code}&state=forged`,
      `${PUBLIC_URL}/oauth/hubspot/callback?state=${new URL(link).searchParams.get('state')}`,
    ];
    for (const url of refusals) expect((await new ConsentBrowser(h).open(url)).status).toBe(400);

    // The genuine link, in the browser that started it, installs; the same link again, even with the cookie, does not.
    const cookie = `hubspot_install=${browser.cookie('hubspot_install')}`;
    const done = await browser.open(link);
    expect(done.status).toBe(200);
    expect(await connections()).toHaveLength(1);
    const before = await connections();
    expect((await h.runtime.app.request(link, { headers: { cookie } })).status).toBe(400);

    // A state HubSpot never sent back in time.
    const late = new ConsentBrowser(h);
    const lateLink = await installCallback(late);
    await h.advance(CONSENT_TTL_MS + 1);
    expect((await late.open(lateLink)).status).toBe(400);

    // A QuickBooks consent state, opened in this browser, is no install state, even with a fresh HubSpot code.
    const qboState = await h.runtime.store.oauthStates.issue('quickbooks', h.clock.now(), CONSENT_TTL_MS, {
      connectionId: (await h.runtime.store.connections.byPortal(h.hubspot.info.portalId))!.id,
      userId: h.hubspot.emulator.config.userId,
    });
    const secret = await h.runtime.store.oauthStates.bindBrowser(qboState, 'quickbooks', h.clock.now());
    const fresh = new URL(await installCallback(new ConsentBrowser(h)));
    fresh.searchParams.set('state', qboState);
    expect((await h.runtime.app.request(fresh.toString(), { headers: { cookie: `hubspot_install=${secret}` } })).status).toBe(400);
    expect(await connections()).toEqual(before);
  });

  test('QuickBooks callback: forged, reused, expired, HubSpot and other-browser states connect nothing', async () => {
    const admin = new ConsentBrowser(h);
    const link = await consentCallback(admin);
    const installed = await connections();

    const forged = new URL(link);
    forged.searchParams.set('state', 'forged');
    expect((await admin.open(forged.toString())).status).toBe(400);
    // The admin's consent, finished by someone else (the cookie stays with the admin's browser).
    expect((await new ConsentBrowser(h).open(link)).status).toBe(400);
    // And now the state is spent: the admin's own browser cannot use it either.
    expect((await admin.open(link)).status).toBe(400);

    // A HubSpot install state is no consent state.
    const other = new ConsentBrowser(h);
    const hubspotState = new URL(await installCallback(other)).searchParams.get('state')!;
    const crossed = new URL(link);
    crossed.searchParams.set('state', hubspotState);
    expect((await other.open(crossed.toString())).status).toBe(400);

    // Expired: a consent finished after the state's lifetime.
    const slow = new ConsentBrowser(h);
    const slowLink = await consentCallback(slow);
    await h.advance(CONSENT_TTL_MS + 1);
    expect((await slow.open(slowLink)).status).toBe(400);
    expect(await connections()).toEqual(installed);

    // The control: a consent finished in time in the browser that started it connects (new tokens), once.
    const inTime = new ConsentBrowser(h);
    const inTimeLink = await consentCallback(inTime);
    const cookie = `qbo_consent=${inTime.cookie('qbo_consent')}`;
    expect((await inTime.open(inTimeLink)).status).toBe(200);
    const connected = await connections();
    expect(connected).not.toEqual(installed);
    expect((await h.runtime.app.request(inTimeLink, { headers: { cookie } })).status).toBe(400);
    expect(await connections()).toEqual(connected);
  });
});
