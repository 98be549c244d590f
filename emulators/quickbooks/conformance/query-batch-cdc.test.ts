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
