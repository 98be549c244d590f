import { Client } from '@hubspot/api-client';
import { expectHubSpotError, failure, startHarness, type Harness } from './harness';

/** The users API the backend asks "who is this user, and may they manage the app?" — driven through @hubspot/api-client. */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ userId: 500, userEmail: 'owner@example.com' });
});
afterAll(() => h.close());

describe('Users (settings/v3/users)', () => {
  test('the installing user is a super admin; colleagues have roles or nothing; the SDK reads them by id and by email', async () => {
    const emu = h.started.emulator;
    const { users } = emu.seed({
      users: [
        { email: 'rep@example.com', firstName: 'Sam', lastName: 'Seller', role: 'Sales rep' },
        { email: 'second.admin@example.com', superAdmin: true },
      ],
    });
    expect(users).toEqual(['501', '502']);

    const owner = await h.client.settings.users.usersApi.getById('500');
    expect(owner).toMatchObject({ id: '500', email: 'owner@example.com', superAdmin: true, roleIds: [], secondaryTeamIds: [], sendWelcomeEmail: false });
    expect(owner.roleId).toBeUndefined();

    const rep = await h.client.settings.users.usersApi.getById('rep@example.com', 'EMAIL');
    expect(rep).toMatchObject({ id: '501', firstName: 'Sam', lastName: 'Seller', superAdmin: false, roleIds: [rep.roleId] });
    const roles = await h.client.settings.users.rolesApi.getAll();
    expect(roles.results).toEqual([{ id: rep.roleId, name: 'Sales rep', requiresBillingWrite: false }]);

    const page = await h.client.settings.users.usersApi.getPage(2);
    expect(page.results.map((u) => u.id)).toEqual(['500', '501']);
    const next = await h.client.settings.users.usersApi.getPage(2, page.paging!.next!.after);
    expect(next.results.map((u) => [u.id, u.superAdmin])).toEqual([['502', true]]);
    expect(next.paging).toBeUndefined();
  });

  test('someone who is not a user of the portal is a 404, a bad idProperty or query a 400', async () => {
    const missing = await failure(h.client.settings.users.usersApi.getById('999999'));
    expect(missing.code).toBe(404);
    expectHubSpotError(missing.body, 'OBJECT_NOT_FOUND');
    const res = await fetch(`${h.started.info.url}/settings/v3/users/500?idProperty=NAME`, {
      headers: { authorization: `Bearer ${h.started.info.accessToken}` },
    });
    expect(res.status).toBe(400);
    const extra = await fetch(`${h.started.info.url}/settings/v3/users/500?portalId=1`, { headers: { authorization: `Bearer ${h.started.info.accessToken}` } });
    expect(extra.status).toBe(400);
    expectHubSpotError((await extra.json()) as Record<string, unknown>, 'VALIDATION_ERROR');
  });

  test('needs settings.users.read (or crm.objects.users.read) and a valid token', async () => {
    const narrow = new Client({ accessToken: h.started.emulator.issueToken(['crm.objects.contacts.read']).accessToken, basePath: h.started.info.url });
    const forbidden = await failure(narrow.settings.users.usersApi.getById('500'));
    expect(forbidden.code).toBe(403);
    expectHubSpotError(forbidden.body, 'MISSING_SCOPES');
    const crmScope = new Client({ accessToken: h.started.emulator.issueToken(['crm.objects.users.read']).accessToken, basePath: h.started.info.url });
    await expect(crmScope.settings.users.usersApi.getById('500')).resolves.toMatchObject({ id: '500' });
    const anonymous = new Client({ accessToken: 'nope', basePath: h.started.info.url });
    expect((await failure(anonymous.settings.users.usersApi.getById('500'))).code).toBe(401);
  });

  test('the control plane lists and adds users; reset keeps only the installing user', async () => {
    const added = await fetch(`${h.started.info.url}/__emulator/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'viewer@example.com', role: 'Viewer' }),
    });
    expect(added.status).toBe(201);
    expect(await added.json()).toMatchObject({ email: 'viewer@example.com', superAdmin: false });
    const duplicate = await fetch(`${h.started.info.url}/__emulator/users`, { method: 'POST', body: JSON.stringify({ email: 'VIEWER@example.com' }) });
    expect(duplicate.status).toBe(400);
    h.started.emulator.reset();
    const list = (await (await fetch(`${h.started.info.url}/__emulator/users`)).json()) as { results: { email: string }[] };
    expect(list.results.map((u) => u.email)).toEqual(['owner@example.com']);
  });
});
