import { qboQuote, type QboClient } from '../../functions/quickbooks/client';
import type { Connection } from '../../functions/store/connections';
import { QUEUES } from '../../functions/sync/runner';
import { startHarness, type Harness } from '../helpers/harness';

/**
 * What goes wrong when several runs meet: a webhook's job and a reconciliation on the same new invoice, a webhook whose
 * job was never queued, a connection marked for a reconnect whose tokens work again. The harness runs one process with
 * every queue's handlers in parallel; tests/two-workers.test.ts runs two processes on Postgres.
 */
describe('runs that meet', () => {
  let h: Harness;
  let connection: Connection;
  let accountant: QboClient;
  let customerId: string;
  let contactId: string;

  const line = (amount: number) => [
    { DetailType: 'SalesItemLineDetail', Amount: amount, SalesItemLineDetail: { ItemRef: { value: '1' }, Qty: 1, UnitPrice: amount } },
  ];
  const hubspotInvoicesOf = (qboId: string) =>
    [...h.hubspot.emulator.state.records.invoices.values()].filter((r) => !r.archived && r.properties['qbo_invoice_id'] === qboId);
  const contactCity = () => h.hubspot.emulator.state.records.contacts.get(contactId)?.properties['city'];
  /** To just after the next reconciliation (every 5 minutes on the clock), with everything it queued done. */
  const pastNextReconciliation = async () => {
    const fiveMinutes = 5 * 60_000;
    await h.advance(fiveMinutes - (h.clock.now().getTime() % fiveMinutes) + 1_000);
    await h.drain();
  };

  beforeAll(async () => {
    h = await startHarness();
    accountant = h.qboUser();
    const seeded = h.hubspot.emulator.seed({ contacts: [{ email: 'ada@lovelace.dev', firstname: 'Ada', lastname: 'Lovelace', city: 'London' }] });
    contactId = seeded.contacts[0]!;
    const created = h.qbo.emulator.seed({ entities: { Customer: [{ DisplayName: 'Ada Lovelace', PrimaryEmailAddr: { Address: 'ada@lovelace.dev' } }] } });
    customerId = String(created.Customer![0]!.Id);
    connection = await h.connect();
    await h.syncsOn(connection, 'contacts', 'invoices');
  });
  afterAll(() => h.stop());

  test('a webhook’s job and a reconciliation meeting the same new invoices create each HubSpot invoice once', async () => {
    await pastNextReconciliation();
    h.qbo.emulator.dropWebhooks(true);
    const made = [];
    for (let i = 0; i < 6; i++)
      made.push(
        await accountant.create(
          'Invoice',
          { CustomerRef: { value: customerId }, DocNumber: `RACE-${i}`, Line: line(100 + i) },
          { idempotencyKey: `race-${i}` },
        ),
      );
    h.qbo.emulator.dropWebhooks(false);
    // The webhook's job and a reconciliation, both waiting when the workers next look: they start side by side.
    await h.runtime.sync.enqueueChanges(connection.id, 'invoices', { qbo: { Invoice: made.map((m) => m.Id) } });
    await h.jobs.send(QUEUES.reconcile, { connectionId: connection.id, object: 'invoices' }, { singletonKey: `${connection.id}:invoices` });
    await h.drain();
    for (const invoice of made) expect(hubspotInvoicesOf(invoice.Id)).toHaveLength(1);
    expect(await h.runtime.store.links.count(connection.id, 'invoices')).toBe(made.length);
  });

  test('a webhook recorded while its job could not be queued is queued again from the inbox, before any reconciliation', async () => {
    await pastNextReconciliation();
    const send = h.jobs.send.bind(h.jobs);
    let refused = 0;
    h.jobs.send = async (name, data, options) => {
      if (name === QUEUES.changes && refused === 0) {
        refused++;
        throw new Error('the queue is unreachable');
      }
      return send(name, data, options);
    };
    try {
      const [ada] = await accountant.query('Customer', `PrimaryEmailAddr = ${qboQuote('ada@lovelace.dev')}`);
      await accountant.update('Customer', { Id: ada!.Id, SyncToken: ada!.SyncToken, sparse: true, BillAddr: { ...ada!.BillAddr, City: 'Marylebone' } });
      await h.qbo.emulator.flushWebhooks();
      expect(refused).toBe(1);
      expect(await h.runtime.store.inbox.unprocessed()).toHaveLength(1);
    } finally {
      h.jobs.send = send;
    }
    // QBO's redelivery of the same notification is a duplicate: recorded once, and nothing queued for it.
    await h.drain();
    expect(contactCity()).toBe('London');

    await h.advance(2 * 60_000);
    await h.drain();
    expect(contactCity()).toBe('Marylebone');
    expect(await h.runtime.store.inbox.unprocessed()).toEqual([]);
  });

  test('a connection marked for a reconnect whose tokens work again is active again by itself, and syncs resume', async () => {
    await pastNextReconciliation();
    // What a refresh refused by an outage leaves behind (QBO has answered invalid_grant for a moment).
    const version = (await h.runtime.store.connections.get(connection.id))!.qboTokens!.version;
    await h.runtime.store.connections.markTokensRefused(connection.id, 'quickbooks', version, 'QuickBooks refused the saved authorization');
    h.hubspot.emulator.editAsUser('contacts', contactId, { city: 'Cambridge' });
    await h.drain();
    expect((await h.runtime.store.connections.get(connection.id))!.status).toBe('reauth_required');
    const [before] = await accountant.query('Customer', `PrimaryEmailAddr = ${qboQuote('ada@lovelace.dev')}`);
    expect(before?.BillAddr?.City).toBe('Marylebone');

    await pastNextReconciliation();
    await pastNextReconciliation();
    expect(await h.runtime.store.connections.get(connection.id)).toMatchObject({ status: 'active', reauthProvider: undefined });
    const [after] = await accountant.query('Customer', `PrimaryEmailAddr = ${qboQuote('ada@lovelace.dev')}`);
    expect(after?.BillAddr?.City).toBe('Cambridge');
  });
});
