import { signatureHeaders } from '../../emulators/hubspot/signatures';
import { MEMBERSHIP_TTL_MS } from '../../functions/security/portal-access';
import type { Connection } from '../../functions/store/connections';
import { PUBLIC_URL, startHarness, type Harness } from '../helpers/harness';

/**
 * Who may call the settings page's and the deal card's API. Requests are made as HubSpot's proxy makes them (signed
 * by the emulator's helper); the portal and user in the URL are only claims until HubSpot's users API confirms them.
 * Every refused request must leave the database exactly as it was.
 */
describe('settings and card API: signatures, membership, admin rights', () => {
  let h: Harness;
  let connection: Connection;
  let rep: number;
  let secondAdmin: number;

  beforeAll(async () => {
    h = await startHarness();
    connection = await h.connect();
    const { users } = h.hubspot.emulator.seed({
      users: [
        { email: 'sam.seller@example.com', firstName: 'Sam', role: 'Sales rep' },
        { email: 'fiona.finance@example.com', superAdmin: true },
      ],
    });
    rep = Number(users[0]);
    secondAdmin = Number(users[1]);
    await h.runtime.store.syncSettings.save(connection.id, 'contacts', false, {
      mappings: [{ hubspotProperty: 'email', qboField: 'email', direction: 'two_way', winner: 'hubspot' }],
      createInHubspot: true,
      createInQbo: true,
    });
  });
  afterAll(() => h.stop());

  /** Everything a refused request could have changed. */
  const snapshot = async () =>
    JSON.stringify({
      connections: await h.db.query('SELECT qbo_realm_id, status, qbo_access_token, updated_at FROM connections ORDER BY id'),
      settings: await h.db.query('SELECT object, enabled, settings, updated_at FROM sync_settings ORDER BY object'),
      states: await h.db.query('SELECT count(*)::int AS n FROM oauth_states'),
      pending: await h.db.query('SELECT count(*)::int AS n FROM pending_qbo_connections'),
      jobs: await h.jobs.pending(),
    });
  const refusedWithoutChange = async (request: () => Response | Promise<Response>, status: number, error: string) => {
    const before = await snapshot();
    const res = await request();
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ error, message: expect.any(String) });
    expect(await snapshot()).toBe(before);
  };
  const changeBody = {
    mappings: [{ hubspotProperty: 'email', qboField: 'email', direction: 'to_qbo', winner: 'hubspot' }],
    createInHubspot: false,
    createInQbo: true,
  };
  const url = (path: string, userId = h.hubspot.emulator.config.userId, portalId = h.hubspot.info.portalId) =>
    `${PUBLIC_URL}${path}?portalId=${portalId}&userId=${userId}&appId=${h.hubspot.info.appId}`;

  test('an unsigned request is refused', async () => {
    await refusedWithoutChange(
      () =>
        h.runtime.app.request(url('/api/settings/contacts'), {
          method: 'PUT',
          body: JSON.stringify(changeBody),
          headers: { 'content-type': 'application/json' },
        }),
      401,
      'invalid_signature',
    );
  });

  test('a request signed with another secret (forged) is refused', async () => {
    const body = JSON.stringify(changeBody);
    const headers = {
      ...signatureHeaders('v2', 'not-our-secret', 'PUT', url('/api/settings/contacts'), body, h.clock.now().getTime()),
      'content-type': 'application/json',
    };
    await refusedWithoutChange(() => h.runtime.app.request(url('/api/settings/contacts'), { method: 'PUT', body, headers }), 401, 'invalid_signature');
  });

  test('a request signed more than 5 minutes ago (stale, or replayed) is refused', async () => {
    const body = JSON.stringify(changeBody);
    const signedAt = h.clock.now().getTime() - 5 * 60_000 - 1;
    const headers = {
      ...signatureHeaders('v2', h.hubspot.info.clientSecret, 'PUT', url('/api/settings/contacts'), body, signedAt),
      'content-type': 'application/json',
    };
    await refusedWithoutChange(() => h.runtime.app.request(url('/api/settings/contacts'), { method: 'PUT', body, headers }), 401, 'invalid_signature');
  });

  test('a body changed after signing is refused', async () => {
    const signed = JSON.stringify(changeBody);
    const headers = {
      ...signatureHeaders('v2', h.hubspot.info.clientSecret, 'PUT', url('/api/settings/contacts'), signed, h.clock.now().getTime()),
      'content-type': 'application/json',
    };
    const tampered = JSON.stringify({ ...changeBody, createInQbo: false });
    await refusedWithoutChange(
      () => h.runtime.app.request(url('/api/settings/contacts'), { method: 'PUT', body: tampered, headers }),
      401,
      'invalid_signature',
    );
  });

  test('a user of another HubSpot account naming this portal is refused: HubSpot does not know them here', async () => {
    const outsider = 88_888;
    await refusedWithoutChange(() => h.appFetch('/api/settings/contacts', { method: 'PUT', body: changeBody, userId: outsider }), 403, 'not_a_member');
    await refusedWithoutChange(() => h.appFetch('/api/settings', { userId: outsider }), 403, 'not_a_member');
    await refusedWithoutChange(() => h.appFetch('/api/deals/1/invoices', { userId: outsider }), 403, 'not_a_member');
    await refusedWithoutChange(() => h.appFetch('/api/quickbooks/connect', { method: 'POST', userId: outsider }), 403, 'not_a_member');
  });

  test('a portal that never installed the app is refused', async () => {
    await refusedWithoutChange(() => h.appFetch('/api/settings', { portalId: 4_242 }), 404, 'not_installed');
  });

  test('a user who is not a super admin may read but not change anything', async () => {
    const overview = await h.appFetch('/api/settings', { userId: rep });
    expect(overview.status).toBe(200);
    expect(((await overview.json()) as { viewer: unknown }).viewer).toEqual({ userId: rep, email: 'sam.seller@example.com', canManage: false });
    expect((await h.appFetch('/api/sync-health', { userId: rep })).status).toBe(200);
    expect((await h.appFetch('/api/deals/1/invoices', { userId: rep })).status).toBe(200);
    expect((await h.appFetch('/api/settings/contacts/fields', { userId: rep })).status).toBe(200);

    const asRep = { userId: rep };
    await refusedWithoutChange(() => h.appFetch('/api/settings/contacts', { method: 'PUT', body: changeBody, ...asRep }), 403, 'admin_only');
    await refusedWithoutChange(() => h.appFetch('/api/settings/contacts/enable', { method: 'POST', ...asRep }), 403, 'admin_only');
    await refusedWithoutChange(() => h.appFetch('/api/settings/contacts', { method: 'DELETE', ...asRep }), 403, 'admin_only');
    await refusedWithoutChange(() => h.appFetch('/api/quickbooks/connect', { method: 'POST', ...asRep }), 403, 'admin_only');
    await refusedWithoutChange(() => h.appFetch('/api/quickbooks/disconnect', { method: 'POST', ...asRep }), 403, 'admin_only');
    await refusedWithoutChange(() => h.appFetch('/api/quickbooks/company-change/start-fresh', { method: 'POST', ...asRep }), 403, 'admin_only');
    await refusedWithoutChange(() => h.appFetch('/api/sync-log/retry', { method: 'POST', ...asRep }), 403, 'admin_only');
  });

  test('any super admin of the portal may change settings', async () => {
    const res = await h.appFetch('/api/settings/contacts', { method: 'PUT', body: changeBody, userId: secondAdmin });
    expect(res.status).toBe(200);
    expect(await h.runtime.store.syncSettings.get(connection.id, 'contacts')).toMatchObject({ settings: { createInHubspot: false } });
  });

  test('the app alone records when a first sync finished: a request that sends it changes nothing', async () => {
    await refusedWithoutChange(
      () => h.appFetch('/api/settings/contacts', { method: 'PUT', body: { ...changeBody, firstSyncCompletedAt: '2026-01-01T00:00:00.000Z' } }),
      400,
      'invalid_settings',
    );
    await refusedWithoutChange(
      () =>
        h.appFetch('/api/settings/invoices', {
          method: 'PUT',
          body: { dealFieldName: 'Deal', onDelete: 'keep', firstSyncCompletedAt: '2026-01-01T00:00:00.000Z' },
        }),
      400,
      'invalid_settings',
    );
  });

  test('membership is asked of HubSpot once per user and minute: a demoted admin loses the right to change once the minute is up', async () => {
    expect((await h.appFetch('/api/settings', { userId: secondAdmin })).status).toBe(200);
    h.hubspot.emulator.users.users.get(String(secondAdmin))!.superAdmin = false;
    // Within the minute the answer HubSpot gave is reused…
    expect((await h.appFetch('/api/settings/contacts', { method: 'PUT', body: changeBody, userId: secondAdmin })).status).toBe(200);
    // …after it, HubSpot is asked again.
    await h.advance(MEMBERSHIP_TTL_MS + 1);
    await refusedWithoutChange(() => h.appFetch('/api/settings/contacts', { method: 'PUT', body: changeBody, userId: secondAdmin }), 403, 'admin_only');
    h.hubspot.emulator.users.remove(String(secondAdmin));
    await h.advance(MEMBERSHIP_TTL_MS + 1);
    await refusedWithoutChange(() => h.appFetch('/api/settings', { userId: secondAdmin }), 403, 'not_a_member');
  });

  test('when HubSpot cannot confirm the user, the request is refused with a reason, not served', async () => {
    await h.advance(MEMBERSHIP_TTL_MS + 1);
    h.hubspot.emulator.injectFault({ path: '/settings/v3/users/', status: 403, body: { message: 'missing scopes', category: 'MISSING_SCOPES' } });
    await refusedWithoutChange(() => h.appFetch('/api/settings'), 503, 'hubspot_scope_missing');
    h.hubspot.emulator.faults.clear();
  });
});
