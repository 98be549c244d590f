import { startHarness, type Harness } from '../../emulators/hubspot/conformance/harness';
import { silentLogger } from '../log';
import { createHubSpotClient, type HubSpotAuth, type HubSpotClientOptions, type PropertyDef } from './client';
import { HubSpotApiError } from './errors';
import { createHubSpotOAuth } from './oauth';
import { rejection } from '../../tests/helpers/rejection';

let h: Harness;
let sleeps: number[];

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  h.started.emulator.reset();
  // Search allows 5 requests/s on the emulator clock, which these tests do not move; the limit has its own test.
  h.started.emulator.setRateLimit({ searchPerSecond: 1_000_000, max: 1_000_000 });
  sleeps = [];
});

const staticAuth = (): HubSpotAuth => ({
  accessToken: async () => h.started.info.accessToken,
  refresh: async () => {
    throw new Error('refresh not expected');
  },
});

const client = (extra: Partial<HubSpotClientOptions> = {}) =>
  createHubSpotClient({
    basePath: h.started.info.url,
    auth: staticAuth(),
    log: silentLogger,
    retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 20_000 },
    // Recorded, never slept: the emulator clock moves instead, so its rate-limit windows pass.
    sleep: async (ms) => {
      sleeps.push(ms);
      h.clock.advance(ms);
    },
    random: () => 0.5,
    ...extra,
  });

const failure = (p: Promise<unknown>) => rejection(p, HubSpotApiError);

async function collect<T>(gen: AsyncGenerator<T[]>): Promise<T[][]> {
  const pages: T[][] = [];
  for await (const page of gen) pages.push(page);
  return pages;
}

describe('batch read / create / update / archive', () => {
  it('creates 250 contacts in 3 calls, in input order, then reads, updates and archives them in chunks of 100', async () => {
    const hs = client();
    const inputs = Array.from({ length: 250 }, (_, i) => ({ properties: { email: `c${i}@example.com`, firstname: `C${i}` } }));
    const created = await hs.create('contacts', inputs);
    expect(created).toHaveLength(250);
    expect(created.map((c) => c.properties.email)).toEqual(inputs.map((i) => i.properties.email));
    expect(created[0]!.createdAt).toBeInstanceOf(Date);
    expect(hs.stats().requests).toBe(3);

    const ids = created.map((c) => c.id);
    const read = await hs.read('contacts', [...ids, '999999991', '999999992'], ['email', 'firstname']);
    expect(read).toHaveLength(250);
    expect(new Set(read.map((r) => r.id))).toEqual(new Set(ids));
    expect(hs.stats().requests).toBe(6);

    const updated = await hs.update(
      'contacts',
      ids.map((id, i) => ({ id, properties: { firstname: `Updated${i}` } })),
    );
    expect(updated.map((u) => u.id)).toEqual(ids);
    expect(updated[249]!.properties.firstname).toBe('Updated249');
    expect(hs.stats().requests).toBe(9);

    await hs.archive('contacts', ids);
    expect(await hs.read('contacts', ids.slice(0, 5), ['email'])).toEqual([]);
  });

  it('creates line items with an association to their deal in the same call', async () => {
    const hs = client();
    const [deal] = await hs.create('deals', [{ properties: { dealname: 'Big', dealstage: 'appointmentscheduled', pipeline: 'default' } }]);
    const [li] = await hs.create('line_items', [
      { properties: { name: 'Widget', quantity: '2', price: '10' }, associations: [{ toType: 'deals', toId: deal!.id }] },
    ]);
    expect(await hs.associations('deals', deal!.id, 'line_items')).toEqual([li!.id]);
  });

  it('lists every record with after-paging, 100 per page', async () => {
    const hs = client();
    await hs.create(
      'products',
      Array.from({ length: 250 }, (_, i) => ({ properties: { name: `P${i}` } })),
    );
    const before = hs.stats().requests;
    const pages = await collect(hs.listAll('products', ['name']));
    expect(pages.map((p) => p.length)).toEqual([100, 100, 50]);
    expect(hs.stats().requests - before).toBe(3);
  });
});

