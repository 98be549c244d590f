import { randomBytes } from 'node:crypto';
import { TokenCipher } from '../security/token-cipher';
import { migrate } from './migrate';
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
    expect(await migrate(t.db)).toEqual(['0001_init.sql', '0002_sync_state.sql', '0003_invoices.sql', '0004_invoice_requests.sql', '0006_books_of_record.sql']);
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
      { connectionId: c.id, object: 'contacts', hubspotId: '11', qboId: '58', hubspotHash: 'h1', qboHash: 'q1', qboSyncToken: '0', syncedValues: { email: 'a@b.co' } },
      new Date('2026-01-15T12:00:00Z'),
    );
    await store.links.save(
      { connectionId: c.id, object: 'products', hubspotId: '21', qboId: '7', hubspotHash: undefined, qboHash: undefined, qboSyncToken: undefined, syncedValues: undefined },
      new Date('2026-01-15T12:00:00Z'),
    );
    await store.checkpoints.set(c.id, 'contacts', 'qbo', '2026-01-15T12:00:00Z');

    expect(await store.links.byQboId(c.id, 'contacts', '58')).toMatchObject({ hubspotId: '11', qboSyncToken: '0' });
    expect((await store.links.forIds(c.id, 'contacts', 'qbo', ['58', '999'])).map((l) => l.hubspotId)).toEqual(['11']);
    expect((await store.links.forIds(c.id, 'products', 'hubspot', ['21'])).map((l) => l.qboId)).toEqual(['7']);
    await store.links.save(
      { connectionId: c.id, object: 'contacts', hubspotId: '11', qboId: '58', hubspotHash: 'h2', qboHash: 'q2', qboSyncToken: '1', syncedValues: { email: 'a@b.co' } },
      new Date('2026-01-15T12:05:00Z'),
    );
    expect(await store.links.byHubspotId(c.id, 'contacts', '11')).toMatchObject({ hubspotHash: 'h2', qboSyncToken: '1', syncedValues: { email: 'a@b.co' } });
    await expect(
      store.links.save(
        { connectionId: c.id, object: 'contacts', hubspotId: '12', qboId: '58', hubspotHash: undefined, qboHash: undefined, qboSyncToken: undefined, syncedValues: undefined },
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

  test('the webhook inbox drops redeliveries of the same event', async () => {
    const event = { source: 'hubspot' as const, eventId: 'evt-1', accountId: '1001', payload: { objectId: 5 } };
    const first = await store.inbox.record([event]);
    const again = await store.inbox.record([event, { ...event, eventId: 'evt-2' }]);
    expect(first.map((e) => e.eventId)).toEqual(['evt-1']);
    expect(again.map((e) => e.eventId)).toEqual(['evt-2']);
    const pending = await store.inbox.unprocessed();
    expect(pending.map((e) => e.eventId)).toEqual(['evt-1', 'evt-2']);
    await store.inbox.markProcessed(pending.map((e) => e.id));
    expect(await store.inbox.unprocessed()).toEqual([]);
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
    expect(await store.invoiceRequests.get(c.id, 'workflow:ap-1')).toMatchObject({ status: 'created', qboInvoiceId: '130', emailed: true, outcome: { qboId: '130' } });
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
});
