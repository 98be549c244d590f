import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import axios from 'axios';
import { ManualClock } from '../../emulators/shared/clock';
import { startQuickBooksEmulator, type StartedQuickBooksEmulator } from '../../emulators/quickbooks/start';
import { silentLogger } from '../log';
import { createQboClient } from './client';
import { qboApiBase } from './endpoints';
import { QboApiError } from './errors';
import { createQboOAuth, type QboOAuth } from './oauth';
import { QboRateLimiter } from './rate-limiter';
import { rejection } from '../../tests/helpers/rejection';

const clock = new ManualClock('2026-03-02T17:00:00.000Z');
let qbo: StartedQuickBooksEmulator;
let oauth: QboOAuth;

beforeAll(async () => {
  qbo = await startQuickBooksEmulator({ port: 0, clock });
  oauth = createQboOAuth({
    clientId: qbo.info.clientId,
    clientSecret: qbo.info.clientSecret,
    redirectUri: qbo.info.redirectUri,
    environment: 'sandbox',
    endpoints: { authorizeEndpoint: qbo.info.authorizeEndpoint, tokenEndpoint: qbo.info.tokenEndpoint, revokeEndpoint: qbo.info.revokeEndpoint },
    now: () => clock.now(),
  });
});
afterAll(() => qbo.close());

/** The admin consents; the emulator redirects back to our callback with code, state and realmId. */
async function consent(state: string): Promise<string> {
  const url = oauth.authorizeUrl(state);
  const authorize = new URL(url);
  expect(authorize.searchParams.get('scope')).toBe('com.intuit.quickbooks.accounting');
  expect(authorize.searchParams.get('state')).toBe(state);
  const res = await axios.get(url, { maxRedirects: 0, validateStatus: () => true });
  expect(res.status).toBe(302);
  return String(res.headers.location);
}

const failure = (p: Promise<unknown>) => rejection(p, QboApiError);

describe('OAuth through intuit-oauth against the emulator', () => {
  it('exchanges the callback for tokens and the realm, with expiries from expires_in, and the token works', async () => {
    const callback = await consent('state-1');
    const { tokens, realmId } = await oauth.exchangeCode(callback);
    expect(realmId).toBe(qbo.info.realmId);
    expect(tokens.expiresAt).toEqual(new Date(clock.now().getTime() + 3_600_000));
    expect(tokens.refreshExpiresAt).toEqual(new Date(clock.now().getTime() + 100 * 24 * 3_600_000));

    const c = createQboClient({
      realmId,
      endpoint: qboApiBase(qbo.info.url),
      clientId: qbo.info.clientId,
      clientSecret: qbo.info.clientSecret,
      auth: { accessToken: async () => tokens.accessToken, refresh: () => Promise.reject(new Error('unexpected')) },
      log: silentLogger,
      limiter: new QboRateLimiter(),
    });
    expect((await c.companyInfo()).CompanyName).toBe('Emulated Company US');

    // Codes are single-use.
    expect(await failure(oauth.exchangeCode(callback))).toMatchObject({ kind: 'reauth_required', code: 'invalid_grant' });
  });

  it('refresh rotates the refresh token after 24 h; the superseded one is invalid_grant → reauth_required', async () => {
    const { tokens } = await oauth.exchangeCode(await consent('state-2'));
    const same = await oauth.refresh(tokens.refreshToken);
    expect(same.refreshToken).toBe(tokens.refreshToken);
    expect(same.accessToken).not.toBe(tokens.accessToken);

    clock.advance(24 * 3_600_000);
    const rotated = await oauth.refresh(tokens.refreshToken);
    expect(rotated.refreshToken).not.toBe(tokens.refreshToken);
    expect(rotated.expiresAt).toEqual(new Date(clock.now().getTime() + 3_600_000));

    const e = await failure(oauth.refresh(tokens.refreshToken));
    expect(e).toMatchObject({ kind: 'reauth_required', code: 'invalid_grant', retryable: false });
    expect(e.userMessage).toMatch(/Reconnect QuickBooks/);
    await expect(oauth.refresh(rotated.refreshToken)).resolves.toMatchObject({ refreshToken: rotated.refreshToken });
  });

  it('revoke disconnects the grant', async () => {
    const { tokens } = await oauth.exchangeCode(await consent('state-3'));
    await oauth.revoke(tokens.refreshToken);
    expect(await failure(oauth.refresh(tokens.refreshToken))).toMatchObject({ kind: 'reauth_required' });
  });

  it('a wrong client secret is a validation error, not a reconnect', async () => {
    const wrong = createQboOAuth({
      clientId: qbo.info.clientId,
      clientSecret: 'wrong',
      redirectUri: qbo.info.redirectUri,
      environment: 'sandbox',
      endpoints: { authorizeEndpoint: qbo.info.authorizeEndpoint, tokenEndpoint: qbo.info.tokenEndpoint, revokeEndpoint: qbo.info.revokeEndpoint },
    });
    expect(await failure(wrong.exchangeCode(await consent('state-4')))).toMatchObject({ kind: 'validation', code: 'invalid_client', status: 401 });
  });

  it('production clients keep Intuit’s endpoints in the same process', () => {
    const prod = createQboOAuth({ clientId: 'id', clientSecret: 's', redirectUri: 'https://app.example/cb', environment: 'production' });
    expect(prod.authorizeUrl('x')).toMatch(/^https:\/\/appcenter\.intuit\.com\/connect\/oauth2\?/);
    expect(oauth.authorizeUrl('y').startsWith(qbo.info.authorizeEndpoint)).toBe(true);
  });
});