describe('search', () => {
  it('returns every page of one filter group, and honours limit', async () => {
    const hs = client();
    await hs.create(
      'products',
      Array.from({ length: 450 }, (_, i) => ({ properties: { name: `P${i}`, price: String(i % 2 === 0 ? 5 : 50) } })),
    );
    const before = hs.stats().requests;
    const cheap = await hs.search('products', { filters: [{ propertyName: 'price', operator: 'LT', value: '10' }], properties: ['name', 'price'] });
    expect(cheap).toHaveLength(225);
    expect(cheap.every((p) => p.properties.price === '5')).toBe(true);
    expect(hs.stats().requests - before).toBe(2);
    const few = await hs.search('products', { filters: [{ propertyName: 'price', operator: 'EQ', value: '50' }], properties: ['name'], limit: 3 });
    expect(few).toHaveLength(3);
    const byIn = await hs.search('products', { filters: [{ propertyName: 'name', operator: 'IN', values: ['p1', 'p3'] }], properties: ['name'] });
    expect(byIn.map((p) => p.properties.name).sort()).toEqual(['P1', 'P3']);
  });

  it('walks modifiedSince past the 10,000-result window by re-anchoring; plain search refuses to truncate', async () => {
    const emu = h.started.emulator;
    const start = h.clock.now();
    // 10,050 products, 1 ms apart, created in-process (the HTTP API would take minutes).
    emu.silently(() => {
      for (let i = 0; i < 10_050; i++) {
        emu.records.create('products', { name: `Bulk ${i}` }, { changeSource: 'IMPORT' });
        h.clock.advance(1);
      }
    });
    const hs = client();
    const seen: string[] = [];
    let last = 0;
    for await (const page of hs.modifiedSince('products', start, ['name'])) {
      for (const p of page) {
        const t = Date.parse(p.properties.hs_lastmodifieddate!);
        expect(t).toBeGreaterThanOrEqual(last);
        last = t;
        seen.push(p.id);
      }
    }
    expect(seen).toHaveLength(10_050);
    expect(new Set(seen).size).toBe(10_050);
    const all = failure(
      hs.search('products', { filters: [{ propertyName: 'hs_lastmodifieddate', operator: 'GTE', value: String(start.getTime()) }], properties: ['name'] }),
    );
    expect(await all).toMatchObject({ kind: 'validation', category: 'SEARCH_WINDOW' });
  }, 60_000);

  it('uses lastmodifieddate for contacts and pages through records sharing one timestamp', async () => {
    const hs = client();
    const since = h.clock.now();
    // One batch create stamps all 250 with the same time: offsets are needed among equal timestamps.
    await hs.create(
      'contacts',
      Array.from({ length: 250 }, (_, i) => ({ properties: { email: `t${i}@example.com` } })),
    );
    const pages = await collect(hs.modifiedSince('contacts', since, ['email']));
    expect(pages.flat()).toHaveLength(250);
    expect(pages.flat()[0]!.properties.lastmodifieddate).toBeDefined();

    h.clock.advance(60_000);
    const checkpoint = h.clock.now();
    const [first] = pages.flat();
    h.clock.advance(1_000);
    h.started.emulator.editAsUser('contacts', first!.id, { firstname: 'Edited' });
    const changed = (await collect(hs.modifiedSince('contacts', checkpoint, ['firstname']))).flat();
    expect(changed.map((c) => [c.id, c.properties.firstname])).toEqual([[first!.id, 'Edited']]);
  });
});

describe('properties', () => {
  it('ensurePropertyGroup and ensureProperties are idempotent; existing properties are left alone', async () => {
    const hs = client();
    await hs.ensurePropertyGroup('deals', { name: 'qbo_invoice', label: 'QuickBooks invoice' });
    await hs.ensurePropertyGroup('deals', { name: 'qbo_invoice', label: 'QuickBooks invoice' });
    const defs: PropertyDef[] = [
      { name: 'qbo_invoice_number', label: 'QBO invoice number', type: 'string', fieldType: 'text', groupName: 'qbo_invoice' },
      {
        name: 'qbo_invoice_status',
        label: 'QBO invoice status',
        type: 'enumeration',
        fieldType: 'select',
        groupName: 'qbo_invoice',
        options: [
          { label: 'Paid', value: 'paid' },
          { label: 'Open', value: 'open' },
        ],
      },
      { name: 'qbo_due_date', label: 'QBO due date', type: 'date', fieldType: 'date', groupName: 'qbo_invoice', description: 'Due date in QuickBooks' },
    ];
    await hs.ensureProperties('deals', defs);
    const before = hs.stats().requests;
    await hs.ensureProperties('deals', defs);
    expect(hs.stats().requests - before).toBe(1);
    const [deal] = await hs.create('deals', [
      { properties: { dealname: 'D', dealstage: 'appointmentscheduled', pipeline: 'default', qbo_invoice_status: 'paid', qbo_due_date: '2026-02-01' } },
    ]);
    const [read] = await hs.read('deals', [deal!.id], ['qbo_invoice_status', 'qbo_due_date']);
    expect(read!.properties).toMatchObject({ qbo_invoice_status: 'paid', qbo_due_date: '2026-02-01' });
  });
});

