import { qboQuote, type QboClient } from '../../functions/quickbooks/client';
import type { Connection } from '../../functions/store/connections';
import { startHarness, type Harness } from '../helpers/harness';

/**
 * The two-way sync keeps the books of record right, as a finance team checks them: one QBO customer per person
 * however a contact is deleted, created again or merged; a cleared field does not freeze a field forever; a fixed
 * record is created; prices keep their precision; one bad value costs only its own record; QBO items that are not
 * products stay out of HubSpot. Both emulators, driven on their side by the official clients.
 */

const contactProperty = {
  name: 'qbo_customer_id',
  label: 'QuickBooks customer ID',
  type: 'string',
  fieldType: 'text',
  groupName: 'contactinformation',
} as const;
const productProperty = { name: 'qbo_item_id', label: 'QuickBooks item ID', type: 'string', fieldType: 'text', groupName: 'productinformation' } as const;

describe('contacts ⇄ customers: the books stay right', () => {
  let h: Harness;
  let connection: Connection;
  let accountant: QboClient;

  const customersByEmail = (email: string) => accountant.query('Customer', `PrimaryEmailAddr = ${qboQuote(email)}`, { includeInactive: true });
  const contact = (id: string) => h.hubspot.emulator.state.records.contacts.get(id)!.properties;
  const linkOf = (qboId: string) => h.runtime.store.links.byQboId(connection.id, 'contacts', qboId);
  const failures = () => h.runtime.store.syncLog.recent(connection.id, { object: 'contacts', outcome: 'failed' });

  beforeAll(async () => {
    h = await startHarness();
    accountant = h.qboUser();
    h.hubspot.emulator.seed({
      contacts: [
        { email: 'bob@builder.dev', firstname: 'Bob', lastname: 'Builder', phone: '555-0100' },
        { email: 'wendy@builder.dev', firstname: 'Wendy', lastname: 'Builder' },
        { email: 'pilchard@builder.dev', firstname: 'Pilchard', phone: '555-0300' },
      ],
    });
    connection = await h.connect();
    await h.runtime.clients.hubspot(connection).ensureProperties('contacts', [contactProperty]);
    await h.runtime.sync.setEnabled(connection.id, 'contacts', true);
    await h.drain();
    expect(await accountant.query('Customer')).toHaveLength(3);
  });
  afterAll(() => h.stop());

  test('a contact deleted and created again with the same e-mail takes over its customer: no twin', async () => {
    const [bob] = await customersByEmail('bob@builder.dev');
    const old = (await linkOf(bob!.Id))!.hubspotId;
    h.hubspot.emulator.deleteAsUser('contacts', old);
    await h.drain();
    const again = h.hubspot.emulator.createAsUser('contacts', { email: 'bob@builder.dev', firstname: 'Bob', lastname: 'Builder' });
    await h.drain();

    expect(await customersByEmail('bob@builder.dev')).toHaveLength(1);
    expect((await linkOf(bob!.Id))?.hubspotId).toBe(again.id);
    expect(contact(again.id)).toMatchObject({ qbo_customer_id: bob!.Id, phone: '555-0100' });
    const [moved] = await h.runtime.store.syncLog.recent(connection.id, { object: 'contacts', outcome: 'succeeded' });
    expect(moved).toMatchObject({ action: 'relink', hubspotId: again.id, qboId: bob!.Id });
    expect(moved?.message).toMatch(new RegExp(`contact ${old} no longer exists.*now linked to contact ${again.id}`));
    expect(await failures()).toEqual([]);
  });

  test('a linked contact merged into an unlinked one: the survivor takes over the customer, no twin is created', async () => {
    const [wendy] = await customersByEmail('wendy@builder.dev');
    const linked = (await linkOf(wendy!.Id))!.hubspotId;
    // A second record of Wendy, under her other address, that has not reached QBO yet (its webhook was lost).
    h.hubspot.emulator.dropWebhooks(true);
    const other = h.hubspot.emulator.createAsUser('contacts', { email: 'wendy.b@builder.dev', firstname: 'Wendy', lastname: 'B.' });
    await h.drain();
    h.hubspot.emulator.dropWebhooks(false);

    // Merged into the unlinked record: it survives and gains the linked one's QBO id; the linked one is archived.
    h.hubspot.emulator.mergeAsUser('contacts', other.id, linked);
    await h.drain();

    expect((await accountant.query('Customer')).filter((c) => c.GivenName === 'Wendy')).toHaveLength(1);
    expect((await linkOf(wendy!.Id))?.hubspotId).toBe(other.id);
    expect(await h.runtime.store.links.byHubspotId(connection.id, 'contacts', linked)).toBeUndefined();
    // The survivor's own e-mail now flows to the customer it took over (HubSpot wins a first match).
    expect((await accountant.get('Customer', wendy!.Id)).PrimaryEmailAddr?.Address).toBe('wendy.b@builder.dev');
    expect(await failures()).toEqual([]);
  });

  test('a contact naming a customer another live contact is linked to is reported, and no second customer is created', async () => {
    const [pilchard] = await customersByEmail('pilchard@builder.dev');
    const holder = (await linkOf(pilchard!.Id))!.hubspotId;
    const before = (await accountant.query('Customer')).length;
    const copy = h.hubspot.emulator.createAsUser('contacts', { email: 'pilchard.cat@builder.dev', firstname: 'Pilchard', qbo_customer_id: pilchard!.Id });
    await h.drain();
    expect(await accountant.query('Customer')).toHaveLength(before);
    expect((await linkOf(pilchard!.Id))?.hubspotId).toBe(holder);
    const [reported] = await h.runtime.store.syncLog.recent(connection.id, { object: 'contacts', outcome: 'skipped' });
    expect(reported).toMatchObject({ hubspotId: copy.id, qboId: pilchard!.Id, action: 'match_or_create' });
    expect(reported?.message).toBe(
      `This contact matches QuickBooks customer ${pilchard!.Id}, which is already linked to HubSpot contact ${holder}; no second customer was created. Merge the two contacts in HubSpot, or change the one that should not match.`,
    );
  });

  test('a phone cleared in HubSpot stays in QBO, and the next edit of it on either side syncs', async () => {
    const [pilchard] = await customersByEmail('pilchard@builder.dev');
    const id = (await linkOf(pilchard!.Id))!.hubspotId;
    h.hubspot.emulator.editAsUser('contacts', id, { phone: '' });
    await h.drain();
    // Empty never overwrites filled.
    expect((await accountant.get('Customer', pilchard!.Id)).PrimaryPhone?.FreeFormNumber).toBe('555-0300');

    const current = await accountant.get('Customer', pilchard!.Id);
    await accountant.update('Customer', { Id: current.Id, SyncToken: current.SyncToken, sparse: true, PrimaryPhone: { FreeFormNumber: '555-0301' } });
    await h.drain();
    expect(contact(id).phone).toBe('555-0301');

    h.hubspot.emulator.editAsUser('contacts', id, { phone: '' });
    await h.drain();
    h.hubspot.emulator.editAsUser('contacts', id, { phone: '555-0302' });
    await h.drain();
    expect((await accountant.get('Customer', pilchard!.Id)).PrimaryPhone?.FreeFormNumber).toBe('555-0302');
  });

  test('a name QuickBooks refused is created once the user fixes it: the fixed body is a new request', async () => {
    const scoop = h.hubspot.emulator.createAsUser('contacts', { email: 'scoop@builder.dev', firstname: 'Scoop:', lastname: 'Digger' });
    await h.drain();
    const [refused] = await failures();
    expect(refused).toMatchObject({ hubspotId: scoop.id, action: 'match_or_create', errorCode: 'qbo_validation' });
    expect(refused?.message).toMatch(/^QuickBooks rejected the record: .*DisplayName.*the character ":" is not allowed\. Correct the value/);
    expect(await customersByEmail('scoop@builder.dev')).toEqual([]);

    h.hubspot.emulator.editAsUser('contacts', scoop.id, { firstname: 'Scoop' });
    await h.drain();
    const [created] = await customersByEmail('scoop@builder.dev');
    expect(created).toMatchObject({ DisplayName: 'Scoop Digger', GivenName: 'Scoop' });
    expect(contact(scoop.id).qbo_customer_id).toBe(created!.Id);
  });

  test('one e-mail HubSpot refuses fails that customer only, in the sync log in plain words; the rest of the batch lands', async () => {
    const [bob] = await customersByEmail('bob@builder.dev');
    const [pilchard] = await customersByEmail('pilchard@builder.dev');
    h.qbo.emulator.dropWebhooks(true);
    const b = await accountant.get('Customer', bob!.Id);
    await accountant.update('Customer', {
      Id: b.Id,
      SyncToken: b.SyncToken,
      sparse: true,
      PrimaryEmailAddr: { Address: 'bob@builder.dev, accounts@builder.dev' },
    });
    const p = await accountant.get('Customer', pilchard!.Id);
    await accountant.update('Customer', { Id: p.Id, SyncToken: p.SyncToken, sparse: true, BillAddr: { City: 'Bobsville' } });
    const created = await accountant.create('Customer', { DisplayName: 'Lofty', PrimaryEmailAddr: { Address: 'lofty@builder.dev' } }, { requestId: 'lofty-1' });
    h.qbo.emulator.dropWebhooks(false);
    h.hubspot.emulator.requestLog.length = 0;

    await h.advance(5 * 60_000);
    await h.drain();

    const bobContact = (await linkOf(bob!.Id))!.hubspotId;
    expect(contact((await linkOf(pilchard!.Id))!.hubspotId).city).toBe('Bobsville');
    expect(contact(bobContact).email).toBe('bob@builder.dev');
    const lofty = await linkOf(created.Id);
    expect(contact(lofty!.hubspotId)).toMatchObject({ email: 'lofty@builder.dev' });
    const [failed] = await failures();
    expect(failed).toMatchObject({ hubspotId: bobContact, qboId: bob!.Id, action: 'update', direction: 'to_hubspot', errorCode: 'hubspot_validation' });
    expect(failed?.message).toContain('HubSpot said: Email address bob@builder.dev, accounts@builder.dev is invalid');
    // HubSpot answered the one refusal inside the batch (207): one update call for the two records, nothing split.
    const updates = h.hubspot.emulator.requestLog.filter((r) => r.path === '/crm/v3/objects/contacts/batch/update');
    expect(updates.map((r) => r.status)).toEqual([207]);

    // The sync log's retry queues the refused record by name; fixed in QBO, it lands.
    const fixed = await accountant.get('Customer', bob!.Id);
    await accountant.update('Customer', { Id: fixed.Id, SyncToken: fixed.SyncToken, sparse: true, PrimaryEmailAddr: { Address: 'bob@builder.co' } });
    h.qbo.emulator.dropWebhooks(true);
    const retried = (await (await h.appFetch('/api/sync-log/retry', { method: 'POST' })).json()) as { recordsQueued: number };
    expect(retried.recordsQueued).toBeGreaterThanOrEqual(1);
    await h.drain();
    h.qbo.emulator.dropWebhooks(false);
    expect(contact(bobContact).email).toBe('bob@builder.co');
  });

  test('first sync: one customer HubSpot refuses is logged against it, the others are created in the same batch', async () => {
    const fresh = await startHarness();
    try {
      fresh.qbo.emulator.seed({
        entities: {
          Customer: [
            { DisplayName: 'Spud', PrimaryEmailAddr: { Address: 'spud@builder.dev' } },
            { DisplayName: 'Muck', PrimaryEmailAddr: { Address: 'muck@builder.dev; dizzy@builder.dev' } },
            { DisplayName: 'Roley', PrimaryEmailAddr: { Address: 'roley@builder.dev' }, PrimaryPhone: { FreeFormNumber: '555-0400' } },
          ],
        },
      });
      const c = await fresh.connect();
      await fresh.runtime.clients.hubspot(c).ensureProperties('contacts', [contactProperty]);
      await fresh.runtime.sync.setEnabled(c.id, 'contacts', true);
      await fresh.drain();
      const contacts = [...fresh.hubspot.emulator.state.records.contacts.values()].map((r) => r.properties);
      expect(contacts.map((p) => [p.email, p.phone]).sort()).toEqual([
        ['roley@builder.dev', '555-0400'],
        ['spud@builder.dev', undefined],
      ]);
      const [failed] = await fresh.runtime.store.syncLog.recent(c.id, { outcome: 'failed' });
      const muck = (await fresh.qboUser().query('Customer', `DisplayName = 'Muck'`))[0]!;
      expect(failed).toMatchObject({ qboId: muck.Id, action: 'create', direction: 'to_hubspot' });
      expect(failed?.message).toContain('Email address muck@builder.dev; dizzy@builder.dev is invalid');
      expect(fresh.hubspot.emulator.requestLog.filter((r) => r.path === '/crm/v3/objects/contacts/batch/create').map((r) => r.status)).toEqual([207]);
    } finally {
      await fresh.stop();
    }
  });
});

