import axios from 'axios';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

async function consent(state = 'csrf-123'): Promise<URL> {
  const uri = h.oauthClient().authorizeUri({ scope: ['com.intuit.quickbooks.accounting'], state });
  const res = await axios.get(uri, { maxRedirects: 0, validateStatus: () => true });
  expect(res.status).toBe(302);
  return new URL(String(res.headers.location));
}

describe('OAuth 2.0 through intuit-oauth', () => {
  it('authorize consents and redirects with code, state and realmId', async () => {
    const back = await consent('s-1');
    expect(`${back.origin}${back.pathname}`).toBe(h.info.redirectUri);
    expect(back.searchParams.get('state')).toBe('s-1');
    expect(back.searchParams.get('realmId')).toBe(h.info.realmId);
    expect(back.searchParams.get('code')).toBeTruthy();
  });

  it('exchanges the code once (Basic auth, form body), and the token works with node-quickbooks', async () => {
    const back = await consent();
    const client = h.oauthClient();
    const res = await client.createToken(back.toString());
    const token = res.getToken();
    expect(token.token_type).toBe('bearer');
    expect(token.expires_in).toBe(3600);
    expect(token.x_refresh_token_expires_in).toBe(8640000);
    expect(token.realmId).toBe(h.info.realmId);
    const q = h.client(String(token.access_token));
    const info = await new Promise<any>((resolve, reject) => q.getCompanyInfo(h.info.realmId, (e: any, d: any) => (e ? reject(e) : resolve(d))));
    expect(info.CompanyName).toBe('Emulated Company US');
    await expect(h.oauthClient().createToken(back.toString())).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('rejects a wrong client secret with invalid_client', async () => {
    const back = await consent();
    const bad = h.oauthClient();
    bad.clientSecret = 'wrong';
    await expect(bad.createToken(back.toString())).rejects.toMatchObject({ error: 'invalid_client' });
  });

  it('redirects an unknown scope back with error=invalid_scope', async () => {
    const uri = h.oauthClient().authorizeUri({ scope: ['com.intuit.quickbooks.unknown'], state: 'x' });
    const res = await axios.get(uri, { maxRedirects: 0, validateStatus: () => true });
    expect(new URL(String(res.headers.location)).searchParams.get('error')).toBe('invalid_scope');
  });

  it('access tokens expire on the emulator clock: 401 with the lower-case fault body, code 3200', async () => {
    const t = h.emulator.issueTokens();
    const q = h.client(t.access_token);
    h.clock.advance(3600 * 1000);
    const res = await new Promise<any>((resolve) => q.getCompanyInfo(h.info.realmId, (e: any) => resolve(e.response)));
    expect(res.status).toBe(401);
    expect(res.headers.intuit_tid).toBeTruthy();
    expect(res.data.fault.error[0]).toMatchObject({ code: '3200', message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401' });
    expect(res.data.fault.type).toBe('AUTHENTICATION');
    expect(typeof res.data.time).toBe('string');
  });

  it('refresh keeps the refresh token within 24 h, rotates it after, and the superseded one is invalid_grant', async () => {
    const t = h.emulator.issueTokens();
    const client = h.oauthClient();
    client.setToken({ ...t, createdAt: h.clock.now().getTime() });
    const same = (await client.refreshUsingToken(t.refresh_token)).getToken();
    expect(same.refresh_token).toBe(t.refresh_token);
    expect(same.access_token).not.toBe(t.access_token);
    h.clock.advance(24 * 3600 * 1000);
    const rotated = (await client.refreshUsingToken(t.refresh_token)).getToken();
    expect(rotated.refresh_token).not.toBe(t.refresh_token);
    await expect(h.oauthClient().refreshUsingToken(t.refresh_token)).rejects.toMatchObject({ error: 'invalid_grant' });
    // node-quickbooks' own refresh against the emulator's token endpoint.
    const q = h.client('unused', rotated.refresh_token);
    const res = await new Promise<any>((resolve, reject) => q.refreshAccessToken((e: any, d: any) => (e ? reject(e) : resolve(d))));
    expect(res.refresh_token).toBe(rotated.refresh_token);
    expect(q.token).toBe(res.access_token);
  });

  it('revoke (intuit-oauth JSON body and node-quickbooks form body) disconnects the grant', async () => {
    const t = h.emulator.issueTokens();
    const client = h.oauthClient();
    client.setToken({ ...t, createdAt: Date.now() });
    await client.revoke({ refresh_token: t.refresh_token });
    const res = await new Promise<any>((resolve) => h.client(t.access_token).getPreferences((e: any) => resolve(e.response)));
    expect(res.status).toBe(401);
    await expect(h.oauthClient().refreshUsingToken(t.refresh_token)).rejects.toMatchObject({ error: 'invalid_grant' });

    const t2 = h.emulator.issueTokens();
    const q = h.client(t2.access_token, t2.refresh_token);
    const revoked = await new Promise<any>((resolve) => q.revokeAccess(false, (e: any, r: any) => resolve(e ? e.response : r)));
    expect(revoked.status).toBe(200);
    await expect(h.oauthClient().refreshUsingToken(t2.refresh_token)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('a token for this realm cannot reach another realm (403 AuthorizationFault)', async () => {
    const res = await axios.get(`${h.info.url}/v3/company/123/preferences`, {
      headers: { Authorization: `Bearer ${h.emulator.issueTokens().access_token}` },
      validateStatus: () => true,
    });
    expect(res.status).toBe(403);
    expect(res.data.Fault.type).toBe('AuthorizationFault');
  });
});