describe('associations', () => {
  it('associates with the default type and with a label, readable from both sides', async () => {
    const hs = client();
    const [contact] = await hs.create('contacts', [{ properties: { email: 'assoc@example.com' } }]);
    const [deal] = await hs.create('deals', [{ properties: { dealname: 'A', dealstage: 'appointmentscheduled', pipeline: 'default' } }]);
    await hs.associate('deals', deal!.id, 'contacts', contact!.id);
    expect(await hs.associations('deals', deal!.id, 'contacts')).toEqual([contact!.id]);
    expect(await hs.associations('contacts', contact!.id, 'deals')).toEqual([deal!.id]);

    const [invoice] = await hs.create('invoices', [{ properties: { hs_currency: 'USD' } }]);
    await hs.associateLabelled('invoices', invoice!.id, 'deals', deal!.id, 175, 'HUBSPOT_DEFINED');
    expect(await hs.associations('deals', deal!.id, 'invoices')).toEqual([invoice!.id]);
    expect(await hs.associations('invoices', invoice!.id, 'deals')).toEqual([deal!.id]);
  });

  it("dissociates a pair in both directions, leaving the record's other associations; repeating it is harmless", async () => {
    const hs = client();
    const [first, second] = await hs.create('deals', [
      { properties: { dealname: 'First', dealstage: 'appointmentscheduled', pipeline: 'default' } },
      { properties: { dealname: 'Second', dealstage: 'appointmentscheduled', pipeline: 'default' } },
    ]);
    const [invoice] = await hs.create('invoices', [{ properties: { hs_currency: 'USD' }, associations: [{ toType: 'deals', toId: first!.id }] }]);
    await hs.associate('invoices', invoice!.id, 'deals', second!.id);

    await hs.dissociate('invoices', invoice!.id, 'deals', first!.id);
    expect(await hs.associations('invoices', invoice!.id, 'deals')).toEqual([second!.id]);
    expect(await hs.associations('deals', first!.id, 'invoices')).toEqual([]);
    expect(await hs.associations('deals', second!.id, 'invoices')).toEqual([invoice!.id]);

    await hs.dissociate('invoices', invoice!.id, 'deals', first!.id);
    expect(hs.stats()).toMatchObject({ retries: 0 });
  });
});

describe('batch writes answered per record', () => {
  it('one refused value fails that input only: its error in plain words, the others written, in input order', async () => {
    const hs = client();
    const created = await hs.createEach('contacts', [
      { properties: { email: 'ok1@example.com', phone: '555-0001' } },
      { properties: { email: 'bob@builder.dev, accounts@builder.dev' } },
      { properties: { email: 'ok2@example.com' } },
    ]);
    expect(created.map((o) => o.ok)).toEqual([true, false, true]);
    const [first, refused] = created;
    // The answer carries what was written, not only the default properties.
    expect(first!.ok && first!.record.properties).toMatchObject({ email: 'ok1@example.com', phone: '555-0001' });
    expect(!refused!.ok && refused!.error).toMatchObject({ kind: 'validation', detail: 'Email address bob@builder.dev, accounts@builder.dev is invalid' });
    expect(h.started.emulator.state.records.contacts.size).toBe(2);

    const ids = created.flatMap((o) => (o.ok ? [o.record.id] : []));
    const updated = await hs.updateEach('contacts', [
      { id: ids[0]!, properties: { email: 'not an address' } },
      { id: '987654321', properties: { firstname: 'Nobody' } },
      { id: ids[1]!, properties: { city: 'Oslo' } },
    ]);
    expect(updated.map((o) => (o.ok ? 'ok' : o.error.kind))).toEqual(['validation', 'not_found', 'ok']);
    expect(updated[2]!.ok && updated[2]!.record.properties).toMatchObject({ city: 'Oslo' });
    expect(hs.stats()).toMatchObject({ requests: 2, retries: 0 });
  });

  it('a batch refused whole is split until the refused input stands alone, and the others are written', async () => {
    const hs = client();
    const contacts = await hs.create(
      'contacts',
      Array.from({ length: 4 }, (_, i) => ({ properties: { email: `s${i}@example.com` } })),
    );
    // Three whole-batch refusals: 4 inputs, then the first 2, then the first 1.
    h.started.emulator.injectFault({
      path: '/crm/v3/objects/contacts/batch/update',
      status: 400,
      body: { message: 'Property values were not valid', category: 'VALIDATION_ERROR' },
      times: 3,
    });
    const outcomes = await hs.updateEach(
      'contacts',
      contacts.map((c) => ({ id: c.id, properties: { city: 'Bergen' } })),
    );
    expect(outcomes.map((o) => o.ok)).toEqual([false, true, true, true]);
    expect(hs.stats().requests).toBe(1 + 5);
  });
});

