import fc from 'fast-check';
import type { Connection } from '../../functions/store/connections';
import { PUBLIC_URL, startHarness, type Harness } from '../helpers/harness';
import { ACTION_URL, HUBSPOT_WEBHOOK_URL, QBO_WEBHOOK_URL, appUrl, hubspotSig, intuitSignature, send, stateOf } from './support';

/** Fixed seed, modest runs: the same inputs every time, a few seconds per property. */
const RUNS = { seed: 1616, numRuns: 25 } as const;
const ONE_MB = 1024 * 1024;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Signed requests with bodies that are wrong in every way a body can be: cut short, a field of the wrong type, random
 * text and JSON, and too large. Signed correctly, so each reaches the parser: each must be answered with a 4xx (never a
 * 500), change nothing anywhere, and leave no promise rejected unhandled.
 */
describe('malformed bodies on every inbound endpoint (property-based)', () => {
  let h: Harness;
  let connection: Connection;
  let contactId: string;
  let dealId: string;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    h = await startHarness();
    const seeded = h.hubspot.emulator.seed({
      contacts: [{ email: 'ada@lovelace.dev', firstname: 'Ada' }],
      deals: [{ properties: { dealname: 'Fuzzed deal', amount: '100' }, contactIndexes: [0] }],
    });
    [contactId] = seeded.contacts as [string];
    dealId = seeded.deals[0]!.id;
    connection = await h.connect();
    await h.syncsOn(connection, 'contacts');
  }, 120_000);
  afterAll(async () => {
    await h.stop();
    process.off('unhandledRejection', onUnhandled);
  });
  afterEach(() => expect(unhandled).toEqual([]));

  interface Target {
    name: string;
    method: 'POST' | 'PUT';
    url: () => string;
    sign: (url: string, body: string) => Record<string, string>;
    /** A body the endpoint accepts. */
    valid: () => Json;
    /** Fields the endpoint requires with a type: path into `valid()`, and whether a digit string is still a number there. */
    typed: { path: (string | number)[]; digitsAreNumbers?: boolean }[];
  }

  const now = () => h.clock.now().getTime();
  const secret = () => h.hubspot.info.clientSecret;
  const targets: Target[] = [
    {
      name: 'HubSpot webhooks',
      method: 'POST',
      url: () => HUBSPOT_WEBHOOK_URL,
      sign: (url, body) => hubspotSig.v3(secret(), 'POST', url, body, now()),
      valid: () => [
        {
          eventId: 1,
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
      ],
      typed: ['eventId', 'subscriptionId', 'portalId', 'appId', 'occurredAt', 'subscriptionType', 'attemptNumber'].map((f) => ({ path: [0, f] })),
    },
    {
      name: 'QuickBooks webhooks',
      method: 'POST',
      url: () => QBO_WEBHOOK_URL,
      sign: (_, body) => intuitSignature(body, h.qbo.info.webhookVerifierToken),
      valid: () => ({
        eventNotifications: [
          {
            realmId: h.qbo.info.realmId,
            dataChangeEvent: { entities: [{ name: 'Customer', id: '1', operation: 'Update', lastUpdated: '2026-01-15T12:00:00.000Z' }] },
          },
        ],
      }),
      typed: [
        { path: ['eventNotifications'] },
        { path: ['eventNotifications', 0, 'realmId'] },
        { path: ['eventNotifications', 0, 'dataChangeEvent'] },
        ...['name', 'id', 'operation', 'lastUpdated'].map((f) => ({ path: ['eventNotifications', 0, 'dataChangeEvent', 'entities', 0, f] })),
      ],
    },
    {
      name: 'workflow action',
      method: 'POST',
      url: () => ACTION_URL,
      sign: (url, body) => hubspotSig.v2(secret(), 'POST', url, body),
      valid: () => ({
        callbackId: 'ap-fuzz-1',
        origin: { portalId: h.hubspot.info.portalId, actionDefinitionId: 1, actionDefinitionVersion: 1 },
        context: { source: 'WORKFLOWS', workflowId: 1 },
        object: { objectId: Number(dealId), objectType: 'DEAL' },
        inputFields: { paymentTerms: 'Net 30' },
      }),
      typed: [
        { path: ['callbackId'] },
        { path: ['origin'] },
        { path: ['origin', 'portalId'], digitsAreNumbers: true },
        { path: ['object'] },
        { path: ['object', 'objectType'] },
        { path: ['object', 'objectId'], digitsAreNumbers: true },
        { path: ['inputFields'] },
      ],
    },
    {
      name: 'settings API (PUT /api/settings/contacts)',
      method: 'PUT',
      url: () => appUrl(h, '/api/settings/contacts'),
      sign: (url, body) => hubspotSig.v3(secret(), 'PUT', url, body, now()),
      valid: () => ({
        mappings: [{ hubspotProperty: 'email', qboField: 'email', direction: 'two_way', winner: 'hubspot' }],
        createInHubspot: true,
        createInQbo: true,
      }),
      typed: [
        { path: ['mappings'] },
        { path: ['mappings', 0] },
        { path: ['mappings', 0, 'direction'] },
        { path: ['mappings', 0, 'winner'] },
        { path: ['mappings', 0, 'hubspotProperty'] },
        { path: ['createInHubspot'] },
        { path: ['createInQbo'] },
      ],
    },
    {
      name: 'deal card API (POST /api/deals/{id}/invoices)',
      method: 'POST',
      url: () => appUrl(h, `/api/deals/${dealId}/invoices`),
      sign: (url, body) => hubspotSig.v3(secret(), 'POST', url, body, now()),
      valid: () => ({ requestId: 'fuzz-request-1' }),
      typed: [{ path: ['requestId'] }],
    },
  ];

  /** Any JSON value whose type differs from `original`'s (a digit string counts as a number where the schema says so). */
  const wrongTypeFor = (original: Json, digitsAreNumbers: boolean): fc.Arbitrary<Json> => {
    const kind = (v: Json) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
    const numeric = (v: Json) => typeof v === 'number' || (digitsAreNumbers && typeof v === 'string' && /^\s*\d+\s*$/.test(v));
    return (fc.jsonValue() as fc.Arbitrary<Json>).filter((v) => kind(v) !== kind(original) && !(numeric(original) && numeric(v)));
  };
  const replaceAt = (value: Json, path: (string | number)[], replacement: Json): Json => {
    if (path.length === 0) return replacement;
    const [head, ...rest] = path;
    const copy = (Array.isArray(value) ? [...value] : { ...(value as Record<string, Json>) }) as Record<string | number, Json>;
    copy[head!] = replaceAt(copy[head!]!, rest, replacement);
    return copy;
  };
  const valueAt = (value: Json, path: (string | number)[]): Json => path.reduce<Json>((v, k) => (v as Record<string | number, Json>)[k]!, value);

  /** Runs `bodies` against the target: each answered below 500 (and with a 4xx where `mustRefuse`), nothing changed. */
  const check = async (target: Target, bodies: fc.Arbitrary<string>, expectStatus: (status: number, body: string) => boolean) => {
    const before = await stateOf(h);
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const url = target.url();
        const res = await send(h, target.method, url, body, target.sign(url, body));
        const answer = await res.text();
        if (!expectStatus(res.status, body)) throw new Error(`${target.name}: ${res.status} ${answer} for body ${JSON.stringify(body.slice(0, 300))}`);
      }),
      RUNS,
    );
    expect(await stateOf(h)).toBe(before);
  };
  const isClientError = (status: number) => status >= 400 && status < 500;

  describe.each(targets.map((t) => [t.name, t] as const))('%s', (_, target) => {
    test('the valid body gets past the signature and the parser (the control: the bodies below are refused for being wrong)', async () => {
      const body = JSON.stringify(target.valid());
      const url = target.url();
      const res = await send(h, target.method, url, body, target.sign(url, body));
      // The fuzzed deal has no line items: the card says so (422), past every check a body faces.
      expect([200, 201, 422]).toContain(res.status);
      await h.drain();
    });

    test('truncated bodies get a 4xx and change nothing', async () => {
      const whole = JSON.stringify(target.valid());
      await check(
        target,
        fc.nat({ max: whole.length - 1 }).map((n) => whole.slice(0, n)),
        (status) => isClientError(status),
      );
    });

    test('a required field of the wrong type gets a 4xx and changes nothing', async () => {
      const valid = target.valid();
      const mutated = fc
        .constantFrom(...target.typed)
        .chain(({ path, digitsAreNumbers }) =>
          wrongTypeFor(valueAt(valid, path), digitsAreNumbers ?? false).map((v) => JSON.stringify(replaceAt(valid, path, v))),
        );
      await check(target, mutated, (status) => isClientError(status));
    });

    test('random text and random JSON never get a 5xx, and change nothing', async () => {
      const random = fc.oneof(
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
        fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
      );
      await check(target, random, (status) => status < 500);
    });

    test('a body over 1 MB gets a 413 and changes nothing, whether its length is announced or streamed', async () => {
      const before = await stateOf(h);
      const huge = JSON.stringify({ padding: 'x'.repeat(ONE_MB) });
      const url = target.url();
      expect((await send(h, target.method, url, huge, target.sign(url, huge))).status).toBe(413);
      const streamed = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < 17; i++) controller.enqueue(new Uint8Array(64 * 1024).fill(120));
          controller.close();
        },
      });
      const res = await h.runtime.app.request(url, {
        method: target.method,
        body: streamed,
        duplex: 'half',
        headers: { 'content-type': 'application/json' },
      });
      expect(res.status).toBe(413);
      expect(await stateOf(h)).toBe(before);
    });
  });

  test('API query strings, sync names and record ids never get a 5xx, and reads change nothing', async () => {
    const before = await stateOf(h);
    const text = fc.string({ maxLength: 40 });
    const path = fc.oneof(
      fc.dictionary(fc.constantFrom('object', 'outcome', 'limit', 'x'), text).map((q) => `/api/sync-log?${new URLSearchParams(q).toString()}`),
      fc.stringMatching(/^\d{1,40}$/).map((id) => `/api/deals/${id}/invoices`),
      fc
        .oneof(text, fc.constantFrom('contacts', 'products', 'invoices', '__proto__', 'constructor'))
        .map((name) => `/api/settings/${encodeURIComponent(name)}/fields`),
    );
    await fc.assert(
      fc.asyncProperty(path, async (p) => {
        const url = new URL(`${PUBLIC_URL}${p}`);
        url.searchParams.set('portalId', String(h.hubspot.info.portalId));
        url.searchParams.set('userId', String(h.hubspot.emulator.config.userId));
        const res = await send(h, 'GET', url.toString(), '', hubspotSig.v3(secret(), 'GET', url.toString(), '', now()));
        if (res.status >= 500) throw new Error(`${p} answered ${res.status}: ${await res.text()}`);
      }),
      RUNS,
    );
    expect(await stateOf(h)).toBe(before);
  });

  test('OAuth callbacks with random query strings get a 400 and change nothing', async () => {
    const before = await stateOf(h);
    const query = fc.dictionary(fc.constantFrom('code', 'state', 'realmId', 'error', 'x'), fc.string({ maxLength: 600 }));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/oauth/hubspot/callback', '/oauth/quickbooks/callback', '/oauth/quickbooks/start'), query, async (path, params) => {
        const res = await h.runtime.app.request(`${PUBLIC_URL}${path}?${new URLSearchParams(params).toString()}`);
        if (res.status !== 400) throw new Error(`${path} answered ${res.status} for ${JSON.stringify(params)}`);
      }),
      RUNS,
    );
    expect(await stateOf(h)).toBe(before);
  });
});
