import type { Connection } from '../../functions/store/connections';
import { PUBLIC_URL, startHarness, type Harness } from '../helpers/harness';
import {
  ACTION_URL,
  HUBSPOT_WEBHOOK_URL,
  INBOUND,
  QBO_WEBHOOK_URL,
  appUrl,
  hubspotSig,
  intuitSignature,
  sampleBody,
  samplePath,
  send,
  servedRoutes,
  stateOf,
  type ServedRoute,
} from './support';

const FIVE_MINUTES = 5 * 60_000;

/**
 * Forged, stale and replayed signatures on every inbound endpoint. Each attack is the genuine request with one thing
 * wrong, and each is followed by the genuine request itself (the control): the attack must be refused where the
 * control gets through, so a refusal is the signature check's doing and nothing else's. Refused requests leave the
 * database, the queue and both providers exactly as they were.
 */
describe('inbound signatures', () => {
  let h: Harness;
  let connection: Connection;
  let secret: string;
  let contactId: string;
  let dealId: string;
  const now = () => h.clock.now().getTime();

  beforeAll(async () => {
    h = await startHarness();
    secret = h.hubspot.info.clientSecret;
    const seeded = h.hubspot.emulator.seed({
      contacts: [{ email: 'ada@lovelace.dev', firstname: 'Ada' }],
      products: [{ name: 'Consulting hour', price: '150', hs_sku: 'CONS-1' }],
      deals: [{ properties: { dealname: 'Retrofit', amount: '150' }, lineItems: [{ productIndex: 0 }], contactIndexes: [0] }],
    });
    [contactId] = seeded.contacts as [string];
    dealId = seeded.deals[0]!.id;
    h.qbo.emulator.seed({ entities: { Customer: [{ DisplayName: 'Ada Lovelace', PrimaryEmailAddr: { Address: 'ada@lovelace.dev' } }] } });
    connection = await h.connect();
    await h.runtime.sync.saveSettings(connection.id, 'products', {
      ...(await h.runtime.sync.settings(connection.id, 'products')).settings,
      incomeAccountId: '1',
    });
    await h.syncsOn(connection, 'contacts', 'products');
  }, 120_000);
  afterAll(() => h.stop());

  /** Sends the request and expects it refused with `status` and nothing changed. */
  const refused = async (status: number, method: string, url: string, body: string, headers: Record<string, string>) => {
    const before = await stateOf(h);
    const res = await send(h, method, url, body, headers);
    expect({ attack: headers, status: res.status }).toEqual({ attack: headers, status });
    expect(await stateOf(h)).toBe(before);
    return res;
  };

  describe('inbound routes', () => {
    test('every route the app serves has a guard, and every guard names a served route', () => {
      expect(
        servedRoutes(h.runtime.app)
          .map((r) => r.key)
          .sort(),
      ).toEqual(Object.keys(INBOUND).sort());
    });

    test('every route but the public ones refuses a request that carries no credentials, and changes nothing', async () => {
      const guarded = servedRoutes(h.runtime.app).filter((r) => INBOUND[r.key] !== 'public');
      expect(guarded.length).toBeGreaterThan(15);
      for (const route of guarded) {
        const expected = INBOUND[route.key] === 'oauth-state' ? 400 : 401;
        await refused(expected, route.method, `${PUBLIC_URL}${samplePath(route.pattern)}`, sampleBody(route), {});
      }
    });
  });

  describe('settings page and deal card API (hubspot.fetch, v3 only)', () => {
    const apiRoutes = () => servedRoutes(h.runtime.app).filter((r) => INBOUND[r.key] === 'hubspot-app');
    /** A user HubSpot does not know in the portal: a request signed correctly for them gets past the signature and stops at membership. */
    const stranger = 31_337;

    const attacks = (route: ServedRoute) => {
      const url = appUrl(h, samplePath(route.pattern), { userId: stranger });
      const body = sampleBody(route);
      const at = now();
      const sign = (u = url, b = body, t = at, s = secret, m = route.method) => hubspotSig.v3(s, m, u, b, t);
      const otherUrl = appUrl(h, samplePath(route.pattern), { userId: stranger + 1 });
      return {
        url,
        body,
        genuine: sign(),
        attacks: {
          'forged (another secret)': sign(url, body, at, 'not-the-app-secret'),
          'stale (5 minutes and 1 ms old)': sign(url, body, at - FIVE_MINUTES - 1),
          'from the future (5 minutes and 1 ms ahead)': sign(url, body, at + FIVE_MINUTES + 1),
          'signed for another URL (the user id changed after signing)': sign(otherUrl),
          'signed for another method': sign(url, body, at, secret, route.method === 'GET' ? 'POST' : 'GET'),
          ...(['GET', 'DELETE'].includes(route.method) ? {} : { 'signed over another body': sign(url, `${body} `) }),
          'v2 only (no timestamp)': hubspotSig.v2(secret, route.method, url, body),
          'v1 only (no URL, no timestamp)': hubspotSig.v1(secret, body),
          'timestamp that is not a number': { ...sign(), 'X-HubSpot-Request-Timestamp': `${at}.0` },
        } as Record<string, Record<string, string>>,
      };
    };

    test('every API route refuses forged, stale, future, re-targeted and downgraded signatures; the genuine request gets through', async () => {
      const routes = apiRoutes();
      expect(routes.length).toBeGreaterThan(10);
      for (const route of routes) {
        const { url, body, genuine, attacks: all } = attacks(route);
        for (const headers of Object.values(all)) await refused(401, route.method, url, body, headers);
        const control = await refused(403, route.method, url, body, genuine);
        expect(await control.json()).toMatchObject({ error: 'not_a_member' });
      }
    });

    test('a captured request replayed after the 5-minute window is refused', async () => {
      const signedAt = now();
      const url = appUrl(h, '/api/settings');
      const headers = hubspotSig.v3(secret, 'GET', url, '', signedAt);
      expect((await send(h, 'GET', url, '', headers)).status).toBe(200);
      await h.advance(FIVE_MINUTES + 1);
      await refused(401, 'GET', url, '', headers);
    });

    test('a replayed "Create invoice" click within the window makes one invoice: one request id, one answer', async () => {
      const url = appUrl(h, `/api/deals/${dealId}/invoices`);
      const body = JSON.stringify({ requestId: 'replayed-click-1' });
      const headers = hubspotSig.v3(secret, 'POST', url, body, now());
      const first = await send(h, 'POST', url, body, headers);
      expect(first.status).toBe(201);
      const created = (await first.json()) as { qboInvoiceId: string };
      await h.drain();
      const before = await stateOf(h);
      const replay = await send(h, 'POST', url, body, headers);
      expect(replay.status).toBe(201);
      expect(await replay.json()).toEqual(created);
      expect(await stateOf(h)).toBe(before);
      expect([...h.qbo.emulator.state.entities.get('Invoice')!.keys()]).toEqual([created.qboInvoiceId]);
    });
  });

  describe('HubSpot webhooks (v3 only)', () => {
    const batch = (eventId: number) =>
      JSON.stringify([
        {
          eventId,
          subscriptionId: 1,
          portalId: h.hubspot.info.portalId,
          appId: h.hubspot.info.appId,
          occurredAt: now(),
          subscriptionType: 'object.propertyChange',
          objectTypeId: '0-1',
          attemptNumber: 0,
          objectId: Number(contactId),
          propertyName: 'firstname',
          propertyValue: 'Augusta',
          changeSource: 'CRM_UI',
        },
      ]);

    test('forged, stale, future, downgraded and re-targeted signatures are refused; the genuine batch is accepted', async () => {
      const body = batch(7001);
      const at = now();
      const attacks: Record<string, Record<string, string>> = {
        'forged (another secret)': hubspotSig.v3('not-the-app-secret', 'POST', HUBSPOT_WEBHOOK_URL, body, at),
        'stale (5 minutes and 1 ms old)': hubspotSig.v3(secret, 'POST', HUBSPOT_WEBHOOK_URL, body, at - FIVE_MINUTES - 1),
        'from the future': hubspotSig.v3(secret, 'POST', HUBSPOT_WEBHOOK_URL, body, at + FIVE_MINUTES + 1),
        'v3 stripped, v1 kept (no timestamp)': hubspotSig.v1(secret, body),
        'v3 stripped, v2 kept (no timestamp)': hubspotSig.v2(secret, 'POST', HUBSPOT_WEBHOOK_URL, body),
        'signed for the action URL': hubspotSig.v3(secret, 'POST', ACTION_URL, body, at),
        'signed over another body': hubspotSig.v3(secret, 'POST', HUBSPOT_WEBHOOK_URL, batch(7002), at),
      };
      for (const headers of Object.values(attacks)) await refused(401, 'POST', HUBSPOT_WEBHOOK_URL, body, headers);
      const before = await stateOf(h);
      expect((await send(h, 'POST', HUBSPOT_WEBHOOK_URL, body, hubspotSig.v3(secret, 'POST', HUBSPOT_WEBHOOK_URL, body, at))).status).toBe(200);
      expect(await stateOf(h)).not.toBe(before);
      await h.drain();
    });

    test('a batch replayed within the window, after it was synced, is recorded once and queues nothing; replayed after it, it is refused', async () => {
      const body = batch(7003);
      const headers = hubspotSig.v3(secret, 'POST', HUBSPOT_WEBHOOK_URL, body, now());
      expect((await send(h, 'POST', HUBSPOT_WEBHOOK_URL, body, headers)).status).toBe(200);
      await h.drain();
      await h.advance(60_000);
      await h.drain();
      const before = await stateOf(h);
      expect((await send(h, 'POST', HUBSPOT_WEBHOOK_URL, body, headers)).status).toBe(200);
      expect(await stateOf(h)).toBe(before);
      // Re-signed with a fresh timestamp (HubSpot's own retry), the same event is still recorded once.
      expect((await send(h, 'POST', HUBSPOT_WEBHOOK_URL, body, hubspotSig.v3(secret, 'POST', HUBSPOT_WEBHOOK_URL, body, now()))).status).toBe(200);
      expect(await stateOf(h)).toBe(before);
      await h.advance(FIVE_MINUTES);
      await refused(401, 'POST', HUBSPOT_WEBHOOK_URL, body, headers);
    });
  });

  describe('QuickBooks webhooks (intuit-signature)', () => {
    const notification = (id: string) =>
      JSON.stringify({
        eventNotifications: [
          {
            realmId: h.qbo.info.realmId,
            dataChangeEvent: { entities: [{ name: 'Customer', id, operation: 'Update', lastUpdated: '2026-01-15T12:00:00.000Z' }] },
          },
        ],
      });

    test('a forged, tampered or misplaced signature is refused; the genuine notification is accepted; a replay after it was synced queues nothing', async () => {
      const body = notification('1');
      const verifier = h.qbo.info.webhookVerifierToken;
      const attacks: Record<string, Record<string, string>> = {
        'forged (another verifier token)': intuitSignature(body, 'not-the-verifier-token'),
        'signed over another body': intuitSignature(notification('2'), verifier),
        'HubSpot-style signature instead': hubspotSig.v3(verifier, 'POST', QBO_WEBHOOK_URL, body, now()),
        'hex instead of base64': { 'intuit-signature': Buffer.from(intuitSignature(body, verifier)['intuit-signature'], 'base64').toString('hex') },
        'empty signature': { 'intuit-signature': '' },
      };
      for (const headers of Object.values(attacks)) await refused(401, 'POST', QBO_WEBHOOK_URL, body, headers);
      const before = await stateOf(h);
      expect((await send(h, 'POST', QBO_WEBHOOK_URL, body, intuitSignature(body, verifier))).status).toBe(200);
      expect(await stateOf(h)).not.toBe(before);
      // Intuit signs no time, so a replay is told apart by the notification itself: synced once, never queued again.
      await h.drain();
      await h.advance(60_000);
      await h.drain();
      const synced = await stateOf(h);
      expect((await send(h, 'POST', QBO_WEBHOOK_URL, body, intuitSignature(body, verifier))).status).toBe(200);
      expect(await stateOf(h)).toBe(synced);
    });
  });

  describe('workflow action URL (v2 or v3)', () => {
    /** A genuine execution for a contact: past the signature it is refused as the wrong object, changing nothing. */
    const execution = (callbackId: string) =>
      JSON.stringify({
        callbackId,
        origin: { portalId: h.hubspot.info.portalId, actionDefinitionId: 1, actionDefinitionVersion: 1 },
        context: { source: 'WORKFLOWS', workflowId: 1 },
        object: { objectId: Number(contactId), objectType: 'CONTACT' },
        inputFields: {},
      });

    test('forged, stale, v1-only and re-targeted signatures are refused; genuine v2 and v3 get through', async () => {
      const body = execution('ap-1-1-1-0');
      const at = now();
      const attacks: Record<string, Record<string, string>> = {
        'forged v2': hubspotSig.v2('not-the-app-secret', 'POST', ACTION_URL, body),
        'forged v3': hubspotSig.v3('not-the-app-secret', 'POST', ACTION_URL, body, at),
        'stale v3 (5 minutes and 1 ms old)': hubspotSig.v3(secret, 'POST', ACTION_URL, body, at - FIVE_MINUTES - 1),
        'stale v3 beside a genuine v2 (v3 wins)': {
          ...hubspotSig.v2(secret, 'POST', ACTION_URL, body),
          ...hubspotSig.v3(secret, 'POST', ACTION_URL, body, at - FIVE_MINUTES - 1),
        },
        'v1 only (no URL)': hubspotSig.v1(secret, body),
        'v2 signed for the webhook URL': hubspotSig.v2(secret, 'POST', HUBSPOT_WEBHOOK_URL, body),
        'v2 signed over another body': hubspotSig.v2(secret, 'POST', ACTION_URL, execution('ap-1-1-2-0')),
        'unknown signature version': { ...hubspotSig.v2(secret, 'POST', ACTION_URL, body), 'X-HubSpot-Signature-Version': 'v9' },
      };
      for (const headers of Object.values(attacks)) await refused(401, 'POST', ACTION_URL, body, headers);
      for (const genuine of [hubspotSig.v2(secret, 'POST', ACTION_URL, body), hubspotSig.v3(secret, 'POST', ACTION_URL, body, at)]) {
        const res = await refused(400, 'POST', ACTION_URL, body, genuine);
        expect(await res.json()).toMatchObject({ error: 'unsupported_object' });
      }
    });
  });
});