describe('retries and error classification', () => {
  it('retries 429 honouring Retry-After, then succeeds', async () => {
    h.started.emulator.injectFault({ path: '/crm/v3/objects/contacts/batch/create', status: 429, headers: { 'Retry-After': '3' }, times: 2 });
    const hs = client();
    const created = await hs.create('contacts', [{ properties: { email: 'r@example.com' } }]);
    expect(created).toHaveLength(1);
    expect(sleeps).toEqual([3_000, 3_000]);
    expect(hs.stats()).toMatchObject({ requests: 3, retries: 2 });
  });

  it('uses the rate-limit window when a 429 has no Retry-After, and 1 s for the search limit', async () => {
    h.started.emulator.injectFault({
      path: '/crm/v3/objects/contacts',
      method: 'GET',
      status: 429,
      body: { policyName: 'TEN_SECONDLY_ROLLING' },
      headers: { 'X-HubSpot-RateLimit-Remaining': '0', 'X-HubSpot-RateLimit-Interval-Milliseconds': '10000' },
    });
    const hs = client();
    await collect(hs.listAll('contacts', ['email']));
    h.started.emulator.setRateLimit({ searchPerSecond: 1 });
    await hs.search('contacts', { filters: [], properties: [] });
    await hs.search('contacts', { filters: [], properties: [] });
    expect(sleeps).toEqual([10_000, 1_000]);
  });

  it('retries 5xx with exponential backoff and full jitter, and gives up after maxAttempts', async () => {
    h.started.emulator.injectFault({ path: '/crm/v3/objects/deals/batch/read', status: 502, times: 2 });
    const hs = client();
    expect(await hs.read('deals', ['1'], ['dealname'])).toEqual([]);
    // random() = 0.5 of min(maxDelay, 100 · 2^(attempt-1))
    expect(sleeps).toEqual([50, 100]);
    h.started.emulator.injectFault({ path: '/crm/v3/objects/deals/batch/read', status: 503, times: 10 });
    const err = await failure(hs.read('deals', ['1'], ['dealname']));
    expect(err).toMatchObject({ kind: 'unavailable', status: 503, retryable: true });
    expect(sleeps).toEqual([50, 100, 50, 100, 200]);
  });

  it('classifies 400, 404 and 409 without retrying them', async () => {
    const hs = client();
    // Inputs carry objectWriteTraceIds, so HubSpot answers a refused input inside a 207.
    const bad = await failure(hs.create('contacts', [{ properties: { no_such_property: 'x' } }]));
    expect(bad).toMatchObject({ kind: 'validation', status: 207, category: 'VALIDATION_ERROR', retryable: false });
    expect(bad.detail).toBe('Property "no_such_property" does not exist');
    expect(bad.userMessage).toMatch(/rejected a value/);

    await hs.create('contacts', [{ properties: { email: 'dup@example.com' } }]);
    const dup = await failure(hs.create('contacts', [{ properties: { email: 'dup@example.com' } }]));
    expect(dup).toMatchObject({ kind: 'conflict', category: 'CONFLICT' });

    const gone = await failure(hs.update('contacts', [{ id: '987654321', properties: { firstname: 'x' } }]));
    expect(gone).toMatchObject({ kind: 'not_found', category: 'OBJECT_NOT_FOUND' });
    expect(gone.detail).toContain('987654321');

    h.started.emulator.injectFault({ path: '/crm/v4/objects/deals', status: 404, body: { message: 'no such deal', category: 'OBJECT_NOT_FOUND' }, times: 3 });
    const missing = await failure(hs.associations('deals', '1', 'contacts'));
    expect(missing).toMatchObject({ kind: 'not_found', status: 404 });
    expect(sleeps).toEqual([]);
    expect(hs.stats().retries).toBe(0);
  });

  it('classifies 403 missing scopes as forbidden', async () => {
    const limited = h.started.emulator.issueToken(['oauth', 'crm.objects.contacts.read']);
    const hs = client({ auth: { accessToken: async () => limited.accessToken, refresh: staticAuth().refresh } });
    expect(await failure(hs.read('deals', ['1'], []))).toMatchObject({ kind: 'forbidden', status: 403, category: 'MISSING_SCOPES' });
  });

  it('treats a refused connection as unavailable and retries it', async () => {
    const hs = client({ basePath: 'http://127.0.0.1:9' });
    expect(await failure(hs.read('deals', ['1'], []))).toMatchObject({ kind: 'unavailable', status: undefined });
    expect(sleeps).toHaveLength(3);
  });
});

