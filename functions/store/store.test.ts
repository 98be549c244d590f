import { randomBytes } from 'node:crypto';
import { TokenCipher } from '../security/token-cipher';
import { invoiceStore } from './invoices';
import { migrate } from './migrate';
import { matchesBrowserBinding } from './oauth-states';
import { createStore, type Store } from './store';
import { databaseKinds, openTestDb, type TestDb } from '../../tests/helpers/test-db';

const cipher = new TokenCipher(randomBytes(32));
const tokens = (tag: string) => ({
  accessToken: `access-${tag}`,
  refreshToken: `refresh-${tag}`,
  expiresAt: new Date('2026-01-15T12:30:00.000Z'),
});

describe.each(databaseKinds())('store on %s', (kind) => {
  let t: TestDb;
  let store: Store;

  beforeAll(async () => {
    t = await openTestDb(kind);
    expect(await migrate(t.db)).toEqual([
      '0001_init.sql',
      '0002_sync_state.sql',
      '0003_invoices.sql',
      '0004_invoice_requests.sql',
      '0005_settings_and_card.sql',
      '0006_books_of_record.sql',
      '0007_one_runner.sql',
      '0008_invoice_exports.sql',
      '0010_cached_qbo_state_and_card_indexes.sql',
    ]);
    store = createStore(t.db, cipher);
  });
  afterAll(() => t.dispose());

  test('migrations apply once', async () => {
    expect(await migrate(t.db)).toEqual([]);
  });

  test('connections keep tokens encrypted at rest and hand them back decrypted', async () => {
    const c = await store.connections.saveHubspotInstall(1001, tokens('hs'));
    await store.connections.saveQboConnection(c.id, 'realm-9', { ...tokens('qbo'), refreshExpiresAt: new Date('2026-04-25T00:00:00Z') });

    const raw = await t.db.query<Record<string, unknown>>('SELECT * FROM connections WHERE id = $1', [c.id]);
    const stored = JSON.stringify(raw);
    expect(stored).not.toContain('access-hs');
    expect(stored).not.toContain('refresh-qbo');

    const back = await store.connections.byPortal(1001);
    expect(back).toMatchObject({
      hubspotPortalId: 1001,
      qboRealmId: 'realm-9',
      status: 'active',
      hubspotTokens: tokens('hs'),
      qboTokens: { ...tokens('qbo'), refreshExpiresAt: new Date('2026-04-25T00:00:00Z') },
    });
    expect((await store.connections.byRealm('realm-9')).map((x) => x.id)).toEqual([c.id]);
  });

  test('a reinstall of the same portal replaces tokens, not the connection', async () => {
    const first = await store.connections.saveHubspotInstall(2002, tokens('a'));
    const second = await store.connections.saveHubspotInstall(2002, tokens('b'));
    expect(second.id).toBe(first.id);
    expect(second.hubspotTokens?.accessToken).toBe('access-b');
  });

  test('a value sealed with another key is refused, not misread', () => {
    const other = new TokenCipher(randomBytes(32));
    expect(() => other.decrypt(cipher.encrypt('secret'))).toThrow();
  });

  test('settings, links and checkpoints; deleting a sync forgets them but keeps other objects', async () => {
    const c = await store.connections.saveHubspotInstall(3003, tokens('s'));
    await store.syncSettings.save(c.id, 'contacts', true, { direction: 'two_way' });
    await store.syncSettings.save(c.id, 'products', true, {});
    await store.links.save(
      {
        connectionId: c.id,
        object: 'contacts',
        hubspotId: '11',
        qboId: '58',
        hubspotHash: 'h1',
        qboHash: 'q1',
        qboSyncToken: '0',
        syncedValues: { email: 'a@b.co' },
      },
      new Date('2026-01-15T12:00:00Z'),
    );
    await store.links.save(
      {
        connectionId: c.id,
        object: 'products',
        hubspotId: '21',
        qboId: '7',
        hubspotHash: undefined,
        qboHash: undefined,
        qboSyncToken: undefined,
        syncedValues: undefined,
      },
      new Date('2026-01-15T12:00:00Z'),
    );
    await store.checkpoints.set(c.id, 'contacts', 'qbo', '2026-01-15T12:00:00Z');

    expect(await store.links.byQboId(c.id, 'contacts', '58')).toMatchObject({ hubspotId: '11', qboSyncToken: '0' });
    expect((await store.links.forIds(c.id, 'contacts', 'qbo', ['58', '999'])).map((l) => l.hubspotId)).toEqual(['11']);
    expect((await store.links.forIds(c.id, 'products', 'hubspot', ['21'])).map((l) => l.qboId)).toEqual(['7']);
    await store.links.save(
      {
        connectionId: c.id,
        object: 'contacts',
        hubspotId: '11',
        qboId: '58',
        hubspotHash: 'h2',
        qboHash: 'q2',
        qboSyncToken: '1',
        syncedValues: { email: 'a@b.co' },
        qboEntity: { Id: '58', SyncToken: '1', BillAddr: { City: 'Oslo' } },
      },
      new Date('2026-01-15T12:05:00Z'),
    );
    expect(await store.links.byHubspotId(c.id, 'contacts', '11')).toMatchObject({
      hubspotHash: 'h2',
      qboSyncToken: '1',
      syncedValues: { email: 'a@b.co' },
      qboEntity: { Id: '58', SyncToken: '1', BillAddr: { City: 'Oslo' } },
    });
    await expect(
      store.links.save(
        {
          connectionId: c.id,
          object: 'contacts',
          hubspotId: '12',
          qboId: '58',
          hubspotHash: undefined,
          qboHash: undefined,
          qboSyncToken: undefined,
          syncedValues: undefined,
        },
        new Date(),
      ),
    ).rejects.toThrow(/unique|duplicate/i);

    await store.syncSettings.delete(c.id, 'contacts');
    expect(await store.syncSettings.get(c.id, 'contacts')).toBeUndefined();
    expect(await store.links.count(c.id, 'contacts')).toBe(0);
    expect(await store.checkpoints.get(c.id, 'contacts', 'qbo')).toBeUndefined();
    expect(await store.links.count(c.id, 'products')).toBe(1);
    expect(await store.syncSettings.get(c.id, 'products')).toMatchObject({ enabled: true });
  });

  test('the webhook inbox drops redeliveries, is processed per connection and flow, replays what never ran, and forgets old events', async () => {
    const c = await store.connections.saveHubspotInstall(1002, tokens('in'));
    const at = (min: number) => new Date(Date.parse('2026-01-15T12:00:00.000Z') + min * 60_000);
    const event = {
      source: 'hubspot' as const,
      eventId: 'evt-1',
      accountId: '1002',
      connectionId: c.id,
      flow: 'contacts',
      changes: { hubspot: { contacts: ['5'] } },
      payload: { objectId: 5 },
    };
    const first = await store.inbox.record([event], at(0));
    const again = await store.inbox.record([event, { ...event, eventId: 'evt-2' }, { ...event, flow: 'products' }], at(0));
    expect(first).toEqual([{ id: expect.any(Number), connectionId: c.id, flow: 'contacts', changes: { hubspot: { contacts: ['5'] } } }]);
    expect(again.map((e) => e.flow)).toEqual(['contacts', 'products']);
    await store.inbox.markEnqueued([first[0]!.id], at(0));
    await store.inbox.markProcessed([again[0]!.id], at(0));

    const policy = { neverQueuedMs: 60_000, unprocessedMs: 30 * 60_000, maxReplays: 2 };
    // Never queued (the process stopped between recording and queueing): replayed after a minute.
    expect((await store.inbox.takeForReplay(at(0.5), policy)).map((w) => w.id)).toEqual([]);
    expect((await store.inbox.takeForReplay(at(2), policy)).map((w) => w.id)).toEqual([again[1]!.id]);
    // Queued but never processed (its job was lost): replayed after half an hour, at most maxReplays times.
    expect((await store.inbox.takeForReplay(at(31), policy)).map((w) => w.id)).toEqual([first[0]!.id]);
    expect((await store.inbox.takeForReplay(at(40), policy)).map((w) => w.id)).toEqual([again[1]!.id]);
    expect((await store.inbox.takeForReplay(at(70), policy)).map((w) => w.id)).toEqual([first[0]!.id]);
    expect(await store.inbox.takeForReplay(at(200), policy)).toEqual([]);

    expect(await store.inbox.prune(at(1))).toEqual({ deleted: 3, unprocessed: 2 });
    expect(await store.inbox.unprocessed()).toEqual([]);
  });

  test('a sync lease has one holder at a time, is renewed by it, and is taken over once it expired', async () => {
    const c = await store.connections.saveHubspotInstall(1003, tokens('lease'));
    const key = { connectionId: c.id, flow: 'invoices' };
    const at = (s: number) => new Date(Date.parse('2026-01-15T12:00:00.000Z') + s * 1000);
    expect(await store.leases.acquire(key, 'worker-a', at(0), 60_000)).toBe(true);
    expect(await store.leases.acquire(key, 'worker-b', at(30), 60_000)).toBe(false);
    expect(await store.leases.acquire({ ...key, flow: 'contacts' }, 'worker-b', at(30), 60_000)).toBe(true);
    expect(await store.leases.renew(key, 'worker-a', at(50), 60_000)).toBe(true);
    expect(await store.leases.acquire(key, 'worker-b', at(100), 60_000)).toBe(false);
    expect(await store.leases.holder(key, at(100))).toBe('worker-a');
    // worker-a stops renewing (killed): once its lease has run out, worker-b takes it, and worker-a cannot renew it back.
    expect(await store.leases.acquire(key, 'worker-b', at(111), 60_000)).toBe(true);
    expect(await store.leases.renew(key, 'worker-a', at(112), 60_000)).toBe(false);
    await store.leases.release(key, 'worker-a');
    expect(await store.leases.holder(key, at(113))).toBe('worker-b');
    await store.leases.release(key, 'worker-b');
    expect(await store.leases.acquire(key, 'worker-a', at(114), 60_000)).toBe(true);
  });

  test("an admin's settings edit keeps the server's state, and the end of a first sync keeps the admin's edits", async () => {
    const c = await store.connections.saveHubspotInstall(1004, tokens('settings'));
    await store.syncSettings.setEnabled(c.id, 'contacts', true, { mappings: ['old'] });
    await store.syncSettings.saveEdits(c.id, 'contacts', { mappings: ['edited'] });
    await store.syncSettings.setEnabled(c.id, 'contacts', false);
    await store.syncSettings.markFirstSyncCompleted(c.id, 'contacts', new Date('2026-01-15T12:00:00.000Z'), {});
    expect(await store.syncSettings.get(c.id, 'contacts')).toMatchObject({
      enabled: false,
      settings: { mappings: ['edited'], firstSyncCompletedAt: '2026-01-15T12:00:00.000Z' },
    });
    await store.syncSettings.saveEdits(c.id, 'contacts', { mappings: ['again'] });
    expect((await store.syncSettings.get(c.id, 'contacts'))!.settings).toEqual({ mappings: ['again'], firstSyncCompletedAt: '2026-01-15T12:00:00.000Z' });
  });

  test('refreshed tokens are saved only over the version they replace; a refusal is marked only while that version is stored', async () => {
    const c = await store.connections.saveHubspotInstall(1005, tokens('cas'));
    await store.connections.saveQboConnection(c.id, 'realm-cas', tokens('q1'));
    const v = (await store.connections.get(c.id))!.qboTokens!.version;
    expect(await store.connections.saveRefreshedTokens(c.id, 'quickbooks', tokens('q2'), v)).toBe(true);
    expect(await store.connections.saveRefreshedTokens(c.id, 'quickbooks', tokens('q3'), v)).toBe(false);
    expect(await store.connections.markTokensRefused(c.id, 'quickbooks', v, 'refused')).toBe(false);
    expect(await store.connections.get(c.id)).toMatchObject({ status: 'active', qboTokens: { refreshToken: 'refresh-q2', version: v + 1 } });
    expect(await store.connections.markTokensRefused(c.id, 'quickbooks', v + 1, 'refused')).toBe(true);
    expect(await store.connections.get(c.id)).toMatchObject({ status: 'reauth_required', reauthProvider: 'quickbooks' });
    // HubSpot's tokens working says nothing of QuickBooks': still waiting. QuickBooks' working again: active.
    expect(await store.connections.saveRefreshedTokens(c.id, 'hubspot', tokens('h2'), (await store.connections.get(c.id))!.hubspotTokens!.version)).toBe(true);
    expect((await store.connections.get(c.id))!.status).toBe('reauth_required');
    expect(await store.connections.saveRefreshedTokens(c.id, 'quickbooks', tokens('q4'), v + 1)).toBe(true);
    expect(await store.connections.get(c.id)).toMatchObject({ status: 'active', reauthProvider: undefined, hubspotTokens: { refreshToken: 'refresh-h2' } });
  });

  test('an invoice request is recorded once per idempotency key and keeps its first outcome', async () => {
    const c = await store.connections.saveHubspotInstall(5005, tokens('r'));
    const first = await store.invoiceRequests.begin(c.id, 'workflow:ap-1', '77');
    expect(first).toMatchObject({ dealId: '77', status: 'pending', qboInvoiceId: undefined, emailed: false });
    expect(await store.invoiceRequests.begin(c.id, 'workflow:ap-1', '88')).toMatchObject({ dealId: '77', status: 'pending' });
    await store.invoiceRequests.setInvoice(c.id, 'workflow:ap-1', '130');
    await store.invoiceRequests.setEmailed(c.id, 'workflow:ap-1');
    await store.invoiceRequests.settle(c.id, 'workflow:ap-1', 'created', { qboId: '130' });
    await store.invoiceRequests.settle(c.id, 'workflow:ap-1', 'failed', { code: 'LATE' });
    expect(await store.invoiceRequests.get(c.id, 'workflow:ap-1')).toMatchObject({
      status: 'created',
      qboInvoiceId: '130',
      emailed: true,
      outcome: { qboId: '130' },
    });
    expect(await store.invoiceRequests.get(c.id, 'workflow:ap-2')).toBeUndefined();
  });

  test('the sync log answers "what failed and why", newest first', async () => {
    const c = await store.connections.saveHubspotInstall(4004, tokens('l'));
    await store.syncLog.record({ connectionId: c.id, object: 'contacts', direction: 'to_qbo', hubspotId: '1', action: 'create', outcome: 'succeeded' });
    await store.syncLog.record({
      connectionId: c.id,
      object: 'contacts',
      direction: 'to_qbo',
      hubspotId: '2',
      action: 'create',
      outcome: 'failed',
      errorCode: 'qbo_duplicate_name',
      message: 'A customer named "Acme" already exists in QuickBooks.',
    });
    const failures = await store.syncLog.recent(c.id, { outcome: 'failed' });
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ hubspotId: '2', errorCode: 'qbo_duplicate_name' });
    expect((await store.syncLog.recent(c.id)).map((e) => e.hubspotId)).toEqual(['2', '1']);
  });

  test('open failures: a record that synced since is not listed, one that failed twice is listed once', async () => {
    const c = await store.connections.saveHubspotInstall(4005, tokens('f'));
    const log = (hubspotId: string | undefined, qboId: string | undefined, outcome: 'failed' | 'succeeded', action = 'update') =>
      store.syncLog.record({
        connectionId: c.id,
        object: 'contacts',
        direction: 'to_qbo',
        action,
        outcome,
        ...(hubspotId ? { hubspotId } : {}),
        ...(qboId ? { qboId } : {}),
      });
    await log('1', undefined, 'failed', 'create');
    await log('1', '51', 'succeeded', 'create');
    await log('2', undefined, 'failed');
    await log('2', undefined, 'failed');
    await log(undefined, '53', 'failed');
    await log(undefined, undefined, 'failed', 'batch');
    const open = await store.syncLog.openFailures(c.id, 50);
    expect(open.map((e) => [e.hubspotId ?? null, e.qboId ?? null, e.action])).toEqual([
      [null, null, 'batch'],
      [null, '53', 'update'],
      ['2', null, 'update'],
    ]);
    await log(undefined, undefined, 'succeeded', 'batch');
    expect((await store.syncLog.openFailures(c.id, 50)).map((e) => e.action)).toEqual(['update', 'update']);
    expect(await store.syncLog.byId(c.id, open[1]!.id)).toMatchObject({ qboId: '53' });
    const other = await store.connections.saveHubspotInstall(4006, tokens('g'));
    expect(await store.syncLog.byId(other.id, open[1]!.id)).toBeUndefined();
  });

  test("deleting a sync answers its failures, those its forgotten links had settled too, and keeps them and other syncs' in the log", async () => {
    const c = await store.connections.saveHubspotInstall(4007, tokens('d'));
    const at = new Date('2026-01-15T12:00:00Z');
    const fail = (object: 'contacts' | 'products', hubspotId: string | undefined, action = 'create') =>
      store.syncLog.record({ connectionId: c.id, object, direction: 'to_qbo', action, outcome: 'failed', at, ...(hubspotId ? { hubspotId } : {}) });
    await store.syncSettings.save(c.id, 'products', true, {});
    await fail('products', '21');
    await fail('products', '22');
    await fail('products', undefined, 'batch');
    await fail('contacts', '11');
    // Product 22 synced after its failure: settled by its link, which the delete forgets.
    await store.links.save(
      {
        connectionId: c.id,
        object: 'products',
        hubspotId: '22',
        qboId: '8',
        hubspotHash: undefined,
        qboHash: undefined,
        qboSyncToken: undefined,
        syncedValues: undefined,
      },
      new Date('2026-01-15T12:01:00Z'),
    );
    expect((await store.syncLog.openFailures(c.id, 50)).map((e) => [e.object, e.hubspotId ?? e.action])).toEqual([
      ['contacts', '11'],
      ['products', 'batch'],
      ['products', '21'],
    ]);

    await store.syncSettings.delete(c.id, 'products');
    expect((await store.syncLog.openFailures(c.id, 50)).map((e) => [e.object, e.hubspotId])).toEqual([['contacts', '11']]);
    const products = await store.syncLog.recent(c.id, { object: 'products' });
    expect(products.filter((e) => e.outcome === 'failed')).toHaveLength(3);
    expect(products.filter((e) => e.outcome === 'skipped').map((e) => [e.hubspotId ?? e.action, e.errorCode, e.message])).toEqual(
      expect.arrayContaining(['21', '22', 'batch'].map((record) => [record, 'sync_deleted', 'Not retried: the sync was deleted.'])),
    );
    expect(products.filter((e) => e.outcome === 'skipped')).toHaveLength(3);
    // A failure after the delete (a sync turned on again) stands.
    await fail('products', '21');
    expect((await store.syncLog.openFailures(c.id, 50)).map((e) => [e.object, e.hubspotId])).toEqual([
      ['products', '21'],
      ['contacts', '11'],
    ]);
  });

  test('a QuickBooks consent opens once, in one browser, and the callback proves which browser it is', async () => {
    const c = await store.connections.saveHubspotInstall(5005, tokens('o'));
    const now = new Date('2026-01-15T12:00:00Z');
    const state = await store.oauthStates.issue('quickbooks', now, 60_000, { connectionId: c.id, userId: 77 });
    const secret = await store.oauthStates.bindBrowser(state, 'quickbooks', now);
    expect(secret).toEqual(expect.any(String));
    expect(await store.oauthStates.bindBrowser(state, 'quickbooks', now)).toBeUndefined();
    const expired = await store.oauthStates.issue('quickbooks', now, 60_000, { connectionId: c.id, userId: 77 });
    expect(await store.oauthStates.bindBrowser(expired, 'quickbooks', new Date(now.getTime() + 60_001))).toBeUndefined();
    const bound = (await store.oauthStates.consume(state, 'quickbooks', now))!;
    expect(bound).toMatchObject({ connectionId: c.id, userId: 77 });
    expect(JSON.stringify(await t.db.query('SELECT * FROM oauth_states'))).not.toContain(secret!);
    expect(matchesBrowserBinding(bound, secret)).toBe(true);
    expect(matchesBrowserBinding(bound, 'another-browser')).toBe(false);
    expect(matchesBrowserBinding(bound, undefined)).toBe(false);
  });

  test('another company waits for a choice; starting fresh forgets every trace of the old company in one go', async () => {
    const c = await store.connections.saveHubspotInstall(6006, tokens('c'));
    await store.connections.saveQboConnection(c.id, 'realm-old', tokens('old'), 'Old Co');
    const bystander = await store.connections.saveHubspotInstall(6007, tokens('b'));
    const invoices = invoiceStore(t.db);
    for (const id of [c.id, bystander.id]) {
      await store.syncSettings.save(id, 'products', true, {
        mappings: [],
        incomeAccountId: '1',
        firstSyncCompletedAt: '2026-01-01T00:00:00.000Z',
        createInQbo: true,
      });
      await store.syncSettings.save(id, 'invoices', true, { dealFieldName: 'Deal', onDelete: 'keep', defaultItemId: '7' });
      await store.links.save(
        {
          connectionId: id,
          object: 'products',
          hubspotId: '21',
          qboId: '7',
          hubspotHash: undefined,
          qboHash: undefined,
          qboSyncToken: undefined,
          syncedValues: undefined,
        },
        new Date(),
      );
      await store.checkpoints.set(id, 'products', 'qbo', 'cursor');
      await store.syncLog.record({ connectionId: id, object: 'products', direction: 'to_qbo', hubspotId: '21', action: 'update', outcome: 'failed' });
      await store.syncRuns.record(id, { object: 'products', kind: 'reconcile', finishedAt: new Date(), counts: { failed: 1 } });
      await invoices.recordOrigin(id, '130', '9001');
      await invoices.saveState(id, {
        qboInvoiceId: '130',
        dealId: '9001',
        qboUpdatedAt: new Date(),
        dueDate: undefined,
        billedCents: 100,
        balanceCents: 100,
        currency: 'USD',
        daysOverdue: 0,
        dealValues: {},
      });
      await invoices.savePayment(id, {
        qboPaymentId: '140',
        qboInvoiceId: '130',
        amountCents: 100,
        currency: 'USD',
        method: undefined,
        reference: undefined,
        paidOn: '2026-01-10',
        state: 'applied',
      });
    }
    const now = new Date('2026-01-15T12:00:00Z');
    await store.pendingQboConnections.save({
      connectionId: c.id,
      realmId: 'realm-new',
      companyName: 'New Co',
      tokens: tokens('new'),
      startedByUserId: 77,
      expiresAt: new Date(now.getTime() + 60_000),
    });
    expect(JSON.stringify(await t.db.query('SELECT * FROM pending_qbo_connections'))).not.toContain('access-new');
    expect(await store.pendingQboConnections.get(c.id, now)).toMatchObject({
      realmId: 'realm-new',
      companyName: 'New Co',
      tokens: tokens('new'),
      startedByUserId: 77,
    });
    expect(await store.pendingQboConnections.get(c.id, new Date(now.getTime() + 60_000))).toBeUndefined();
    expect(await store.pendingQboConnections.startFresh(c.id, new Date(now.getTime() + 60_000))).toBeUndefined();

    expect(await store.pendingQboConnections.startFresh(c.id, now)).toMatchObject({ realmId: 'realm-new' });
    expect(await store.connections.get(c.id)).toMatchObject({
      qboRealmId: 'realm-new',
      qboCompanyName: 'New Co',
      qboTokens: tokens('new'),
      status: 'active',
      qboIdCleanupPending: true,
    });
    await store.connections.finishQboIdCleanup(c.id);
    expect(await store.connections.get(c.id)).toMatchObject({ qboIdCleanupPending: false });
    const counts = async (id: string) => {
      const n: Record<string, number> = {};
      for (const table of ['links', 'checkpoints', 'sync_log', 'sync_runs', 'invoice_states', 'invoice_origins', 'payment_applications']) {
        n[table] = (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE connection_id = $1`, [id]))[0]!.n;
      }
      return n;
    };
    expect(Object.values(await counts(c.id))).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(Object.values(await counts(bystander.id))).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect(await store.syncSettings.get(c.id, 'products')).toMatchObject({ enabled: false, settings: { mappings: [], createInQbo: true } });
    expect((await store.syncSettings.get(c.id, 'products'))!.settings).not.toHaveProperty('incomeAccountId');
    expect((await store.syncSettings.get(c.id, 'products'))!.settings).not.toHaveProperty('firstSyncCompletedAt');
    expect(await store.syncSettings.get(c.id, 'invoices')).toMatchObject({ enabled: false, settings: { dealFieldName: 'Deal', onDelete: 'keep' } });
    expect((await store.syncSettings.get(c.id, 'invoices'))!.settings).not.toHaveProperty('defaultItemId');
    expect(await store.syncSettings.get(bystander.id, 'products')).toMatchObject({ enabled: true, settings: { incomeAccountId: '1' } });
    expect(await store.pendingQboConnections.get(c.id, now)).toBeUndefined();
  });

  test('disconnecting QuickBooks drops its tokens and keeps which company it was', async () => {
    const c = await store.connections.saveHubspotInstall(7007, tokens('d'));
    await store.connections.saveQboConnection(c.id, 'realm-d', tokens('qd'), 'Dee Co');
    await store.connections.disconnectQbo(c.id);
    expect(await store.connections.get(c.id)).toMatchObject({
      status: 'disconnected',
      qboRealmId: 'realm-d',
      qboCompanyName: 'Dee Co',
      qboTokens: undefined,
      hubspotTokens: tokens('d'),
    });
  });

  test("the deal card reads a deal's invoices, newest first, and the payments applied to them", async () => {
    const c = await store.connections.saveHubspotInstall(8008, tokens('i'));
    const invoices = invoiceStore(t.db);
    const state = (id: string, dealId: string | undefined, invoiceDate: string | undefined) => ({
      qboInvoiceId: id,
      dealId,
      qboUpdatedAt: new Date(),
      invoiceDate,
      dueDate: '2026-02-01',
      billedCents: 5000,
      balanceCents: 5000,
      currency: 'USD',
      daysOverdue: 0,
      dealValues: { qbo_invoice_number: `INV-${id}` },
    });
    await invoices.saveState(c.id, state('1', 'd1', '2026-01-02'));
    await invoices.saveState(c.id, state('2', 'd1', '2026-01-09'));
    await invoices.saveState(c.id, state('3', 'd2', '2026-01-05'));
    await invoices.savePayment(c.id, {
      qboPaymentId: 'p1',
      qboInvoiceId: '1',
      amountCents: 2500,
      currency: 'USD',
      method: 'Check',
      reference: '881',
      paidOn: '2026-01-03',
      state: 'applied',
    });
    await invoices.savePayment(c.id, {
      qboPaymentId: 'p2',
      qboInvoiceId: '3',
      amountCents: 100,
      currency: 'USD',
      method: undefined,
      reference: undefined,
      paidOn: '2026-01-06',
      state: 'applied',
    });
    const forDeal = await invoices.forDeal(c.id, 'd1');
    expect(forDeal.map((s) => [s.qboInvoiceId, s.invoiceDate])).toEqual([
      ['2', '2026-01-09'],
      ['1', '2026-01-02'],
    ]);
    expect((await invoices.paymentsForDeal(c.id, 'd1')).map((p) => [p.qboPaymentId, p.amountCents, p.method])).toEqual([['p1', 2500, 'Check']]);
  });
});
