import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import QuickBooks from 'node-quickbooks';
import { ManualClock } from '../../emulators/shared/clock';
import { startQuickBooksEmulator, type StartedQuickBooksEmulator } from '../../emulators/quickbooks/start';
import { silentLogger } from '../log';
import { createQboClient, qboQuote, type QboAuth, type QboBatchCreate, type QboCall, type QboClientOptions } from './client';
import { qboApiBase } from './endpoints';
import { QboApiError } from './errors';
import { QBO_BATCH_LIMITS, QboRateLimiter } from './rate-limiter';
import { rejection } from '../../tests/helpers/rejection';

const clock = new ManualClock('2026-03-02T17:00:00.000Z');
let qbo: StartedQuickBooksEmulator;
let delays: number[];
let calls: QboCall[];

beforeAll(async () => {
  qbo = await startQuickBooksEmulator({ port: 0, clock, sleep: async () => undefined });
});
afterAll(() => qbo.close());
beforeEach(() => {
  qbo.emulator.reset();
  delays = [];
  calls = [];
});

const fixedAuth = (token = qbo.emulator.info().accessToken): QboAuth => ({
  accessToken: async () => token,
  refresh: async () => {
    throw new Error('no refresh expected');
  },
});

function client(overrides: Partial<QboClientOptions> = {}) {
  return createQboClient({
    realmId: qbo.info.realmId,
    endpoint: qboApiBase(qbo.info.url),
    clientId: qbo.info.clientId,
    clientSecret: qbo.info.clientSecret,
    auth: fixedAuth(),
    log: silentLogger,
    limiter: new QboRateLimiter(),
    retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 10_000 },
    // Backoff is recorded, never waited for.
    sleep: async (ms) => {
      delays.push(ms);
    },
    random: () => 0.5,
    now: () => clock.now(),
    onCall: (c) => calls.push(c),
    ...overrides,
  });
}

const invoiceBody = (customerId: string, amount = 300) => ({
  CustomerRef: { value: customerId },
  Line: [{ DetailType: 'SalesItemLineDetail', Amount: amount, SalesItemLineDetail: { ItemRef: { value: '1' }, Qty: 2, UnitPrice: amount / 2 } }],
});

const customersNamed = (name: string) => [...(qbo.emulator.state.entities.get('Customer')?.values() ?? [])].filter((c) => c.DisplayName === name);

const failure = (p: Promise<unknown>) => rejection(p, QboApiError);

