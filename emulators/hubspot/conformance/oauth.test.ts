import { Client } from '@hubspot/api-client';
import { expectHubSpotError, failure, startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ redirectUri: 'https://app.example.com/oauth/callback' });
});
afterAll(() => h.close());

const authorize = async (state: string, scope = 'oauth crm.objects.deals.read') => {
  const { info } = h.started;
  // The SDK builds the consent URL for app.hubspot.com; the emulator serves the same path and query.
  const sdkUrl = new URL(h.client.oauth.getAuthorizationUrl(info.clientId, 'https://app.example.com/oauth/callback', scope, undefined, state));
  const res = await fetch(`${info.url}${sdkUrl.pathname}${sdkUrl.search}`, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!);
};

describe('OAuth', () => {
  test('authorize redirects with code and state; the code is exchanged once for tokens', async () => {
    const { info } = h.started;
    const location = await authorize('xyz-state');
    expect(location.origin + location.pathname).toBe('https://app.example.com/oauth/callback');
    expect(location.searchParams.get('state')).toBe('xyz-state');
    const code = location.searchParams.get('code')!;
    const tokens = await h.client.oauth.tokensApi.create(
      'authorization_code',
      code,
      'https://app.example.com/oauth/callback',
      info.clientId,
      info.clientSecret,
    );
    expect(tokens).toMatchObject({ tokenType: 'bearer', expiresIn: 1800 });
    expect(tokens.accessToken.length).toBeGreaterThan(20);
    expect(tokens.accessToken.length).toBeLessThanOrEqual(512);

    const again = await failure(
      h.client.oauth.tokensApi.create('authorization_code', code, 'https://app.example.com/oauth/callback', info.clientId, info.clientSecret),
    );
    expect(again.code).toBe(400);
    expect(again.body).toMatchObject({ status: 'BAD_AUTH_CODE', error: 'invalid_grant', message: 'missing or unknown auth code' });
  });

  test('token introspection reports hub id, app id, scopes and remaining lifetime on the emulator clock', async () => {
    const { info } = h.started;
    const location = await authorize('s2');
    const tokens = await h.client.oauth.tokensApi.create(
      'authorization_code',
      location.searchParams.get('code')!,
      'https://app.example.com/oauth/callback',
      info.clientId,
      info.clientSecret,
    );
    h.clock.advance(600_000);
    const meta = await h.client.oauth.accessTokensApi.get(tokens.accessToken);
    expect(meta).toMatchObject({ hubId: info.portalId, appId: info.appId, scopes: ['oauth', 'crm.objects.deals.read'], expiresIn: 1200, tokenType: 'access' });
  });

  test('refresh grant issues a new access token; bad refresh tokens get BAD_REFRESH_TOKEN', async () => {
    const { info } = h.started;
    const refreshed = await h.client.oauth.tokensApi.create('refresh_token', undefined, undefined, info.clientId, info.clientSecret, info.refreshToken);
    expect(refreshed.accessToken).not.toBe(info.accessToken);
    const bad = await failure(h.client.oauth.tokensApi.create('refresh_token', undefined, undefined, info.clientId, info.clientSecret, 'nope'));
    expect(bad.code).toBe(400);
    expect(bad.body).toEqual({
      status: 'BAD_REFRESH_TOKEN',
      message: 'refresh token is invalid, expired or revoked',
      error: 'invalid_grant',
      error_description: 'refresh token is invalid, expired or revoked',
      category: 'VALIDATION_ERROR',
      correlationId: expect.any(String),
    });
    const wrongSecret = await failure(h.client.oauth.tokensApi.create('refresh_token', undefined, undefined, info.clientId, 'wrong', info.refreshToken));
    expect(wrongSecret.body).toMatchObject({ status: 'BAD_CLIENT_SECRET' });
  });

  test('expired and unknown tokens get 401, a missing scope 403', async () => {
    const { info } = h.started;
    const unknown = new Client({ accessToken: 'not-a-token', basePath: info.url });
    const u = await failure(unknown.crm.contacts.basicApi.getPage());
    expect(u.code).toBe(401);
    expectHubSpotError(u.body, 'INVALID_AUTHENTICATION');

    const short = h.started.emulator.issueToken(['crm.objects.contacts.read']);
    const narrow = new Client({ accessToken: short.accessToken, basePath: info.url });
    const forbidden = await failure(narrow.crm.deals.basicApi.getPage());
    expect(forbidden.code).toBe(403);
    expectHubSpotError(forbidden.body, 'MISSING_SCOPES');
    expect(forbidden.body.errors).toEqual([
      { message: 'One or more of the following scopes are required.', context: { requiredGranularScopes: ['crm.objects.deals.read'] } },
    ]);

    h.clock.advance(1800_000 + 7_000);
    const expired = await failure(narrow.crm.contacts.basicApi.getPage());
    expect(expired.code).toBe(401);
    expectHubSpotError(expired.body, 'EXPIRED_AUTHENTICATION');
    expect(expired.body.message).toMatch(/^The OAuth token used to make this call expired \d+ second\(s\) ago\.$/);
  });

  test('authorize refuses unknown clients and scopes the app does not have', async () => {
    const { info } = h.started;
    const res = await fetch(`${info.url}/oauth/authorize?client_id=nope&redirect_uri=https%3A%2F%2Fapp.example.com%2Foauth%2Fcallback&scope=oauth`, {
      redirect: 'manual',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ status: 'BAD_CLIENT_ID' });
    const badScope = await fetch(
      `${info.url}/oauth/authorize?client_id=${info.clientId}&redirect_uri=https%3A%2F%2Fapp.example.com%2Foauth%2Fcallback&scope=tickets`,
      { redirect: 'manual' },
    );
    expect(badScope.status).toBe(400);
  });

  test('the token endpoint takes form bodies only', async () => {
    const res = await fetch(`${h.started.info.url}/oauth/v1/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(415);
    expectHubSpotError((await res.json()) as Record<string, unknown>, 'VALIDATION_ERROR');
  });
});