describe("reconciliation on HubSpot's clock", () => {
  test("with our clock 3 minutes ahead of HubSpot's, a change whose webhook was lost still lands, and quiet passes cost no reads", async () => {
    const h = await startHarness({ backendClockAheadMs: 3 * 60_000 });
    try {
      const seeded = h.hubspot.emulator.seed({ contacts: [{ email: 'dizzy@builder.dev', firstname: 'Dizzy' }] });
      const connection = await h.connect();
      await h.runtime.clients.hubspot(connection).ensureProperties('contacts', [contactProperty]);
      await h.runtime.sync.setEnabled(connection.id, 'contacts', true);
      await h.drain();

      h.hubspot.emulator.dropWebhooks(true);
      await h.advance(30_000);
      h.hubspot.emulator.editAsUser('contacts', seeded.contacts[0]!, { city: 'Pontypandy' });
      await h.advance(5 * 60_000);
      await h.drain();
      const [customer] = await h.qboUser().query('Customer');
      expect(customer?.BillAddr?.City).toBe('Pontypandy');

      // Each checkpoint keeps a margin, so a pass finds the last changes again; a version already synced is skipped
      // unread. A quiet pass costs one HubSpot search and one QBO change-data-capture call.
      await h.advance(5 * 60_000);
      await h.drain();
      const before = h.qboCalls.count;
      h.hubspot.emulator.requestLog.length = 0;
      await h.advance(5 * 60_000);
      await h.drain();
      expect(h.qboCalls.count - before).toBe(1);
      expect(h.hubspot.emulator.requestLog.map((r) => r.path)).toEqual(['/crm/v3/objects/contacts/search']);
    } finally {
      await h.stop();
    }
  });
});