describe('CRUD, query and CDC through node-quickbooks', () => {
  it('creates, reads, sparse-updates and queries customers, items, invoices, payments and accounts', async () => {
    const c = client();
    const created = await c.create(
      'Customer',
      { DisplayName: "O'Brien & Sons #1", PrimaryEmailAddr: { Address: 'ob@x.example' }, BillAddr: { Line1: '1 Main St', City: 'Austin' } },
      { requestId: 'create-obrien' },
    );
    expect(created).toMatchObject({ DisplayName: "O'Brien & Sons #1", SyncToken: '0', Active: true });
    expect(typeof created.Id).toBe('string');
    expect(created.MetaData?.CreateTime).toEqual(expect.any(String));

    const read = await c.get('Customer', created.Id);
    expect(read.PrimaryEmailAddr?.Address).toBe('ob@x.example');

    const updated = await c.update('Customer', { Id: read.Id, SyncToken: read.SyncToken, PrimaryEmailAddr: { Address: 'new@x.example' } });
    expect(updated.SyncToken).toBe('1');
    // Sparse by default: the address survives.
    expect(updated.BillAddr?.City).toBe('Austin');

    const found = await c.query('Customer', `DisplayName = ${qboQuote("O'Brien & Sons #1")}`);
    expect(found.map((x) => x.Id)).toEqual([created.Id]);
    expect(await c.query('Customer', `DisplayName = ${qboQuote('nobody')}`)).toEqual([]);

    const [income] = await c.query('Account', `AccountType = ${qboQuote('Income')}`, { orderBy: 'Id' });
    expect(income?.Name).toBe('Services');
    const item = await c.create(
      'Item',
      { Name: 'Widget', Sku: 'W-1', Type: 'Service', UnitPrice: 12.5, IncomeAccountRef: { value: income?.Id ?? '' } },
      { requestId: 'create-widget' },
    );
    expect(item).toMatchObject({ Name: 'Widget', Sku: 'W-1', UnitPrice: 12.5 });

    const invoice = await c.create('Invoice', invoiceBody(created.Id), { requestId: 'create-invoice-1' });
    expect(invoice).toMatchObject({ TotalAmt: 300, Balance: 300, CustomerRef: { value: created.Id } });
    const payment = await c.create(
      'Payment',
      { CustomerRef: { value: created.Id }, TotalAmt: 100, Line: [{ Amount: 100, LinkedTxn: [{ TxnId: invoice.Id, TxnType: 'Invoice' }] }] },
      { requestId: 'create-payment-1' },
    );
    expect(payment.TotalAmt).toBe(100);
    expect((await c.get('Invoice', invoice.Id)).Balance).toBe(200);
    expect(await c.query('Payment', `CustomerRef = ${qboQuote(created.Id)}`)).toHaveLength(1);

    expect((await c.companyInfo()).CompanyName).toBe('Emulated Company US');
    expect((await c.preferences()).CurrencyPrefs?.HomeCurrency?.value).toBe('USD');
  });

  it('pages through every result, 1,000 at a time from position 1, and includes inactive records only when asked', async () => {
    const rows = Array.from({ length: 2_050 }, (_, i) => ({ DisplayName: `Bulk ${String(i).padStart(4, '0')}` }));
    qbo.emulator.seed({ entities: { Customer: rows } });
    const c = client();
    const all = await c.query('Customer', undefined, { orderBy: 'Id' });
    expect(all).toHaveLength(2_050);
    expect(new Set(all.map((x) => x.Id)).size).toBe(2_050);
    expect(calls.filter((x) => x.operation === 'query')).toHaveLength(3);

    const first = all[0];
    if (!first) throw new Error('no customer');
    await c.update('Customer', { Id: first.Id, SyncToken: first.SyncToken, Active: false });
    const where = `DisplayName = ${qboQuote(first.DisplayName)}`;
    expect(await c.query('Customer', where)).toEqual([]);
    expect((await c.query('Customer', where, { includeInactive: true }))[0]?.Active).toBe(false);
  });

  it('CDC returns changed entities and deletion tombstones, and refuses windows beyond 30 days without calling', async () => {
    const c = client();
    const old = await c.create('Customer', { DisplayName: 'Before' }, { requestId: 'cdc-before' });
    clock.advance(60_000);
    const since = clock.now();
    clock.advance(1_000);
    const fresh = await c.create('Customer', { DisplayName: 'After' }, { requestId: 'cdc-after' });
    const invoice = await c.create('Invoice', invoiceBody(old.Id), { requestId: 'cdc-invoice' });
    // The adapter has no delete (deletes are not propagated by default); delete through node-quickbooks itself.
    const raw = new QuickBooks(
      qbo.info.clientId,
      qbo.info.clientSecret,
      qbo.emulator.info().accessToken,
      false,
      qbo.info.realmId,
      true,
      false,
      '75',
      '2.0',
      null,
    );
    raw.endpoint = qboApiBase(qbo.info.url);
    await new Promise((resolve, reject) =>
      raw.deleteInvoice({ Id: invoice.Id, SyncToken: invoice.SyncToken }, (e: unknown) => (e ? reject(e) : resolve(undefined))),
    );

    const changes = await c.cdc(['Customer', 'Invoice'], since);
    expect(changes.Customer.map((x) => x.Id)).toEqual([fresh.Id]);
    expect(changes.Invoice).toEqual([expect.objectContaining({ Id: invoice.Id, status: 'Deleted' })]);

    const before = c.calls;
    const e = await failure(c.cdc(['Customer'], new Date(clock.now().getTime() - 31 * 24 * 3600 * 1000)));
    expect(e.kind).toBe('validation');
    expect(c.calls).toBe(before);
  });
});

