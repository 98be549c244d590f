import { Signature } from '@hubspot/api-client';
import { startHarness, type Harness } from '../../emulators/hubspot/conformance/harness';
import { parseHubSpotWebhook } from './webhook-events';
import { readSignedAppRequest, SignedRequestError } from './signed-request';
import { decodeV3Uri, verifyHubSpotRequest } from './signature';

// Doc vectors (https://developers.hubspot.com/docs/faq/v1-request-validation,
// https://developers.hubspot.com/docs/faq/v2-request-validation).
const SECRET = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
const URI = 'https://www.example.com/webhook_uri';
const BODY = '{"example_field":"example_value"}';
const V1_BODY =
  '[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]';
const TS = 1_700_000_000_000;
const at = (ms: number) => new Date(ms);

/** The official utility; `getSignature` ignores `signature`, which its options type nevertheless requires. */
const sdkSign = (method: string, version: 'v1' | 'v2' | 'v3', options: { clientSecret: string; requestBody: string; url: string; timestamp?: number }) =>
  Signature.getSignature(method, version, { signature: '', ...options });

const v3Headers = (signature: string, timestamp: number = TS) => ({ 'X-HubSpot-Signature-v3': signature, 'X-HubSpot-Request-Timestamp': String(timestamp) });

describe('verifyHubSpotRequest against the documented vectors and the official Signature utility', () => {
  it('accepts v2 doc vectors for GET and POST', () => {
    const get = {
      method: 'GET',
      url: URI,
      rawBody: '',
      headers: { 'X-HubSpot-Signature': 'eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e', 'X-HubSpot-Signature-Version': 'v2' },
    };
    expect(verifyHubSpotRequest(get, SECRET, at(TS))).toEqual({ ok: true, version: 'v2' });
    const post = {
      method: 'POST',
      url: URI,
      rawBody: BODY,
      headers: { 'x-hubspot-signature': '9569219f8ba981ffa6f6f16aa0f48637d35d728c7e4d93d0d52efaa512af7900', 'x-hubspot-signature-version': 'v2' },
    };
    expect(verifyHubSpotRequest(post, SECRET, at(TS))).toEqual({ ok: true, version: 'v2' });
    expect(
      Signature.isValid({
        signatureVersion: 'v2',
        signature: post.headers['x-hubspot-signature'],
        clientSecret: SECRET,
        requestBody: BODY,
        url: URI,
        method: 'POST',
      }),
    ).toBe(true);
  });

  it('accepts the v1 doc vector and rejects a tampered body', () => {
    const headers = new Headers({
      'X-HubSpot-Signature': '232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de',
      'X-HubSpot-Signature-Version': 'v1',
    });
    expect(verifyHubSpotRequest({ method: 'POST', url: URI, rawBody: V1_BODY, headers }, SECRET, at(TS))).toEqual({ ok: true, version: 'v1' });
    expect(verifyHubSpotRequest({ method: 'POST', url: URI, rawBody: V1_BODY.replace('123', '124'), headers }, SECRET, at(TS))).toEqual({
      ok: false,
      reason: 'v1 signature does not match',
    });
  });

  it('accepts v3 as the SDK signs it, and the SDK agrees', () => {
    const signature = sdkSign('POST', 'v3', { clientSecret: SECRET, requestBody: BODY, url: URI, timestamp: TS });
    expect(signature).toBe('rQEKkaNUiu+1qGF//O/pw4BCzstSqO1PyUnGICmf+7o=');
    expect(verifyHubSpotRequest({ method: 'post', url: URI, rawBody: BODY, headers: v3Headers(signature) }, SECRET, at(TS + 299_000))).toEqual({
      ok: true,
      version: 'v3',
    });
  });

  it('rejects a tampered v3 body, URL, method or secret', () => {
    const signature = sdkSign('POST', 'v3', { clientSecret: SECRET, requestBody: BODY, url: URI, timestamp: TS });
    const ok = { method: 'POST', url: URI, rawBody: BODY, headers: v3Headers(signature) };
    const bad = { ok: false, reason: 'v3 signature does not match' };
    expect(verifyHubSpotRequest({ ...ok, rawBody: BODY.replace('value', 'valuE') }, SECRET, at(TS))).toEqual(bad);
    expect(verifyHubSpotRequest({ ...ok, url: `${URI}?portalId=1` }, SECRET, at(TS))).toEqual(bad);
    expect(verifyHubSpotRequest({ ...ok, method: 'PUT' }, SECRET, at(TS))).toEqual(bad);
    expect(verifyHubSpotRequest(ok, 'other-secret', at(TS))).toEqual(bad);
    expect(verifyHubSpotRequest({ ...ok, headers: v3Headers('short') }, SECRET, at(TS))).toEqual(bad);
    // A valid v2 beside a bad v3 does not rescue the request: v3 decides when present.
    const v2 = sdkSign('POST', 'v2', { clientSecret: SECRET, requestBody: BODY, url: URI });
    expect(
      verifyHubSpotRequest(
        { ...ok, headers: { ...v3Headers('x'.repeat(44)), 'X-HubSpot-Signature': v2, 'X-HubSpot-Signature-Version': 'v2' } },
        SECRET,
        at(TS),
      ),
    ).toEqual(bad);
  });

  it('rejects stale, future and missing v3 timestamps, where the SDK throws', () => {
    const signature = sdkSign('POST', 'v3', { clientSecret: SECRET, requestBody: BODY, url: URI, timestamp: TS });
    const req = { method: 'POST', url: URI, rawBody: BODY, headers: v3Headers(signature) };
    expect(verifyHubSpotRequest(req, SECRET, at(TS + 300_001))).toMatchObject({ ok: false, reason: expect.stringContaining('5-minute') });
    expect(verifyHubSpotRequest(req, SECRET, at(TS - 300_001))).toMatchObject({ ok: false });
    expect(() =>
      Signature.isValid({ signatureVersion: 'v3', signature, clientSecret: SECRET, requestBody: BODY, url: URI, method: 'POST', timestamp: TS }),
    ).toThrow(/Timestamp is invalid/);
    expect(verifyHubSpotRequest({ ...req, headers: { 'X-HubSpot-Signature-v3': signature } }, SECRET, at(TS))).toMatchObject({
      ok: false,
      reason: expect.stringContaining('Timestamp'),
    });
  });

  it('never trusts an unsigned request or an unknown version', () => {
    expect(verifyHubSpotRequest({ method: 'POST', url: URI, rawBody: BODY, headers: {} }, SECRET, at(TS))).toEqual({
      ok: false,
      reason: 'request is not signed',
    });
    expect(verifyHubSpotRequest({ method: 'POST', url: URI, rawBody: BODY, headers: { 'X-HubSpot-Signature': 'abc' } }, SECRET, at(TS))).toMatchObject({
      ok: false,
    });
  });

  it('applies the v3 URI decoding rules of the docs, and still accepts the URL as received', () => {
    const received = 'https://api.example.com/cards%2Fdeal?email=a%40b.com&q=%3F%20x';
    expect(decodeV3Uri(received)).toBe('https://api.example.com/cards/deal?email=a@b.com&q=?%20x');
    for (const signedUrl of [decodeV3Uri(received), received]) {
      const signature = sdkSign('GET', 'v3', { clientSecret: SECRET, requestBody: '', url: signedUrl, timestamp: TS });
      expect(verifyHubSpotRequest({ method: 'GET', url: received, rawBody: '', headers: v3Headers(signature) }, SECRET, at(TS))).toEqual({
        ok: true,
        version: 'v3',
      });
    }
  });
});

