import axios from 'axios';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { startHarness, type Harness } from './harness';

let h: Harness;
let receiver: Server;
let receiverUrl = '';
const received: { body: string; signature: string }[] = [];
let answer = 200;

beforeAll(async () => {
  h = await startHarness();
  receiver = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      received.push({ body, signature: String(req.headers['intuit-signature']) });
      res.statusCode = answer;
      res.end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const addr = receiver.address();
  receiverUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/qbo`;
});
beforeEach(() => {
  h.emulator.reset();
  h.qbo.token = h.emulator.info().accessToken;
  received.length = 0;
  answer = 200;
});
afterAll(async () => {
  await h.close();
  await new Promise<void>((r) => receiver.close(() => r()));
});

const api = (path: string) => `${h.info.url}/v3/company/${h.info.realmId}${path}`;
const sign = (body: string) => createHmac('sha256', h.info.webhookVerifierToken).update(body).digest('base64');

describe('limits', () => {
  it('429 with code 3001 past the per-minute budget, and again fine a minute later', async () => {
    h.emulator.limits.perMinute = 3;
    for (let i = 0; i < 3; i++) await h.call('getPreferences');
    const f = await h.fault('getPreferences');
    expect(f.status).toBe(429);
    expect(f.body.Fault).toMatchObject({ type: 'SERVICE', Error: [{ code: '3001' }] });
    h.clock.advance(60_000);
    await h.call('getPreferences');
    h.emulator.limits.perMinute = 500;
  });

  it('429 when more than maxInFlight requests are in flight', async () => {
    h.emulator.limits.maxInFlight = 1;
    h.emulator.injectFault({ kind: 'timeout' });
    const held = axios.get(api('/preferences'), { headers: { Authorization: `Bearer ${h.qbo.token}` } });
    await h.emulator.whenResponseHeld();
    expect((await h.fault('getPreferences')).status).toBe(429);
    h.emulator.releaseHeldResponses();
    expect((await held).status).toBe(200);
    h.emulator.limits.maxInFlight = 10;
  });
});

describe('fault injection (control plane)', () => {
  const control = (path: string, body: unknown) => axios.post(`${h.info.url}/__emulator${path}`, body);

  it('the next N calls fail with 429 (JSON or XML, Retry-After), 500, 503, stale SyncToken', async () => {
    await control('/faults', { kind: '429', count: 2, retryAfterSeconds: 60 });
    const a = await h.fault('getPreferences');
    expect(a.status).toBe(429);
    expect(a.headers['retry-after']).toBe('60');
    expect((await h.fault('getPreferences')).status).toBe(429);
    await h.call('getPreferences');
    await control('/faults', { kind: '429-xml' });
    const x = await h.fault('getPreferences');
    expect(String(x.body)).toContain('<Error code="3001">');
    await control('/faults', { kind: '500' });
    expect((await h.fault('getPreferences')).body.Fault.type).toBe('SystemFault');
    await control('/faults', { kind: '503' });
    expect((await h.fault('getPreferences')).status).toBe(503);
    const c = await h.call('createCustomer', { DisplayName: 'F Co' });
    await control('/faults', { kind: 'stale-sync-token' });
    expect((await h.fault('updateCustomer', { Id: c.Id, SyncToken: c.SyncToken, Notes: 'x' })).body.Fault.Error[0].code).toBe('5010');
    expect((await h.call('updateCustomer', { Id: c.Id, SyncToken: c.SyncToken, Notes: 'x' })).SyncToken).toBe('1');
  });

  it('timeout: the write happens, the response is held; a retry with the same requestid replays it', async () => {
    h.emulator.injectFault({ kind: 'timeout', method: 'POST' });
    const abort = new AbortController();
    const first = axios
      .post(api('/customer?requestid=r-77'), { DisplayName: 'Timeout Co' }, { headers: { Authorization: `Bearer ${h.qbo.token}` }, signal: abort.signal })
      .catch((e: unknown) => e);
    await h.emulator.whenResponseHeld();
    abort.abort();
    await first;
    const retry = await axios.post(api('/customer?requestid=r-77'), { DisplayName: 'Timeout Co' }, { headers: { Authorization: `Bearer ${h.qbo.token}` } });
    expect(retry.data.Customer.DisplayName).toBe('Timeout Co');
    expect((await h.call('findCustomers', { count: true })).QueryResponse.totalCount).toBe(1);
    h.emulator.releaseHeldResponses();
  });

  it('reset, seed, clock advance and state dump', async () => {
    const seeded = await control('/seed', { entities: { Customer: [{ DisplayName: 'Seeded Co' }] } });
    expect(seeded.data.created.Customer[0].Id).toBe('1');
    const before = h.clock.now().getTime();
    const clock = await control('/clock/advance', { ms: 1000 });
    expect(Date.parse(clock.data.now)).toBe(before + 1000);
    const dump = await axios.get(`${h.info.url}/__emulator/state`);
    expect(dump.data.entities.Customer[0].DisplayName).toBe('Seeded Co');
    await control('/reset', {});
    expect((await axios.get(`${h.info.url}/__emulator/state`)).data.entities.Customer).toEqual([]);
    expect((await control('/faults', { kind: 'nope' }).catch((e: any) => e.response)).status).toBe(400);
  });
});

describe('webhooks', () => {
  it('CloudEvents by default, signed with intuit-signature over the raw body', async () => {
    await axios.post(`${h.info.url}/__emulator/webhook-target`, { url: receiverUrl, format: 'cloudevents' });
    const c = await h.call('createCustomer', { DisplayName: 'Hook Co' });
    await h.emulator.flushWebhooks();
    expect(received).toHaveLength(1);
    const { body, signature } = received[0]!;
    expect(signature).toBe(sign(body));
    expect(JSON.parse(body)).toEqual([
      expect.objectContaining({
        specversion: '1.0',
        type: 'qbo.customer.created.v1',
        intuitentityid: c.Id,
        intuitaccountid: h.info.realmId,
        datacontenttype: 'application/json',
        data: {},
      }),
    ]);
  });

  it('legacy payloads; retried on non-200 on the emulator clock', async () => {
    h.emulator.setWebhookTarget({ url: receiverUrl, format: 'legacy' });
    answer = 500;
    const createdAt = h.clock.now().toISOString();
    const c = await h.call('createCustomer', { DisplayName: 'Retry Co' });
    await h.emulator.flushWebhooks();
    expect(received).toHaveLength(1);
    answer = 200;
    await h.emulator.flushWebhooks();
    expect(received).toHaveLength(1);
    h.emulator.advanceClock(10_000);
    await h.emulator.flushWebhooks();
    expect(received).toHaveLength(2);
    expect(JSON.parse(received[1]!.body)).toEqual({
      eventNotifications: [
        { realmId: h.info.realmId, dataChangeEvent: { entities: [{ id: c.Id, operation: 'Create', name: 'Customer', lastUpdated: createdAt }] } },
      ],
    });
    h.emulator.advanceClock(3600_000);
    await h.emulator.flushWebhooks();
    expect(received).toHaveLength(2);
  });

  it('void, delete, emailed and payment side effects notify; dropped webhooks are lost', async () => {
    h.emulator.setWebhookTarget({ url: receiverUrl, format: 'cloudevents' });
    const c = await h.call('createCustomer', { DisplayName: 'Events Co' });
    const inv = await h.call('createInvoice', {
      CustomerRef: { value: c.Id },
      Line: [{ DetailType: 'SalesItemLineDetail', Amount: 10, SalesItemLineDetail: { ItemRef: { value: '1' } } }],
    });
    await h.call('createPayment', { CustomerRef: { value: c.Id }, TotalAmt: 10, Line: [{ Amount: 10, LinkedTxn: [{ TxnId: inv.Id, TxnType: 'Invoice' }] }] });
    await h.call('sendInvoicePdf', inv.Id, 'x@events.example');
    await h.emulator.flushWebhooks();
    const types = received.flatMap((r) => JSON.parse(r.body).map((e: any) => e.type));
    expect(types).toEqual(['qbo.customer.created.v1', 'qbo.invoice.created.v1', 'qbo.payment.created.v1', 'qbo.invoice.updated.v1', 'qbo.invoice.emailed.v1']);
    received.length = 0;
    h.emulator.dropWebhooks(true);
    await h.call('createCustomer', { DisplayName: 'Lost Co' });
    await h.emulator.flushWebhooks();
    expect(received).toHaveLength(0);
    expect(h.emulator.droppedWebhooks).toHaveLength(1);
  });
});