describe('terms, tax codes and e-mailing an invoice', () => {
  it("reads payment terms and a global company's tax codes; sends an invoice to an address with a +", async () => {
    const c = client();
    expect((await c.query('Term')).map((t) => [t.Name, t.DueDays])).toEqual([
      ['Due on receipt', 0],
      ['Net 15', 15],
      ['Net 30', 30],
      ['Net 60', 60],
    ]);
    const customer = await c.create('Customer', { DisplayName: 'Mail Co' }, { requestId: 'mail-co' });
    const invoice = await c.create('Invoice', invoiceBody(customer.Id), { requestId: 'mail-invoice' });
    expect(invoice.EmailStatus).toBe('NotSet');
    const sent = await c.sendInvoice(invoice.Id, 'ap+invoices@mail.example');
    expect(sent).toMatchObject({ Id: invoice.Id, EmailStatus: 'EmailSent', BillEmail: { Address: 'ap+invoices@mail.example' } });
    expect(calls.at(-1)).toMatchObject({ operation: 'send', outcome: 'ok' });

    qbo.emulator.reset('non-us');
    expect((await client().query('TaxCode')).map((t) => t.Name)).toEqual(['20.0% S', '5.0% R', '0.0% Z']);
    qbo.emulator.reset('us');
  });
});

describe('the change feed (changedSince)', () => {
  const collect = async (pages: AsyncGenerator<{ entity: string; rows: { Id: string }[]; source: string }>, between?: (n: number) => Promise<void>) => {
    const seen: { id: string; source: string }[] = [];
    let n = 0;
    for await (const page of pages) {
      seen.push(...page.rows.map((r) => ({ id: r.Id, source: page.source })));
      await between?.(++n);
    }
    return seen;
  };

  it('answers from one CDC call inside its window, tombstones included', async () => {
    const c = client();
    const since = clock.now();
    clock.advance(1_000);
    const a = await c.create('Customer', { DisplayName: 'Fed A' }, { idempotencyKey: 'feed-a' });
    const seen = await collect(c.changedSince(['Customer', 'Invoice'], since));
    expect(seen).toEqual([{ id: a.Id, source: 'cdc' }]);
    expect(calls.map((x) => x.operation)).toEqual(['create', 'cdc']);
  });

  it('pages a LastUpdatedTime query on (LastUpdatedTime, Id) when CDC is full: ties past a page and records updated mid-walk are never skipped', async () => {
    // 1,050 customers stamped in the same second (an import): more than a page share one LastUpdatedTime.
    const since = clock.now();
    qbo.emulator.seed({ entities: { Customer: Array.from({ length: 1_050 }, (_, i) => ({ DisplayName: `Tie ${String(i).padStart(4, '0')}` })) } });
    const everyone = [...qbo.emulator.state.entities.get('Customer')!.keys()];
    const c = client();
    const accountant = client({ onCall: () => undefined });
    const seen = await collect(c.changedSince(['Customer'], since), async (page) => {
      if (page !== 1) return;
      // Someone edits a customer the walk has already passed, and one it has not reached: both move to the end.
      clock.advance(2_000);
      for (const id of [everyone[3]!, everyone[1_020]!]) {
        const current = await accountant.get('Customer', id);
        await accountant.update('Customer', { Id: id, SyncToken: current.SyncToken, sparse: true, Notes: 'edited mid-walk' });
      }
    });
    expect(seen.every((s) => s.source === 'query')).toBe(true);
    expect(new Set(seen.map((s) => s.id))).toEqual(new Set(everyone));
    // The record edited after it was read comes back with its new version; nothing else is read twice.
    expect(seen.filter((s) => s.id === everyone[3]).length).toBe(2);
    expect(seen.length).toBe(everyone.length + 1);
    expect(calls.filter((x) => x.operation === 'cdc')).toHaveLength(1);
  });

  it('beyond the 30-day window goes straight to the query, inactive records included', async () => {
    const c = client();
    const gone = await c.create('Customer', { DisplayName: 'Made inactive' }, { idempotencyKey: 'feed-inactive' });
    await c.update('Customer', { Id: gone.Id, SyncToken: gone.SyncToken, sparse: true, Active: false });
    calls = [];
    const seen = await collect(c.changedSince(['Customer'], new Date(clock.now().getTime() - 40 * 24 * 3600 * 1000)));
    expect(seen.map((s) => s.id)).toContain(gone.Id);
    expect(calls.some((x) => x.operation === 'cdc')).toBe(false);
  });

  it('reads many ids at once, inactive ones included, and leaves out the ones QBO does not have', async () => {
    const c = client();
    const made = await Promise.all(Array.from({ length: 150 }, (_, i) => c.create('Customer', { DisplayName: `Many ${i}` }, { idempotencyKey: `many-${i}` })));
    await c.update('Customer', { Id: made[0]!.Id, SyncToken: made[0]!.SyncToken, sparse: true, Active: false });
    calls = [];
    const found = await c.readMany('Customer', [...made.map((m) => m.Id), '999999']);
    expect(found.size).toBe(150);
    expect(found.get(made[0]!.Id)?.Active).toBe(false);
    expect(calls.filter((x) => x.operation === 'query')).toHaveLength(2);
  });

  it('derives a create request id from the key and the exact body', async () => {
    const c = client();
    const first = await c.create('Customer', { DisplayName: 'Keyed' }, { idempotencyKey: 'contact-1' });
    expect((await c.create('Customer', { DisplayName: 'Keyed' }, { idempotencyKey: 'contact-1' })).Id).toBe(first.Id);
    const renamed = await c.create('Customer', { DisplayName: 'Keyed (2)' }, { idempotencyKey: 'contact-1' });
    expect(renamed.Id).not.toBe(first.Id);
  });
});

