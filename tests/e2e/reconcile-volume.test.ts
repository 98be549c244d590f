import type { QboClient } from '../../functions/quickbooks/client';
import { mapPool } from '../../functions/sync/shared/pool';
import { startHarness, type Harness } from '../helpers/harness';

/**
 * Reconciliation when QBO's CDC answer is full: CDC returns at most 1,000 objects, in an order QBO does not
 * document, so one cycle must still find a change whose webhook was lost among more than 1,000 others.
 */
describe('reconciliation past the CDC cap', () => {
  let h: Harness;
  let accountant: QboClient;

  beforeAll(async () => {
    h = await startHarness();
    accountant = h.qboUser();
    h.qbo.emulator.seed({
      entities: { Customer: Array.from({ length: 1_050 }, (_, i) => ({ DisplayName: `Person ${i}`, PrimaryEmailAddr: { Address: `p${i}@volume.example` } })) },
    });
    const connection = await h.connect();
    await h.runtime.clients
      .hubspot(connection)
      .ensureProperties('contacts', [
        { name: 'qbo_customer_id', label: 'QuickBooks customer ID', type: 'string', fieldType: 'text', groupName: 'contactinformation' },
      ]);
    const { settings } = await h.runtime.sync.settings(connection.id, 'contacts');
    await h.runtime.sync.saveSettings(connection.id, 'contacts', settings);
    await h.runtime.store.syncSettings.setEnabled(connection.id, 'contacts', true);
    expect((await h.runtime.sync.runFirstSync(connection.id, 'contacts')).createdInHubspot).toBe(1_050);
    await h.advance(5 * 60_000);
    await h.drain(240);
  }, 120_000);
  afterAll(() => h.stop());

  test('a lost QBO change lands in the next cycle although 1,050 other customers changed before it', async () => {
    h.qbo.emulator.dropWebhooks(true);
    h.qbo.emulator.limits.perMinute = 100_000;
    const everyone = await accountant.query('Customer');
    await mapPool(everyone, 10, (c) => accountant.update('Customer', { Id: c.Id, SyncToken: c.SyncToken, sparse: true, Notes: 'Reviewed in bulk' }));
    h.clock.advance(1_000);
    const [target] = await accountant.query('Customer', `PrimaryEmailAddr = 'p7@volume.example'`);
    await accountant.update('Customer', { Id: target!.Id, SyncToken: target!.SyncToken, sparse: true, BillAddr: { City: 'Tromsø' } });

    await h.advance(5 * 60_000);
    // Less simulated time than the next reconciliation cycle: this one cycle must find the change.
    await h.drain(240);
    const connection = (await h.runtime.store.connections.active())[0]!;
    const link = await h.runtime.store.links.byQboId(connection.id, 'contacts', target!.Id);
    expect(h.hubspot.emulator.state.records.contacts.get(link!.hubspotId)?.properties['city']).toBe('Tromsø');
  }, 120_000);
});