describe('products ⇄ items: the books stay right', () => {
  let h: Harness;
  let connection: Connection;
  let accountant: QboClient;
  const product = (id: string) => h.hubspot.emulator.state.records.products.get(id)!.properties;
  const itemNamed = async (name: string) => (await accountant.query('Item', `Name = ${qboQuote(name)}`))[0];

  beforeAll(async () => {
    h = await startHarness();
    accountant = h.qboUser();
    h.hubspot.emulator.seed({
      products: [
        { name: 'Rivet', hs_sku: 'RIV-1', price: '0.0125' },
        { name: 'Hardware', hs_sku: 'HW-1', price: '10' },
      ],
    });
    h.qbo.emulator.seed({
      entities: {
        Item: [
          { Name: 'Hardware', Type: 'Category' },
          { Name: 'Hammer', Sku: 'HAM-1', Type: 'NonInventory', UnitPrice: 12.5, IncomeAccountRef: { value: '1' } },
        ],
      },
    });
    connection = await h.connect();
    await h.runtime.clients.hubspot(connection).ensureProperties('products', [productProperty]);
    const { settings } = await h.runtime.sync.settings(connection.id, 'products');
    await h.runtime.sync.saveSettings(connection.id, 'products', { ...settings, incomeAccountId: '1' });
    await h.runtime.sync.setEnabled(connection.id, 'products', true);
    await h.drain();
  });
  afterAll(() => h.stop());

  test('prices keep their precision both ways, and a change in the fourth decimal place is a change', async () => {
    const rivet = (await itemNamed('Rivet'))!;
    expect(rivet.UnitPrice).toBe(0.0125);
    const id = (await h.runtime.store.links.byQboId(connection.id, 'products', rivet.Id))!.hubspotId;
    h.hubspot.emulator.editAsUser('products', id, { price: '0.013' });
    await h.drain();
    expect((await accountant.get('Item', rivet.Id)).UnitPrice).toBe(0.013);

    const current = await accountant.get('Item', rivet.Id);
    await accountant.update('Item', { Id: current.Id, SyncToken: current.SyncToken, sparse: true, UnitPrice: 0.01255 });
    await h.drain();
    expect(product(id).price).toBe('0.01255');
  });

  test('QBO item types that are not products stay out of HubSpot: the settings say which sync, the rest is logged once', async () => {
    const { settings } = await h.runtime.sync.settings(connection.id, 'products');
    expect(settings.itemTypes).toEqual(['Service', 'NonInventory', 'Inventory']);
    const names = () => [...h.hubspot.emulator.state.records.products.values()].map((p) => p.properties.name).sort();
    // The HubSpot product "Hardware" does not link to the QBO category of that name: it is created as an item.
    expect(names()).toEqual(['Hammer', 'Hardware (SKU HW-1)', 'Rivet', 'Services']);
    const category = (await accountant.query('Item', `Type = 'Category'`))[0]!;
    expect(await h.runtime.store.links.byQboId(connection.id, 'products', category.Id)).toBeUndefined();
    expect((await accountant.query('Item', `Sku = 'HW-1'`))[0]).toMatchObject({ Name: 'Hardware (SKU HW-1)', Type: 'Service' });

    const skipped = () => h.runtime.store.syncLog.recent(connection.id, { object: 'products', outcome: 'skipped' });
    expect((await skipped()).map((e) => [e.qboId, e.action])).toEqual([[category.Id, 'not_synced']]);
    expect((await skipped())[0]?.message).toBe(
      'QuickBooks item "Hardware" is of type Category, which is not synced with HubSpot products (the Products sync covers Service, NonInventory, Inventory items; see its settings).',
    );

    // Renamed in QBO: its webhook and the next reconciliation meet it again; it is neither created nor logged twice.
    await accountant.update('Item', { Id: category.Id, SyncToken: category.SyncToken, sparse: true, Name: 'Hardware & tools' });
    await h.drain();
    await h.advance(5 * 60_000);
    await h.drain();
    expect(names()).toEqual(['Hammer', 'Hardware (SKU HW-1)', 'Rivet', 'Services']);
    expect(await skipped()).toHaveLength(1);
  });
});