describe('requests the emulator sends as HubSpot', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  const last = () => {
    const r = h.app.received[h.app.received.length - 1];
    if (!r) throw new Error('nothing received');
    return r;
  };

  it('verifies a webhook delivery (v1 + v3) and parses it', async () => {
    h.started.emulator.setWebhookTarget({ url: `${h.app.url}/webhooks/hubspot` });
    const c = h.started.emulator.createAsUser('contacts', { email: 'hook@example.com' });
    h.started.emulator.editAsUser('contacts', c.id, { firstname: 'Ada' });
    await h.started.emulator.flushWebhooks();
    const req = last();
    const now = h.clock.now();
    expect(verifyHubSpotRequest({ method: req.method, url: req.url, rawBody: req.body, headers: req.headers }, h.started.info.clientSecret, now)).toEqual({
      ok: true,
      version: 'v3',
    });
    const { 'x-hubspot-signature-v3': _v3, ...v1Only } = req.headers;
    expect(verifyHubSpotRequest({ method: req.method, url: req.url, rawBody: req.body, headers: v1Only }, h.started.info.clientSecret, now)).toEqual({
      ok: true,
      version: 'v1',
    });
    expect(
      verifyHubSpotRequest({ method: req.method, url: req.url, rawBody: `${req.body} `, headers: req.headers }, h.started.info.clientSecret, now),
    ).toMatchObject({ ok: false });

    const changes = parseHubSpotWebhook(req.body);
    expect(changes.map((ch) => [ch.kind, ch.objectType, ch.objectId])).toEqual(
      expect.arrayContaining([
        ['created', 'contacts', c.id],
        ['changed', 'contacts', c.id],
      ]),
    );
    expect(changes.find((ch) => ch.propertyName === 'firstname')).toMatchObject({
      propertyValue: 'Ada',
      changeSource: 'CRM_UI',
      portalId: h.started.info.portalId,
    });
  });

  it('reads the portal and user from a signed hubspot.fetch request; refuses stale, tampered, ambiguous and unsigned ones', async () => {
    const { portalId } = h.started.info;
    await h.started.emulator.signedFetch(`${h.app.url}/api/settings?view=full&portalId=${portalId}&userId=77`, { method: 'PUT', body: { contacts: true } });
    const req = last();
    const signed = { method: req.method, url: req.url, rawBody: req.body, headers: req.headers };
    const secret = h.started.info.clientSecret;
    expect(verifyHubSpotRequest(signed, secret, h.clock.now())).toEqual({ ok: true, version: 'v3' });
    expect(readSignedAppRequest(signed, secret, h.clock.now())).toEqual({ portalId, userId: 77, appId: h.started.info.appId });

    await h.started.emulator.signedFetch(`${h.app.url}/api/settings?portalId=${portalId}&userId=77&portalId=1`);
    const twice = last();
    expect(() => readSignedAppRequest({ method: twice.method, url: twice.url, rawBody: twice.body, headers: twice.headers }, secret, h.clock.now())).toThrow(
      /more than one portalId/,
    );

    expect(() => readSignedAppRequest(signed, secret, new Date(h.clock.now().getTime() + 301_000))).toThrow(SignedRequestError);
    expect(() =>
      readSignedAppRequest({ ...signed, url: signed.url.replace(`portalId=${h.started.info.portalId}`, 'portalId=1') }, secret, h.clock.now()),
    ).toThrow(/does not match/);
    expect(() => readSignedAppRequest({ ...signed, headers: {} }, secret, h.clock.now())).toThrow(/not signed/);
    // v2 alone covers the URL but carries no timestamp: not enough to act for a portal.
    const { 'x-hubspot-signature-v3': _v3, ...v2Only } = req.headers;
    expect(() => readSignedAppRequest({ ...signed, headers: v2Only }, secret, h.clock.now())).toThrow(/v3 is required/);
  });

  it('refuses a signed request that carries no portalId or no userId', () => {
    const noUser = 'https://api.example.com/api/settings?appId=1&portalId=5';
    const signedNoUser = sdkSign('GET', 'v3', { clientSecret: SECRET, requestBody: '', url: noUser, timestamp: TS });
    expect(() => readSignedAppRequest({ method: 'GET', url: noUser, rawBody: '', headers: v3Headers(signedNoUser) }, SECRET, at(TS))).toThrow(/userId/);
    const url = 'https://api.example.com/api/settings?appId=1';
    const signature = sdkSign('GET', 'v3', { clientSecret: SECRET, requestBody: '', url, timestamp: TS });
    expect(() => readSignedAppRequest({ method: 'GET', url, rawBody: '', headers: v3Headers(signature) }, SECRET, at(TS))).toThrow(/portalId/);
  });
});