describe('idempotent creates', () => {
  it('repeating a requestId returns the first result instead of a duplicate', async () => {
    const c = client();
    const a = await c.create('Customer', { DisplayName: 'Once' }, { requestId: 'same-request' });
    const b = await c.create('Customer', { DisplayName: 'Once' }, { requestId: 'same-request' });
    expect(b.Id).toBe(a.Id);
    expect(customersNamed('Once')).toHaveLength(1);
  });

  it('a create whose response is lost (timeout after QBO executed it) is retried without duplicating', async () => {
    // The emulator runs the create, then holds its response; the client gives up and retries with the same requestid.
    qbo.emulator.injectFault({ kind: 'timeout', method: 'POST', pathIncludes: '/customer' });
    const c = client({ timeoutMs: 100 });
    const created = await c.create('Customer', { DisplayName: 'Lost response' }, { requestId: 'lost-response-1' });
    expect(calls.map((x) => x.outcome)).toEqual(['timeout', 'ok']);
    expect(customersNamed('Lost response')).toEqual([expect.objectContaining({ Id: created.Id })]);
  });
});

describe('batch creates', () => {
  const creates = (n: number, prefix: string): QboBatchCreate[] =>
    Array.from({ length: n }, (_, i) => ({ idempotencyKey: `${prefix}-${i}`, body: { DisplayName: `${prefix} ${i}` } }));
  const customerCount = () => qbo.emulator.state.entities.get('Customer')?.size ?? 0;
  /** Waits move the emulator's clock, as real waits would. */
  const clockSleep = async (ms: number) => {
    delays.push(ms);
    clock.advance(ms);
  };
  /** A client that does not pace its batches, to meet the emulator's own throttle. */
  const unpaced = (overrides: Partial<QboClientOptions> = {}) =>
    client({ batchLimiter: new QboRateLimiter({ limits: { maxInFlight: 10, perMinute: 1_000 } }), sleep: clockSleep, ...overrides });

  it('answers item by item: a fault fails only its own create', async () => {
    const before = customerCount();
    const items = creates(3, 'Item');
    items[1] = { idempotencyKey: 'Item-colon', body: { DisplayName: 'Item: 1' } };
    items.push({ idempotencyKey: 'Item-dup', body: { DisplayName: 'Item 0' } });
    const results = await client().createMany('Customer', items);
    expect(results.map((r) => (r.ok ? r.entity.DisplayName : r.error.code))).toEqual(['Item 0', '2010', 'Item 2', '6240']);
    expect(results[3]).toMatchObject({ ok: false, error: { kind: 'duplicate_name' } });
    expect(customerCount()).toBe(before + 2);
    expect(calls).toEqual([{ operation: 'batch', entity: 'Customer', attempt: 1, outcome: 'ok' }]);
    expect(qbo.emulator.metering()).toEqual({ reads: 0, writes: 4 });
  });

  it('sends at most 30 creates a request', async () => {
    const results = await client().createMany('Customer', creates(61, 'Split'));
    expect(results.filter((r) => r.ok)).toHaveLength(61);
    expect(calls.map((c) => c.operation)).toEqual(['batch', 'batch', 'batch']);
  });

  it('a batch whose answer is lost is sent again with its requestid and creates nothing twice', async () => {
    // The emulator runs the batch, then holds its answer; the client gives up and sends the same batch again.
    qbo.emulator.injectFault({ kind: 'timeout', method: 'POST', pathIncludes: '/batch' });
    const before = customerCount();
    const results = await client({ timeoutMs: 100 }).createMany('Customer', creates(5, 'Lost'));
    expect(calls.map((x) => x.outcome)).toEqual(['timeout', 'ok']);
    expect(customerCount()).toBe(before + 5);
    // Run again, each item would have met its own name (6240): the second answer is the first one, replayed.
    expect(results.map((r) => r.ok && r.entity.DisplayName)).toEqual(['Lost 0', 'Lost 1', 'Lost 2', 'Lost 3', 'Lost 4']);
    qbo.emulator.releaseHeldResponses();
  });

  it("a batch past the emulator's 40 a minute gets its 429 and is sent again once the minute has passed", async () => {
    qbo.emulator.limits.batchPerMinute = 2;
    const c = unpaced();
    await c.createMany('Customer', creates(60, 'Paced'));
    clock.advance(59_800);
    const before = customerCount();
    const results = await c.createMany('Customer', creates(3, 'Third'));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(calls.slice(2).map((x) => x.outcome)).toEqual(['rate_limited', 'rate_limited', 'rate_limited', 'ok']);
    expect(delays).toEqual([50, 100, 200]);
    expect(customerCount()).toBe(before + 3);
    qbo.emulator.limits.batchPerMinute = 40;
  });

  it('paces its own batches at 40 a minute, so the 41st waits instead of meeting a 429', async () => {
    const limiterClock = { now: () => clock.now().getTime(), sleep: clockSleep };
    const c = client({ batchLimiter: new QboRateLimiter({ clock: limiterClock, limits: QBO_BATCH_LIMITS }), sleep: clockSleep });
    const started = clock.now().getTime();
    const results = await c.createMany('Customer', creates(41 * 30, 'Steady'));
    expect(results.filter((r) => r.ok)).toHaveLength(41 * 30);
    expect(calls.every((x) => x.outcome === 'ok')).toBe(true);
    expect(calls).toHaveLength(41);
    expect(clock.now().getTime() - started).toBe(60_000);
  });
});

