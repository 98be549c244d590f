import axios from 'axios';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { invoiceBody, startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
beforeEach(() => {
  h.emulator.reset();
  h.qbo.token = h.emulator.info().accessToken;
});
afterAll(() => h.close());

const api = (path: string) => `${h.info.url}/v3/company/${h.info.realmId}${path}`;
const auth = () => ({ Authorization: `Bearer ${h.qbo.token}` });
const rawQuery = (q: string) => axios.get(api(`/query?query=${encodeURIComponent(q)}`), { headers: auth(), validateStatus: () => true });

describe('query language', () => {
  beforeEach(async () => {
    for (const [name, email] of [
      ["O'Brien & Sons", 'ob@x.example'],
      ['Acme', 'a@x.example'],
      ['Zeta', 'z@x.example'],
    ]) {
      await h.call('createCustomer', { DisplayName: name, PrimaryEmailAddr: { Address: email } });
    }
  });

  it('= with backslash escapes (node-quickbooks quoting and encoding), IN, LIKE, orderby, paging', async () => {
    expect((await h.call('findCustomers', { DisplayName: "O'Brien & Sons" })).QueryResponse.Customer).toHaveLength(1);
    expect((await h.call('findCustomers', { PrimaryEmailAddr: 'a@x.example' })).QueryResponse.Customer[0].DisplayName).toBe('Acme');
    const like = await h.call('findCustomers', [
      { field: 'DisplayName', value: '%e%', operator: 'LIKE' },
      { field: 'desc', value: 'DisplayName' },
    ]);
    expect(like.QueryResponse.Customer.map((c: any) => c.DisplayName)).toEqual(['Zeta', "O'Brien & Sons", 'Acme']);
    const page = await h.call('findCustomers', { asc: 'DisplayName', offset: 2, limit: 1 });
    expect(page.QueryResponse).toMatchObject({ startPosition: 2, maxResults: 1, Customer: [{ DisplayName: "O'Brien & Sons" }] });
    const ids = (await h.call('findCustomers', { Id: ['1', '3'] })).QueryResponse.Customer.map((c: any) => c.Id);
    expect(ids).toEqual(['1', '3']);
  });

  it('count(*), comparison operators on dates and money, MetaData, empty results without the entity key', async () => {
    expect((await h.call('findCustomers', { count: true })).QueryResponse).toEqual({ totalCount: 3 });
    await h.call('createInvoice', invoiceBody('1', 50, { TxnDate: '2026-01-10' }));
    await h.call('createInvoice', invoiceBody('2', 500, { TxnDate: '2026-02-10' }));
    const res = await rawQuery(
      "select * from Invoice where TxnDate >= '2026-02-01' and Balance > '100' and MetaData.LastUpdatedTime <= '2026-03-03T00:00:00-08:00'",
    );
    expect(res.data.QueryResponse.Invoice.map((i: any) => i.TotalAmt)).toEqual([500]);
    expect((await rawQuery("select * from Invoice where CustomerRef = '3'")).data.QueryResponse).toEqual({});
    expect(
      (await rawQuery('SELECT * FROM Invoice WHERE TotalAmt < 100 ORDERBY TxnDate DESC STARTPOSITION 1 MAXRESULTS 5')).data.QueryResponse.Invoice,
    ).toHaveLength(1);
  });

  it('POST /query with application/text', async () => {
    const res = await axios.post(api('/query'), "select * from Customer where DisplayName = 'Acme'", {
      headers: { ...auth(), 'Content-Type': 'application/text' },
    });
    expect(res.data.QueryResponse.Customer[0].DisplayName).toBe('Acme');
  });

  it.each([
    ['select Id from Customer', '4000'],
    ["select * from Customer where DisplayName = 'a' or DisplayName = 'b'", '4000'],
    ["select * from Customer where DisplayName = 'unterminated", '4000'],
    ['select * from Customer where DisplayName = ’Acme’', '4000'],
    ['select * from Customer maxresults 1001', '4001'],
    ["select * from Customer where Shoe = 'x'", '4001'],
    ['select * from Vendor', '4001'],
    ['select * from Customer group by DisplayName', '4000'],
  ])('%s → %s', async (q, code) => {
    const res = await rawQuery(q);
    expect(res.status).toBe(400);
    expect(res.data.Fault.Error[0].code).toBe(code);
  });
});

describe('batch', () => {
  it('runs items independently with per-item faults and HTTP 200', async () => {
    const res = await h.call('batch', [
      { bId: 'b1', operation: 'create', Customer: { DisplayName: 'Batch Co' } },
      { bId: 'b2', operation: 'create', Customer: { DisplayName: 'Batch Co' } },
      { bId: 'b3', Query: "select * from Item where Name = 'Services'" },
      { bId: 'b4', operation: 'create', Invoice: { CustomerRef: { value: '999' }, Line: invoiceBody('1').Line } },
    ]);
    const [b1, b2, b3, b4] = res.BatchItemResponse;
    expect(b1).toMatchObject({ bId: 'b1', Customer: { DisplayName: 'Batch Co', Id: expect.any(String) } });
    expect(b2).toMatchObject({ bId: 'b2', Fault: { type: 'ValidationFault', Error: [{ code: '6240' }] } });
    expect(b3.QueryResponse.Item[0].Name).toBe('Services');
    expect(b4.Fault.Error[0].code).toBe('2500');
  });

  it('voids a payment with optionsData void, and rejects more than 30 items', async () => {
    const c = await h.call('createCustomer', { DisplayName: 'BV Co' });
    const p = await h.call('createPayment', { CustomerRef: { value: c.Id }, TotalAmt: 10 });
    const res = await h.call('batch', [{ bId: 'v', operation: 'update', optionsData: 'void', Payment: { Id: p.Id, SyncToken: p.SyncToken, sparse: true } }]);
    expect(res.BatchItemResponse[0].Payment).toMatchObject({ TotalAmt: 0, PrivateNote: 'Voided' });
    const items = Array.from({ length: 31 }, (_, i) => ({ bId: `q${i}`, Query: 'select * from Term' }));
    const f = await h.fault('batch', items);
    expect(f.status).toBe(400);
    expect(f.body.Fault.type).toBe('ValidationFault');
  });
});

describe('batch limits, idempotency and metering', () => {
  const customers = (n: number, prefix: string) =>
    Array.from({ length: n }, (_, i) => ({ bId: `b${i}`, operation: 'create', Customer: { DisplayName: `${prefix} ${i}` } }));
  const customerCount = () => h.emulator.state.entities.get('Customer')?.size ?? 0;
  const rawBatch = (items: unknown[], requestId: string) =>
    axios.post(api(`/batch?requestid=${requestId}`), { BatchItemRequest: items }, { headers: auth(), validateStatus: () => true });

  it('takes 30 items and faults 31 before running any', async () => {
    const before = customerCount();
    expect((await h.call('batch', customers(30, 'Thirty'))).BatchItemResponse).toHaveLength(30);
    const f = await h.fault('batch', customers(31, 'ThirtyOne'));
    expect(f.status).toBe(400);
    expect(f.body.Fault).toMatchObject({ type: 'ValidationFault', Error: [{ code: '2010', element: 'BatchItemRequest' }] });
    expect(customerCount()).toBe(before + 30);
  });

  it('throttles the 41st batch request in a minute with the 3001 throttle fault, other calls still served', async () => {
    for (let i = 0; i < 40; i++) await h.call('batch', [{ bId: 'q', Query: 'select * from Term' }]);
    const f = await h.fault('batch', customers(1, 'Late'));
    expect(f.status).toBe(429);
    expect(f.body.Fault).toMatchObject({ type: 'SERVICE', Error: [{ code: '3001', Message: 'message=ThrottleExceeded; errorCode=003001; statusCode=429' }] });
    await h.call('getPreferences');
    h.clock.advance(60_000);
    expect((await h.call('batch', customers(1, 'Later'))).BatchItemResponse[0].Customer.DisplayName).toBe('Later 0');
  });

  it('counts a batch once against the 500 a minute by default, once per item with batchCost operation', async () => {
    h.emulator.limits.perMinute = 2;
    await h.call('batch', customers(30, 'Once'));
    await h.call('getPreferences');
    expect((await h.fault('getPreferences')).status).toBe(429);
    h.clock.advance(60_000);
    Object.assign(h.emulator.limits, { perMinute: 31, batchCost: 'operation' });
    await h.call('batch', customers(30, 'PerItem'));
    expect((await h.fault('batch', customers(2, 'Over'))).status).toBe(429);
    await h.call('getPreferences');
    expect((await h.fault('getPreferences')).status).toBe(429);
    Object.assign(h.emulator.limits, { perMinute: 500, batchCost: 'request' });
  });

  it('replays each item of a batch sent again with its requestid (node-quickbooks cannot send one for a batch)', async () => {
    const before = customerCount();
    const items = [...customers(2, 'Replay'), { bId: 'dup', operation: 'create', Customer: { DisplayName: 'Replay 0' } }];
    const first = await rawBatch(items, 'f0e1d2c3-b4a5-4697-8879-6a5b4c3d2e1f');
    expect(first.status).toBe(200);
    const again = await rawBatch(items, 'f0e1d2c3-b4a5-4697-8879-6a5b4c3d2e1f');
    expect(again.data.BatchItemResponse).toEqual(first.data.BatchItemResponse);
    expect(first.data.BatchItemResponse[2].Fault.Error[0].code).toBe('6240');
    expect(customerCount()).toBe(before + 2);
    const tooLong = await rawBatch(items, 'x'.repeat(37));
    expect(tooLong.status).toBe(400);
    const longBIds = await rawBatch([{ ...customers(1, 'Long')[0], bId: 'y'.repeat(36) }], 'z'.repeat(32));
    expect(longBIds.data.BatchItemResponse[0].Fault.Error[0]).toMatchObject({ code: '6000', Detail: expect.stringContaining('which is 68 characters') });
  });

  it('meters reads (query, read by id, CDC, batch queries) and writes (batch items each), not throttled calls', async () => {
    const control = () => axios.get(`${h.info.url}/__emulator/metering`).then((r) => r.data);
    expect(await control()).toEqual({ realmId: h.info.realmId, reads: 0, writes: 0 });
    const c = await h.call('createCustomer', { DisplayName: 'Metered' });
    await h.call('getCustomer', c.Id);
    await h.call('findCustomers', { DisplayName: 'Metered' });
    await h.call('changeDataCapture', ['Customer'], h.clock.now());
    await h.call('batch', [...customers(3, 'MB'), { bId: 'q', Query: 'select * from Term' }]);
    expect(await control()).toEqual({ realmId: h.info.realmId, reads: 4, writes: 4 });
    h.emulator.limits.perMinute = 1;
    h.clock.advance(60_000);
    await h.call('getPreferences');
    expect((await h.fault('getPreferences')).status).toBe(429);
    expect(h.emulator.metering()).toEqual({ reads: 5, writes: 4 });
    h.emulator.limits.perMinute = 500;
  });
});

describe('change data capture', () => {
  it('returns changed objects (inactive included) and tombstones since changedSince', async () => {
    const since = h.clock.now();
    h.clock.advance(1000);
    const c = await h.call('createCustomer', { DisplayName: 'CDC Co' });
    const inv = await h.call('createInvoice', invoiceBody(c.Id, 10));
    await h.call('deleteInvoice', { Id: inv.Id, SyncToken: inv.SyncToken });
    await h.call('updateCustomer', { Id: c.Id, SyncToken: c.SyncToken, Active: false });
    const res = await h.call('changeDataCapture', ['Customer', 'Invoice'], since);
    const [customers, invoices] = res.CDCResponse[0].QueryResponse;
    expect(customers.Customer).toEqual([expect.objectContaining({ Id: c.Id, Active: false })]);
    expect(invoices.Invoice).toEqual([{ Id: inv.Id, status: 'Deleted', domain: 'QBO', MetaData: { LastUpdatedTime: expect.any(String) } }]);
    const empty = await h.call('changeDataCapture', ['Payment'], h.clock.now());
    expect(empty.CDCResponse).toEqual([{ QueryResponse: [{}] }]);
  });

  it('rejects a window older than 30 days and caps a response at 1,000 objects', async () => {
    const f = await h.fault('changeDataCapture', ['Customer'], new Date(h.clock.now().getTime() - 31 * 24 * 3600 * 1000));
    expect(f.status).toBe(400);
    const since = h.clock.now();
    h.emulator.seed({ entities: { Customer: Array.from({ length: 1001 }, (_, i) => ({ DisplayName: `Bulk ${i}` })) } });
    const res = await h.call('changeDataCapture', ['Customer', 'Item'], since);
    expect(res.CDCResponse[0].QueryResponse[0].Customer).toHaveLength(1000);
  });
});
