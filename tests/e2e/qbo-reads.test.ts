import type { Connection } from '../../functions/store/connections';
import { startHarness, type Harness } from '../helpers/harness';

/**
 * What synced changes cost in QBO reads, which Intuit meters (500,000 a month on its Builder tier,
 * https://blogs.intuit.com/2026/01/08/understanding-builder-tier-api-limits-for-you-and-your-customers): the answer to
 * our write is the entity's new state, never read again, and a reconciliation pass syncs what its change feed returned.
 */
describe('QBO reads per synced change', () => {
  let h: Harness;
  let connection: Connection;
  const CONTACTS = 16;

  const links = () => h.runtime.store.links.list(connection.id, 'contacts');
  const counted = async (work: () => Promise<void>) => {
    const before = { calls: h.qboCalls.count, reads: h.qboCalls.reads };
    await work();
    return { calls: h.qboCalls.count - before.calls, reads: h.qboCalls.reads - before.reads };
  };
  const city = (qboId: string) => (h.qbo.emulator.state.entities.get('Customer')?.get(qboId) as { BillAddr?: { City?: string } }).BillAddr?.City;
  const hubspotCity = (hubspotId: string) => h.hubspot.emulator.state.records.contacts.get(hubspotId)?.properties['city'];

  beforeAll(async () => {
    h = await startHarness();
    h.hubspot.emulator.seed({
      contacts: Array.from({ length: CONTACTS }, (_, i) => ({ email: `p${i}@reads.example`, firstname: 'P', lastname: `${i}`, city: 'Oslo' })),
    });
    connection = await h.connect();
    await h.syncsOn(connection, 'contacts');
    expect(await links()).toHaveLength(CONTACTS);
    // A first sync of its own before the tests: longer than a test's default 30 s on a loaded machine.
  }, 120_000);
  afterAll(() => h.stop());

  test('changes from HubSpot are written without reading QBO; their notifications back are read together, once', async () => {
    const linked = (await links()).slice(0, 4);
    const cost = await counted(async () => {
      for (const [i, link] of linked.entries()) h.hubspot.emulator.editAsUser('contacts', link.hubspotId, { city: `Town ${i}` });
      await h.drain();
    });
    for (const [i, link] of linked.entries()) expect(city(link.qboId)).toBe(`Town ${i}`);
    // One update each; QBO's notifications of those updates arrive together and are read in one query.
    expect(cost).toEqual({ calls: linked.length + 1, reads: 1 });
  });

  test('changes from QBO are read in one query', async () => {
    const linked = (await links()).slice(4, 8);
    const accountant = h.qboUser();
    for (const [i, link] of linked.entries()) {
      const c = h.qbo.emulator.state.entities.get('Customer')!.get(link.qboId) as { SyncToken: string; BillAddr?: Record<string, unknown> };
      await accountant.update('Customer', { Id: link.qboId, SyncToken: c.SyncToken, sparse: true, BillAddr: { ...c.BillAddr, City: `Ville ${i}` } });
    }
    const cost = await counted(() => h.drain());
    for (const [i, link] of linked.entries()) expect(hubspotCity(link.hubspotId)).toBe(`Ville ${i}`);
    expect(cost).toEqual({ calls: 1, reads: 1 });
  });

  test('a stale SyncToken held for a HubSpot change is refused by QBO, then read and planned again: nothing is lost', async () => {
    const link = (await links())[8];
    // Changed in QBO without a notification: the link still holds the version before it.
    h.qbo.emulator.dropWebhooks(true);
    const c = h.qbo.emulator.state.entities.get('Customer')!.get(link!.qboId) as { SyncToken: string; BillAddr?: Record<string, unknown> };
    await h.qboUser().update('Customer', { Id: link!.qboId, SyncToken: c.SyncToken, sparse: true, PrimaryPhone: { FreeFormNumber: '555-0101' } });
    h.qbo.emulator.dropWebhooks(false);
    h.hubspot.emulator.editAsUser('contacts', link!.hubspotId, { city: 'Bergen' });
    await h.drain();
    expect(city(link!.qboId)).toBe('Bergen');
    expect(h.hubspot.emulator.state.records.contacts.get(link!.hubspotId)?.properties['phone']).toBe('555-0101');
  });

  test('reconciliation syncs what the change feed returned without reading it again', async () => {
    const linked = (await links()).slice(9, 14);
    await h.advance(5 * 60_000);
    await h.drain();
    h.hubspot.emulator.dropWebhooks(true);
    h.qbo.emulator.dropWebhooks(true);
    const accountant = h.qboUser();
    const [fromHubspot, fromQbo] = [linked.slice(0, 3), linked.slice(3, 5)];
    for (const link of fromHubspot) h.hubspot.emulator.editAsUser('contacts', link.hubspotId, { city: 'Hamar' });
    for (const link of fromQbo) {
      const c = h.qbo.emulator.state.entities.get('Customer')!.get(link.qboId) as { SyncToken: string; BillAddr?: Record<string, unknown> };
      await accountant.update('Customer', { Id: link.qboId, SyncToken: c.SyncToken, sparse: true, BillAddr: { ...c.BillAddr, City: 'Molde' } });
    }
    const cost = await counted(async () => {
      await h.advance(5 * 60_000);
      await h.drain();
    });
    for (const link of fromHubspot) expect(city(link.qboId)).toBe('Hamar');
    for (const link of fromQbo) expect(hubspotCity(link.hubspotId)).toBe('Molde');
    // One change feed call; one update for each change from HubSpot.
    expect(cost).toEqual({ calls: 1 + fromHubspot.length, reads: 1 });
  });
});