describe('401 → refresh → retry', () => {
  const oauth = () =>
    createHubSpotOAuth({
      clientId: h.started.info.clientId,
      clientSecret: h.started.info.clientSecret,
      redirectUri: 'https://app.example.com/oauth/callback',
      basePath: h.started.info.url,
      scopes: ['oauth'],
    });

  it('refreshes once with the rejected token and retries', async () => {
    const rejected: string[] = [];
    const hs = client({
      auth: {
        accessToken: async () => 'expired-or-revoked',
        refresh: async (token) => {
          rejected.push(token);
          return (await oauth().refresh(h.started.info.refreshToken)).accessToken;
        },
      },
    });
    const [c] = await hs.create('contacts', [{ properties: { email: 'refresh@example.com' } }]);
    expect(c!.properties.email).toBe('refresh@example.com');
    expect(rejected).toEqual(['expired-or-revoked']);
    expect(hs.stats()).toMatchObject({ requests: 2, refreshes: 1, retries: 0 });
  });

  it('a second 401 after the refresh is reauth_required', async () => {
    let refreshes = 0;
    const hs = client({ auth: { accessToken: async () => 'bad-1', refresh: async () => `bad-${(refreshes += 1) + 1}` } });
    const err = await failure(hs.read('contacts', ['1'], []));
    expect(err).toMatchObject({ kind: 'reauth_required', status: 401, category: 'INVALID_AUTHENTICATION', retryable: false });
    expect(err.userMessage).toMatch(/Reinstall/);
    expect(refreshes).toBe(1);
  });

  it('a revoked refresh token surfaces as reauth_required', async () => {
    const o = oauth();
    const { refreshToken } = h.started.emulator.issueToken();
    await fetch(`${h.started.info.url}/oauth/v1/refresh-tokens/${refreshToken}`, { method: 'DELETE' });
    const hs = client({ auth: { accessToken: async () => 'expired', refresh: async () => (await o.refresh(refreshToken)).accessToken } });
    expect(await failure(hs.read('contacts', ['1'], []))).toMatchObject({ kind: 'reauth_required', status: 400, category: 'BAD_REFRESH_TOKEN' });
  });
});

describe('workflow callbacks and app events', () => {
  it('completes a blocked workflow action through the callbacks API', async () => {
    const hs = client();
    const [deal] = await hs.create('deals', [{ properties: { dealname: 'W', dealstage: 'appointmentscheduled', pipeline: 'default' } }]);
    h.app.respond(200, { outputFields: { hs_execution_state: 'BLOCK', hs_expiration_duration: 'P1D' } });
    const invoked = await h.started.emulator.invokeWorkflowAction({ actionUrl: `${h.app.url}/actions/create-invoice`, objectType: 'DEAL', objectId: deal!.id });
    const callbackId = invoked.callbackId;
    await hs.completeWorkflowCallback(callbackId, { hs_execution_state: 'SUCCESS', qboInvoiceId: '42' });
    const execution = h.started.emulator.callbacks.find((e) => e.callbackId === callbackId);
    expect(execution).toMatchObject({ state: 'SUCCESS' });
    expect(await failure(hs.completeWorkflowCallback('ap-unknown', { hs_execution_state: 'SUCCESS' }))).toMatchObject({ kind: 'not_found' });
  });

  it('sends an app event occurrence to the deal timeline; a repeated id is a conflict', async () => {
    const hs = client();
    const [deal] = await hs.create('deals', [{ properties: { dealname: 'T', dealstage: 'appointmentscheduled', pipeline: 'default' } }]);
    const type = h.started.emulator.registerAppEventType({
      uid: 'qbo_payment',
      config: { name: 'QBO payment', objectType: 'DEAL', properties: [{ name: 'amount', label: 'Amount', type: 'number' }] },
    });
    const occurrence = { eventTypeName: type.fullyQualifiedName, objectId: deal!.id, id: 'payment-1', properties: { amount: '120.5' } };
    await hs.sendAppEvent(occurrence);
    expect(h.started.emulator.timelineEvents('deals', deal!.id)).toMatchObject([{ id: 'payment-1', properties: { amount: '120.5' } }]);
    expect(await failure(hs.sendAppEvent(occurrence))).toMatchObject({ kind: 'conflict', status: 409 });
  });
});