describe('retries', () => {
  it('honours Retry-After on 429', async () => {
    qbo.emulator.injectFault({ kind: '429', count: 2, retryAfterSeconds: 7 });
    const c = client();
    expect((await c.companyInfo()).CompanyName).toBe('Emulated Company US');
    expect(delays).toEqual([7_000, 7_000]);
    expect(calls.map((x) => x.outcome)).toEqual(['rate_limited', 'rate_limited', 'ok']);
  });

  it('backs off exponentially with full jitter on an XML 429 without Retry-After, 500 and 503', async () => {
    qbo.emulator.injectFault({ kind: '429-xml' });
    qbo.emulator.injectFault({ kind: '500' });
    qbo.emulator.injectFault({ kind: '503' });
    const c = client();
    await c.preferences();
    // random() = 0.5 of min(maxDelay, 100 * 2^(attempt-1)).
    expect(delays).toEqual([50, 100, 200]);
    expect(calls.map((x) => x.outcome)).toEqual(['rate_limited', 'unavailable', 'unavailable', 'ok']);
  });

  it('gives up after maxAttempts, and at once when Retry-After exceeds the retry budget', async () => {
    qbo.emulator.injectFault({ kind: '503', count: 10 });
    const e = await failure(client().get('Customer', '1'));
    expect(e).toMatchObject({ kind: 'unavailable', status: 503, retryable: true });
    expect(calls).toHaveLength(4);
    expect(delays).toHaveLength(3);

    qbo.emulator.clearFaults();
    calls = [];
    delays = [];
    qbo.emulator.injectFault({ kind: '429', retryAfterSeconds: 3_600 });
    const slow = await failure(client().preferences());
    expect(slow).toMatchObject({ kind: 'rate_limited', code: '3001', retryAfterMs: 3_600_000 });
    expect(calls).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('never retries validation faults: duplicate name (6240), stale SyncToken (5010), required field (2020), not found (610)', async () => {
    const c = client();
    const first = await c.create('Customer', { DisplayName: 'Taken' }, { requestId: 'taken-1' });
    const dup = await failure(c.create('Customer', { DisplayName: 'Taken' }, { requestId: 'taken-2' }));
    expect(dup).toMatchObject({ kind: 'duplicate_name', code: '6240', status: 400, retryable: false });
    expect(dup.userMessage).toMatch(/already uses this name/);

    await c.update('Customer', { Id: first.Id, SyncToken: first.SyncToken, Notes: 'one' });
    const stale = await failure(c.update('Customer', { Id: first.Id, SyncToken: first.SyncToken, Notes: 'two' }));
    expect(stale).toMatchObject({ kind: 'stale_object', code: '5010' });

    qbo.emulator.injectFault({ kind: 'stale-sync-token' });
    const current = await c.get('Customer', first.Id);
    expect(await failure(c.update('Customer', { Id: current.Id, SyncToken: current.SyncToken, Notes: 'three' }))).toMatchObject({ kind: 'stale_object' });

    const required = await failure(c.create('Invoice', { CustomerRef: { value: first.Id }, Line: [] }, { requestId: 'no-lines' }));
    expect(required).toMatchObject({ kind: 'validation', code: '2020' });
    expect(required.userMessage).toMatch(/^QuickBooks rejected the record: .*Line/);

    expect(await failure(c.get('Customer', '99999'))).toMatchObject({ kind: 'not_found', code: '610' });
    expect(delays).toEqual([]);
    expect(calls.filter((x) => x.outcome !== 'ok').map((x) => x.outcome)).toEqual([
      'duplicate_name',
      'stale_object',
      'stale_object',
      'validation',
      'not_found',
    ]);
  });
});

describe('401 and token refresh', () => {
  it('refreshes once with the rejected token, then retries', async () => {
    const rejected: string[] = [];
    const auth: QboAuth = {
      accessToken: async () => 'expired-token',
      refresh: async (token) => {
        rejected.push(token);
        return qbo.emulator.issueTokens().access_token;
      },
    };
    const c = client({ auth });
    expect((await c.companyInfo()).Id).toBe('1');
    expect(rejected).toEqual(['expired-token']);
    expect(calls.map((x) => x.outcome)).toEqual(['reauth_required', 'ok']);
  });

  it('a second 401 after refreshing is reauth_required, with no further refresh', async () => {
    let refreshes = 0;
    const auth: QboAuth = {
      accessToken: async () => 'revoked-1',
      refresh: async () => {
        refreshes += 1;
        return 'revoked-2';
      },
    };
    const e = await failure(client({ auth }).get('Customer', '1'));
    expect(e).toMatchObject({ kind: 'reauth_required', status: 401, code: '3200', retryable: false });
    expect(e.userMessage).toMatch(/Reconnect QuickBooks/);
    expect(refreshes).toBe(1);
    expect(calls).toHaveLength(2);
  });
});
