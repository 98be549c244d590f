import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { ManualClock } from '../../emulators/shared/clock';
import { startQuickBooksEmulator, type StartedQuickBooksEmulator } from '../../emulators/quickbooks/start';
import { silentLogger } from '../log';
import { createQboClient } from './client';
import { qboApiBase } from './endpoints';
import { QboRateLimiter } from './rate-limiter';
import { parseQboNotification, QboNotificationError, verifyIntuitSignature } from './webhooks';

// Samples from https://blogs.intuit.com/2025/11/12/upcoming-change-to-webhooks-payload-structure/.
const LEGACY = `{"eventNotifications":[{"realmId":"310687","dataChangeEvent":{"entities":[
  {"id":"1234","operation":"Create","name":"Account","lastUpdated":"2025-09-08T20:52:31.657Z"}]}}]}`;
const CLOUD_EVENTS = `[{"specversion":"1.0","id":"88cd52aa-0001","source":"intuit.dsnBgb=","type":"qbo.account.created.v1",
  "datacontenttype":"application/json","time":"2025-09-10T21:31:25.179851517Z",
  "intuitentityid":"1234","intuitaccountid":"310687","data":{}}]`;
const sign = (body: string, token: string) => createHmac('sha256', token).update(body).digest('base64');

describe('intuit-signature', () => {
  const token = 'verifier-token';
  it('accepts the HMAC-SHA256 of the raw body, base64', () => {
    expect(verifyIntuitSignature(LEGACY, sign(LEGACY, token), token)).toBe(true);
  });
  it('rejects a tampered body, a re-serialized body, a wrong token, a padded header and a missing header', () => {
    const header = sign(LEGACY, token);
    expect(verifyIntuitSignature(LEGACY.replace('1234', '1235'), header, token)).toBe(false);
    expect(verifyIntuitSignature(JSON.stringify(JSON.parse(LEGACY)), header, token)).toBe(false);
    expect(verifyIntuitSignature(LEGACY, sign(LEGACY, 'other'), token)).toBe(false);
    expect(verifyIntuitSignature(LEGACY, `${header}!!`, token)).toBe(false);
    expect(verifyIntuitSignature(LEGACY, undefined, token)).toBe(false);
    expect(verifyIntuitSignature(LEGACY, '', token)).toBe(false);
  });
});

describe('parseQboNotification', () => {
  it('maps the legacy payload, keyed by realm:entity:id:operation:lastUpdated', () => {
    expect(parseQboNotification(LEGACY)).toEqual([
      {
        eventKey: '310687:Account:1234:Create:2025-09-08T20:52:31.657Z',
        realmId: '310687',
        entity: 'Account',
        id: '1234',
        operation: 'Create',
        occurredAt: new Date('2025-09-08T20:52:31.657Z'),
      },
    ]);
  });

  it('maps CloudEvents, keyed by the event id', () => {
    expect(parseQboNotification(CLOUD_EVENTS)).toEqual([
      { eventKey: '88cd52aa-0001', realmId: '310687', entity: 'Account', id: '1234', operation: 'Create', occurredAt: new Date('2025-09-10T21:31:25.179Z') },
    ]);
  });

  it('names multi-word entities, and reports the record a merge removed as a Delete', () => {
    const body = JSON.stringify([
      { specversion: '1.0', id: 'e1', source: 's', type: 'qbo.billpayment.voided.v1', time: '2026-01-01T00:00:00Z', intuitentityid: '7', intuitaccountid: 'r' },
      {
        specversion: '1.0',
        id: 'e2',
        source: 's',
        type: 'qbo.customer.merged.v1',
        time: '2026-01-01T00:00:00Z',
        intuitentityid: '26',
        intuitaccountid: 'r',
        data: { deletedid: '27' },
      },
    ]);
    expect(parseQboNotification(body).map((c) => [c.eventKey, c.entity, c.id, c.operation])).toEqual([
      ['e1', 'BillPayment', '7', 'Void'],
      ['e2', 'Customer', '26', 'Merge'],
      ['e2:deleted:27', 'Customer', '27', 'Delete'],
    ]);
  });

  it('skips operations outside the vocabulary instead of failing the delivery', () => {
    const body = LEGACY.replace('"Create"', '"Archive"');
    expect(parseQboNotification(body)).toEqual([]);
  });

  it.each([
    ['not JSON', 'nope'],
    ['an object of the wrong shape', '{"events":[]}'],
    [
      'a CloudEvent without an entity id',
      '[{"specversion":"1.0","id":"x","type":"qbo.customer.created.v1","time":"2026-01-01T00:00:00Z","intuitaccountid":"1"}]',
    ],
    [
      'a CloudEvent with a malformed type',
      '[{"specversion":"1.0","id":"x","type":"customer","time":"2026-01-01T00:00:00Z","intuitentityid":"1","intuitaccountid":"1"}]',
    ],
    ['a legacy event with a bad time', LEGACY.replace('2025-09-08T20:52:31.657Z', 'yesterday')],
  ])('throws a clear error on %s', (_what, body) => {
    expect(() => parseQboNotification(body)).toThrow(QboNotificationError);
  });
});

describe('the emulator’s own signed deliveries', () => {
  const clock = new ManualClock('2026-03-02T17:00:00.000Z');
  let qbo: StartedQuickBooksEmulator;
  const received: { body: string; signature: string | null }[] = [];

  beforeAll(async () => {
    qbo = await startQuickBooksEmulator({
      port: 0,
      clock,
      fetch: async (_url, init) => {
        received.push({ body: String(init?.body), signature: new Headers(init?.headers).get('intuit-signature') });
        return new Response(null, { status: 200 });
      },
    });
  });
  afterAll(() => qbo.close());
  beforeEach(() => {
    qbo.emulator.reset();
    received.length = 0;
  });

  const client = () =>
    createQboClient({
      realmId: qbo.info.realmId,
      endpoint: qboApiBase(qbo.info.url),
      clientId: qbo.info.clientId,
      clientSecret: qbo.info.clientSecret,
      auth: { accessToken: async () => qbo.emulator.info().accessToken, refresh: () => Promise.reject(new Error('unexpected')) },
      log: silentLogger,
      limiter: new QboRateLimiter(),
    });

  it.each(['cloudevents', 'legacy'] as const)('verifies and parses a %s delivery for a change made through the client', async (format) => {
    qbo.emulator.setWebhookTarget({ url: 'http://receiver.test/webhooks/quickbooks', format });
    const customer = await client().create('Customer', { DisplayName: `Hooked ${format}` }, { requestId: `hook-${format}` });
    await qbo.emulator.flushWebhooks();
    expect(received).toHaveLength(1);
    const [delivery] = received;
    if (!delivery) throw new Error('no delivery');
    expect(verifyIntuitSignature(delivery.body, delivery.signature ?? undefined, qbo.info.webhookVerifierToken)).toBe(true);
    expect(parseQboNotification(delivery.body)).toEqual([
      expect.objectContaining({ realmId: qbo.info.realmId, entity: 'Customer', id: customer.Id, operation: 'Create', occurredAt: clock.now() }),
    ]);
  });
});
