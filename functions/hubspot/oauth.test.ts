import { startHarness, type Harness } from '../../emulators/hubspot/conformance/harness';
import { silentLogger } from '../log';
import { createHubSpotClient } from './client';
import { HubSpotApiError } from './errors';
import { createHubSpotOAuth } from './oauth';
import { rejection } from '../../tests/helpers/rejection';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ redirectUri: 'https://app.example.com/oauth/hubspot/callback' });
});
afterAll(async () => {
  await h.close();
});

const oauth = (over: { clientSecret?: string } = {}) =>
  createHubSpotOAuth({
    clientId: h.started.info.clientId,
    clientSecret: over.clientSecret ?? h.started.info.clientSecret,
    redirectUri: 'https://app.example.com/oauth/hubspot/callback',
    basePath: h.started.info.url,
    authorizeUrl: `${h.started.info.url}/oauth/authorize`,
    scopes: ['oauth', 'crm.objects.contacts.read', 'crm.objects.contacts.write'],
    now: () => h.clock.now(),
  });

/** The emulator's consent screen approves at once and redirects with `code` and `state`. */
async function consent(url: string): Promise<URL> {
  const res = await fetch(url, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!);
}

const failure = (p: Promise<unknown>) => rejection(p, HubSpotApiError);

describe('HubSpot OAuth', () => {
  it('builds the authorize URL the way the SDK does, on HubSpot by default', () => {
    const url = new URL(
      createHubSpotOAuth({
        clientId: 'cid',
        clientSecret: 's',
        redirectUri: 'https://x.test/cb',
        basePath: 'https://api.hubapi.com',
        scopes: ['oauth', 'crm.objects.contacts.read'],
      }).authorizeUrl('st-1'),
    );
    expect(url.origin + url.pathname).toBe('https://app.hubspot.com/oauth/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: 'cid',
      redirect_uri: 'https://x.test/cb',
      scope: 'oauth crm.objects.contacts.read',
      state: 'st-1',
    });
  });

  it('exchanges a code for tokens and the portal id, and the tokens work', async () => {
    const o = oauth();
    const back = await consent(o.authorizeUrl('state-123'));
    expect(back.searchParams.get('state')).toBe('state-123');
    const { tokens, portalId, scopes } = await o.exchangeCode(back.searchParams.get('code')!);
    expect(portalId).toBe(h.started.info.portalId);
    expect(scopes).toEqual(expect.arrayContaining(['crm.objects.contacts.read']));
    expect(tokens.expiresAt.getTime()).toBe(h.clock.now().getTime() + 1800 * 1000);

    const hs = createHubSpotClient({
      basePath: h.started.info.url,
      auth: { accessToken: async () => tokens.accessToken, refresh: async () => tokens.accessToken },
      log: silentLogger,
    });
    await expect(hs.read('contacts', ['1'], [])).resolves.toEqual([]);

    const refreshed = await o.refresh(tokens.refreshToken);
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    expect(refreshed.refreshToken).toBe(tokens.refreshToken);
  });

  it('a used code is refused as validation; a revoked refresh token is reauth_required', async () => {
    const o = oauth();
    const code = (await consent(o.authorizeUrl('s'))).searchParams.get('code')!;
    const { tokens } = await o.exchangeCode(code);
    expect(await failure(o.exchangeCode(code))).toMatchObject({ kind: 'validation', category: 'BAD_AUTH_CODE' });
    await fetch(`${h.started.info.url}/oauth/v1/refresh-tokens/${tokens.refreshToken}`, { method: 'DELETE' });
    const revoked = await failure(o.refresh(tokens.refreshToken));
    expect(revoked).toMatchObject({ kind: 'reauth_required', status: 400, category: 'BAD_REFRESH_TOKEN' });
    expect(revoked.userMessage).toMatch(/Reinstall/);
  });

  it('a wrong client secret is a validation error, not a reauth', async () => {
    expect(await failure(oauth({ clientSecret: 'wrong' }).refresh(h.started.info.refreshToken))).toMatchObject({
      kind: 'validation',
      category: 'BAD_CLIENT_SECRET',
    });
  });
});
