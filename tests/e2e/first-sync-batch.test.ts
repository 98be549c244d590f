import type { Connection } from '../../functions/store/connections';
import { startHarness, type Harness } from '../helpers/harness';

/**
 * The first sync creates in QBO through batch requests (30 creates each): every record stands alone, so a refused one
 * is logged against its own contact while the rest of its batch is created, and a duplicate name is renamed and sent
 * again in a later batch.
 */
describe('first sync through QBO batch requests', () => {
  let h: Harness;
  let connection: Connection;

  beforeAll(async () => {
    h = await startHarness();
    h.qbo.emulator.seed({ entities: { Customer: [{ DisplayName: 'Taken Name', PrimaryEmailAddr: { Address: 'someone@else.example' } }] } });
    const contacts = Array.from({ length: 63 }, (_, i) => ({ email: `person${i}@batch.example`, firstname: 'Person', lastname: `${i}` }));
    contacts.splice(31, 0, { email: 'rachel@batch.example', firstname: 'Ra:chel', lastname: 'Colon' });
    contacts.push({ email: 'taken@batch.example', firstname: 'Taken', lastname: 'Name' });
    h.hubspot.emulator.seed({ contacts });
    connection = await h.connect();
    await h.runtime.clients
      .hubspot(connection)
      .ensureProperties('contacts', [
        { name: 'qbo_customer_id', label: 'QuickBooks customer ID', type: 'string', fieldType: 'text', groupName: 'contactinformation' },
      ]);
  });
  afterAll(() => h.stop());

  test('a refused record fails alone, a duplicate name is renamed, every other contact is created once and linked', async () => {
    await h.runtime.sync.setEnabled(connection.id, 'contacts', true);
    await h.drain();

    const customers = [...(h.qbo.emulator.state.entities.get('Customer')?.values() ?? [])].map((c) => String(c.DisplayName));
    const created = customers.filter((name) => name.startsWith('Person '));
    expect(new Set(created).size).toBe(63);
    expect(created).toHaveLength(63);
    expect(customers).toContain('Taken Name (taken@batch.example)');
    expect(customers.some((name) => name.includes(':'))).toBe(false);

    // 65 creates in the first round (three batch requests), the renamed one in a fourth: metered per item.
    expect(h.qbo.emulator.metering().writes).toBe(66);
    const [failed, ...others] = await h.runtime.store.syncLog.recent(connection.id, { object: 'contacts', outcome: 'failed' });
    expect(others).toEqual([]);
    expect(failed).toMatchObject({ action: 'create', direction: 'to_qbo', errorCode: 'qbo_validation' });
    expect(failed?.message).toContain('DisplayName');
    const rachel = h.hubspot.emulator.state.records.contacts.get(failed!.hubspotId!);
    expect(rachel?.properties['email']).toBe('rachel@batch.example');

    // Each created contact carries its QBO id; the QBO-only customer came to HubSpot.
    expect(await h.runtime.store.links.count(connection.id, 'contacts')).toBe(65);
  });
});