describe('first sync', () => {
  let h: Harness;
  let connection: Connection;

  beforeAll(async () => {
    h = await startHarness();
    h.hubspot.emulator.seed({
      contacts: [
        { email: 'mavis@pontypandy.dev', firstname: 'Mavis' },
        { email: 'trevor@pontypandy.dev', firstname: 'Trevor' },
      ],
    });
    h.qbo.emulator.seed({ entities: { Customer: [{ DisplayName: 'Norman Price', PrimaryEmailAddr: { Address: 'norman@pontypandy.dev' } }] } });
    connection = await h.connect();
    await h.runtime.clients.hubspot(connection).ensureProperties('contacts', [contactProperty]);
  });
  afterAll(() => h.stop());

  test('a settings request cannot mark the first sync done: the server keeps that state, and the first sync runs', async () => {
    const current = (await (await h.appFetch('/api/settings')).json()) as { syncs: { object: string; settings: Record<string, unknown> }[] };
    const contacts = current.syncs.find((s) => s.object === 'contacts')!.settings;
    const refused = await h.appFetch('/api/settings/contacts', { method: 'PUT', body: { ...contacts, firstSyncCompletedAt: '2020-01-01T00:00:00.000Z' } });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { problems: string[] }).problems).toEqual(['firstSyncCompletedAt: set by the app itself, never by a request']);
    expect((await h.runtime.sync.settings(connection.id, 'contacts')).settings.firstSyncCompletedAt).toBeUndefined();

    expect((await h.appFetch('/api/settings/contacts/enable', { method: 'POST' })).status).toBe(200);
    await h.drain();
    expect((await h.qboUser().query('Customer')).map((c) => c.PrimaryEmailAddr?.Address).sort()).toEqual([
      'mavis@pontypandy.dev',
      'norman@pontypandy.dev',
      'trevor@pontypandy.dev',
    ]);
    const { settings } = await h.runtime.sync.settings(connection.id, 'contacts');
    expect(settings.firstSyncCompletedAt).toBe(h.clock.now().toISOString());
  });

  test('run again, it pairs by its links, gives a re-created contact its customer back, and creates nothing twice', async () => {
    const trevor = [...h.hubspot.emulator.state.records.contacts.values()].find((r) => r.properties.email === 'trevor@pontypandy.dev')!;
    h.hubspot.emulator.dropWebhooks(true);
    h.hubspot.emulator.deleteAsUser('contacts', trevor.id);
    const again = h.hubspot.emulator.createAsUser('contacts', { email: 'trevor@pontypandy.dev', firstname: 'Trevor' });
    await h.drain();
    h.hubspot.emulator.dropWebhooks(false);

    const counts = await h.runtime.sync.runFirstSync(connection.id, 'contacts');
    expect(counts).toMatchObject({ createdInQbo: 0, createdInHubspot: 0, failed: 0, linked: 1 });
    expect(await h.qboUser().query('Customer')).toHaveLength(3);
    expect(h.hubspot.emulator.state.records.contacts.size).toBe(4);
    const [customer] = await h.qboUser().query('Customer', `PrimaryEmailAddr = 'trevor@pontypandy.dev'`);
    expect((await h.runtime.store.links.byQboId(connection.id, 'contacts', customer!.Id))?.hubspotId).toBe(again.id);
    expect(await h.runtime.store.links.count(connection.id, 'contacts')).toBe(3);
  });
});
