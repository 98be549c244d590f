import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { createLogger } from '../../functions/log';
import { TokenCipher } from '../../functions/security/token-cipher';
import type { Connection } from '../../functions/store/connections';
import { PUBLIC_URL, startHarness, type Harness } from '../helpers/harness';
import { ConsentBrowser } from '../helpers/oauth-browser';
import { ACTION_URL, HUBSPOT_WEBHOOK_URL, databaseRows, hubspotSig, send } from './support';

/** Headers that carry a signature or a credential, wherever a request to the backend had them. */
const SECRET_HEADERS = ['x-hubspot-signature', 'x-hubspot-signature-v3', 'intuit-signature', 'authorization', 'cookie'];

/**
 * One full run of the product with every log line captured at debug level: install and connect through both consent
 * screens, first syncs, edits on both sides arriving by webhook, provider faults and expired tokens (refreshes),
 * invoices and payments, the workflow action, the deal card, and refused requests. Then: no token, secret, signature,
 * OAuth code, state or browser secret appears in any log line, and the tokens in the database are ciphertext that only
 * the app's key opens.
 */
describe('secrets at rest and in the logs of a full run', () => {
  let h: Harness;
  let connection: Connection;
  const lines: string[] = [];
  /** Every secret value the run handled: filled as the run goes. */
  const secrets = new Set<string>();
  const keep = (value: string | null | undefined) => {
    if (value) secrets.add(value);
  };

  const tokensNow = async () => {
    const c = (await h.runtime.store.connections.get(connection.id))!;
    for (const t of [c.hubspotTokens, c.qboTokens]) {
      keep(t?.accessToken);
      keep(t?.refreshToken);
    }
    return c;
  };

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    h = await startHarness({
      log: createLogger('debug', { destination: sink }),
      onDelivery: (request) => SECRET_HEADERS.forEach((name) => keep(request.headers.get(name))),
    });
    keep(h.hubspot.info.clientSecret);
    keep(h.qbo.info.clientSecret);
    keep(h.qbo.info.webhookVerifierToken);

    const seeded = h.hubspot.emulator.seed({
      contacts: [
        { email: 'ada@lovelace.dev', firstname: 'Ada', lastname: 'Lovelace' },
        { email: 'grace@hopper.dev', firstname: 'Grace', lastname: 'Hopper' },
      ],
      products: [{ name: 'Consulting hour', price: '150', hs_sku: 'CONS-1' }],
      deals: [{ properties: { dealname: 'Retrofit', amount: '150' }, lineItems: [{ productIndex: 0 }], contactIndexes: [0] }],
    });
    const [ada] = seeded.contacts as [string];
    const deal = seeded.deals[0]!.id;
    const qbo = h.qbo.emulator.seed({ entities: { Customer: [{ DisplayName: 'Ada Lovelace', PrimaryEmailAddr: { Address: 'ada@lovelace.dev' } }] } });
    const customerId = qbo.Customer![0]!.Id as string;

    // Install and connect, as the admin does in a browser.
    const browser = new ConsentBrowser(h);
    expect((await browser.open(`${PUBLIC_URL}/oauth/hubspot/install`)).status).toBe(200);
    for (const url of browser.visited) for (const name of ['code', 'state']) keep(new URL(url).searchParams.get(name));
    for (const name of ['hubspot_install', 'qbo_consent']) keep(browser.cookie(name));
    connection = (await h.runtime.store.connections.byPortal(h.hubspot.info.portalId))!;
    await tokensNow();

    // First syncs, turned on from the settings page.
    expect((await h.appFetch('/api/settings')).status).toBe(200);
    await h.runtime.sync.saveSettings(connection.id, 'products', {
      ...(await h.runtime.sync.settings(connection.id, 'products')).settings,
      incomeAccountId: '1',
    });
    for (const sync of ['contacts', 'products', 'invoices']) expect((await h.appFetch(`/api/settings/${sync}/enable`, { method: 'POST' })).status).toBe(200);
    await h.drain();

    // Edits on both sides, with faults on the way: a 429 and a 500 from QuickBooks, an expired HubSpot token.
    h.hubspot.emulator.editAsUser('contacts', ada, { lastname: 'King' });
    h.qbo.emulator.injectFault({ kind: '429', count: 1 });
    h.qbo.emulator.injectFault({ kind: '500', count: 1 });
    h.hubspot.emulator.injectFault({ path: '/crm/v3/objects/contacts', status: 401, body: { message: 'expired', category: 'EXPIRED_AUTHENTICATION' } });
    await h.drain();
    await h.qboUser().update('Customer', { ...(await h.qboUser().get('Customer', customerId)), Notes: 'VIP' });
    await h.drain();

    // Both access tokens expire; the next work refreshes them.
    await h.advance(2 * 60 * 60_000);
    await tokensNow();
    h.hubspot.emulator.editAsUser('contacts', ada, { firstname: 'Augusta Ada' });
    await h.drain();
    await tokensNow();

    // An invoice and a payment in QuickBooks; the workflow action and the deal card.
    const invoice = (
      await h.qboPost('invoice', {
        CustomerRef: { value: customerId },
        Line: [{ DetailType: 'SalesItemLineDetail', Amount: 150, SalesItemLineDetail: { ItemRef: { value: '1' }, Qty: 1, UnitPrice: 150 } }],
        CustomField: [{ DefinitionId: '1', Type: 'StringType', StringValue: deal }],
      })
    ).body['Invoice'] as { Id: string };
    await h.qboPost('payment', {
      CustomerRef: { value: customerId },
      TotalAmt: 50,
      Line: [{ Amount: 50, LinkedTxn: [{ TxnId: invoice.Id, TxnType: 'Invoice' }] }],
    });
    await h.drain();
    const action = await h.hubspot.emulator.invokeWorkflowAction({ definition: 'create_invoice', objectId: deal, inputFields: {} });
    expect(action.status).toBe(200);
    expect((await h.appFetch(`/api/deals/${deal}/invoices`)).status).toBe(200);
    await h.drain();
    await tokensNow();

    // The grant is revoked in QuickBooks (a user disconnected the app there): the next refresh fails, and is logged
    // with the error the OAuth client raised, which carried the app's Basic credentials and the refresh token.
    const basic = Buffer.from(`${h.qbo.info.clientId}:${h.qbo.info.clientSecret}`).toString('base64');
    keep(basic);
    const revoked = await fetch(h.qbo.info.revokeEndpoint, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/json' },
      body: JSON.stringify({ token: (await tokensNow()).qboTokens!.refreshToken }),
    });
    expect(revoked.status).toBe(200);
    await h.advance(2 * 60 * 60_000);
    h.hubspot.emulator.editAsUser('contacts', ada, { lastname: 'Lovelace' });
    await h.drain();
    expect((await h.runtime.store.connections.get(connection.id))!.status).not.toBe('active');

    // Refused requests are logged too: their signatures must not be.
    const body = '[]';
    const forged = hubspotSig.v3('not-the-app-secret', 'POST', HUBSPOT_WEBHOOK_URL, body, h.clock.now().getTime());
    Object.values(forged).forEach(keep);
    expect((await send(h, 'POST', HUBSPOT_WEBHOOK_URL, body, forged)).status).toBe(401);
    const forgedAction = hubspotSig.v2('not-the-app-secret', 'POST', ACTION_URL, '{}');
    keep(forgedAction['X-HubSpot-Signature']);
    expect((await send(h, 'POST', ACTION_URL, '{}', forgedAction)).status).toBe(401);
  }, 240_000);
  afterAll(() => h.stop());

  test('the run was logged: installs, connections, syncs, refreshes and refusals are all there to search', () => {
    const text = lines.join('\n');
    for (const event of [
      'HubSpot app installed',
      'QuickBooks connected',
      'access token refreshed',
      'invoice created from deal',
      'refused a HubSpot webhook',
      'refused a workflow action request',
      'workflow action answered',
    ]) {
      expect(text).toContain(event);
    }
    expect(lines.length).toBeGreaterThan(50);
    expect(secrets.size).toBeGreaterThan(15);
  });

  test('no log line holds a token, secret, signature, OAuth code, state or browser secret', () => {
    const leaks = [...secrets].flatMap((secret) =>
      lines.filter((line) => line.includes(secret)).map((line) => `${secret.slice(0, 6)}… in ${line.slice(0, 300)}`),
    );
    expect(leaks).toEqual([]);
  });

  test('tokens in the database are ciphertext: no token appears in any row of any table, and another key cannot open them', async () => {
    const c = await tokensNow();
    const raw = JSON.stringify(await databaseRows(h));
    const tokens = [c.hubspotTokens!.accessToken, c.hubspotTokens!.refreshToken, c.qboTokens!.accessToken, c.qboTokens!.refreshToken];
    for (const token of tokens) {
      expect(raw).not.toContain(token);
      // Not even a recognisable piece of it.
      expect(raw).not.toContain(token.slice(0, 12));
    }
    const [row] = await h.db.query<Record<string, string>>('SELECT * FROM connections WHERE id = $1', [connection.id]);
    const sealed = ['hubspot_access_token', 'hubspot_refresh_token', 'qbo_access_token', 'qbo_refresh_token'].map((column) => row![column]!);
    const stranger = new TokenCipher(randomBytes(32));
    for (const value of sealed) {
      expect(value).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(() => stranger.decrypt(value)).toThrow();
    }
  });
});
