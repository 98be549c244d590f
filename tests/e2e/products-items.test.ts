import type { FlowSettings } from '../../functions/sync/two-way/settings';
import type { QboClient } from '../../functions/quickbooks/client';
import type { Connection } from '../../functions/store/connections';
import { startHarness, type Harness } from '../helpers/harness';

/** Products ⇄ Products and Services: SKU then name matching, income account, duplicate names, money values. */
describe('Products ⇄ Products and Services', () => {
  let h: Harness;
  let connection: Connection;
  let accountant: QboClient;
  const items = () => accountant.query('Item', undefined, { includeInactive: true });
  const product = (id: string) => h.hubspot.emulator.state.records.products.get(id)!.properties;

  beforeAll(async () => {
    h = await startHarness();
    accountant = h.qboUser();
    h.hubspot.emulator.seed({
      products: [
        { name: 'Consulting hour', hs_sku: 'CONS-1', price: '150' },
        { name: 'Onboarding package', price: '2500', description: 'Set-up and training' },
        { name: 'Support plan', hs_sku: 'SUP-M', price: '99' },
      ],
    });
    h.qbo.emulator.seed({
      entities: {
        Item: [
          { Name: 'Consulting (hourly)', Sku: 'CONS-1', Type: 'Service', UnitPrice: 150, IncomeAccountRef: { value: '1' } },
          { Name: 'Onboarding package', Type: 'Service', UnitPrice: 2400, IncomeAccountRef: { value: '1' } },
          { Name: 'Support plan', Type: 'Service', Active: false, IncomeAccountRef: { value: '1' } },
          { Name: 'Hardware audit', Sku: 'AUD-1', Type: 'Service', UnitPrice: 800, IncomeAccountRef: { value: '1' } },
        ],
      },
    });
    connection = await h.connect();
    await h.runtime.clients
      .hubspot(connection)
      .ensureProperties('products', [{ name: 'qbo_item_id', label: 'QuickBooks item ID', type: 'string', fieldType: 'text', groupName: 'productinformation' }]);
  });
  afterAll(() => h.stop());

  test('new QBO items need an income account: the first sync says so instead of guessing', async () => {
    const { settings } = await h.runtime.sync.settings(connection.id, 'products');
    await h.runtime.sync.saveSettings(connection.id, 'products', settings);
    await h.runtime.store.syncSettings.setEnabled(connection.id, 'products', true);
    const counts = await h.runtime.sync.runFirstSync(connection.id, 'products');
    expect(counts.failed).toBe(1);
    const [failure] = await h.runtime.store.syncLog.recent(connection.id, { outcome: 'failed' });
    expect(failure?.message).toMatch(/Choose the QuickBooks income account/);
  });

  test('matched by SKU, then by name; a name taken by an inactive item gets a readable suffix; QBO-only items reach HubSpot', async () => {
    const { settings } = await h.runtime.sync.settings(connection.id, 'products');
    await h.runtime.sync.saveSettings(connection.id, 'products', { ...settings, incomeAccountId: '1' });
    const progress: { done: number; total: number }[] = [];
    await h.runtime.sync.runFirstSync(connection.id, 'products', ({ done, total }) => progress.push({ done, total }));
    expect(progress.at(-1)).toEqual({ done: progress[0]!.total, total: progress[0]!.total });
    expect(progress.map((p) => p.done)).toEqual([...progress.map((p) => p.done)].sort((a, b) => a - b));

    const all = await items();
    const support = all.find((i) => i.Sku === 'SUP-M');
    expect(support).toMatchObject({ Name: 'Support plan (SKU SUP-M)', UnitPrice: 99, IncomeAccountRef: { value: '1' }, Active: true });
    expect(all.filter((i) => i.Sku === 'CONS-1')).toHaveLength(1);
    expect(all.filter((i) => i.Name === 'Onboarding package')).toHaveLength(1);

    const links = await h.runtime.store.links.list(connection.id, 'products');
    const byQbo = new Map(links.map((l) => [l.qboId, l.hubspotId]));
    const consulting = all.find((i) => i.Sku === 'CONS-1')!;
    // Both sides changed since "never synced": HubSpot wins the name by default.
    expect(consulting.Name).toBe('Consulting hour');
    expect(product(byQbo.get(consulting.Id)!)).toMatchObject({ qbo_item_id: consulting.Id });
    const onboarding = all.find((i) => i.Name === 'Onboarding package')!;
    expect(onboarding.UnitPrice).toBe(2500);
    const audit = all.find((i) => i.Sku === 'AUD-1')!;
    expect(product(byQbo.get(audit.Id)!)).toMatchObject({ name: 'Hardware audit', hs_sku: 'AUD-1', price: '800.00' });
  });

  test('a price change in QBO reaches HubSpot as money, and nothing is written when prices only differ in format', async () => {
    const audit = (await items()).find((i) => i.Sku === 'AUD-1')!;
    await accountant.update('Item', { Id: audit.Id, SyncToken: audit.SyncToken, sparse: true, UnitPrice: 850.5 });
    await h.drain();
    const link = await h.runtime.store.links.byQboId(connection.id, 'products', audit.Id);
    expect(product(link!.hubspotId).price).toBe('850.50');

    const version = (await accountant.get('Item', audit.Id)).SyncToken;
    h.hubspot.emulator.editAsUser('products', link!.hubspotId, { price: '850.5' });
    await h.drain();
    expect((await accountant.get('Item', audit.Id)).SyncToken).toBe(version);
  });

  test('a QBO item reaches HubSpot with the name HubSpot requires on a new product, even when the name is HubSpot’s to set', async () => {
    const { settings } = await h.runtime.sync.settings<FlowSettings>(connection.id, 'products');
    const mappings = settings.mappings.map((m) => (m.hubspotProperty === 'name' ? { ...m, direction: 'to_qbo' as const } : m));
    await h.runtime.sync.saveSettings(connection.id, 'products', { ...settings, mappings });
    const created = await accountant.create(
      'Item',
      { Name: 'Site survey', Sku: 'SRV-1', Type: 'Service', UnitPrice: 300, IncomeAccountRef: { value: '1' } },
      { requestId: 'site-survey' },
    );
    await h.drain();
    expect((await h.runtime.store.syncLog.recent(connection.id, { outcome: 'failed' })).filter((f) => f.qboId === created.Id)).toEqual([]);
    const link = await h.runtime.store.links.byQboId(connection.id, 'products', created.Id);
    expect(product(link!.hubspotId)).toMatchObject({ name: 'Site survey', hs_sku: 'SRV-1', qbo_item_id: created.Id });

    // From then on the name is HubSpot's: a rename in QBO does not come back.
    const item = await accountant.get('Item', created.Id);
    await accountant.update('Item', { Id: item.Id, SyncToken: item.SyncToken, sparse: true, Name: 'Site survey (QBO)' });
    await h.drain();
    expect(product(link!.hubspotId).name).toBe('Site survey');
    expect((await accountant.get('Item', item.Id)).Name).toBe('Site survey');
  });
});
