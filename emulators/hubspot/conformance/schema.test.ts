import { PropertyCreateFieldTypeEnum, PropertyCreateTypeEnum } from '@hubspot/api-client/lib/codegen/crm/properties/models/PropertyCreate';
import { AssociationSpecAssociationCategoryEnum as Cat } from '@hubspot/api-client/lib/codegen/crm/associations/v4/models/AssociationSpec';
import { expectHubSpotError, failure, startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('Properties API', () => {
  test('creates a group and properties the app needs, with type/fieldType validation and 409 on duplicates', async () => {
    const group = await h.client.crm.properties.groupsApi.create('deals', { name: 'qbo_sync', label: 'QuickBooks', displayOrder: 1 });
    expect(group).toMatchObject({ name: 'qbo_sync', label: 'QuickBooks' });
    const prop = await h.client.crm.properties.coreApi.create('deals', {
      name: 'qbo_invoice_status',
      label: 'QBO invoice status',
      type: PropertyCreateTypeEnum.Enumeration,
      fieldType: PropertyCreateFieldTypeEnum.Select,
      groupName: 'qbo_sync',
      options: [
        { label: 'Open', value: 'open', displayOrder: 0, hidden: false },
        { label: 'Paid', value: 'paid', displayOrder: 1, hidden: false },
      ],
    });
    expect(prop).toMatchObject({
      name: 'qbo_invoice_status',
      type: 'enumeration',
      fieldType: 'select',
      hubspotDefined: false,
      modificationMetadata: { readOnlyValue: false },
    });
    const dup = await failure(
      h.client.crm.properties.coreApi.create('deals', {
        name: 'qbo_invoice_status',
        label: 'x',
        type: PropertyCreateTypeEnum.String,
        fieldType: PropertyCreateFieldTypeEnum.Text,
        groupName: 'qbo_sync',
      }),
    );
    expect(dup.code).toBe(409);
    expectHubSpotError(dup.body, 'CONFLICT');
    const badPair = await failure(
      h.client.crm.properties.coreApi.create('deals', {
        name: 'qbo_amount',
        label: 'x',
        type: PropertyCreateTypeEnum.Number,
        fieldType: PropertyCreateFieldTypeEnum.Text,
        groupName: 'qbo_sync',
      }),
    );
    expect(badPair.code).toBe(400);
    const noGroup = await failure(
      h.client.crm.properties.coreApi.create('deals', {
        name: 'qbo_x',
        label: 'x',
        type: PropertyCreateTypeEnum.String,
        fieldType: PropertyCreateFieldTypeEnum.Text,
        groupName: 'missing',
      }),
    );
    expect(noGroup.code).toBe(400);
    // The new property is usable, and enumeration values are checked.
    const deal = await h.client.crm.deals.basicApi.create({
      properties: { dealname: 'D', pipeline: 'default', dealstage: 'closedwon', qbo_invoice_status: 'paid' },
      associations: [],
    });
    expect((await h.client.crm.deals.basicApi.getById(deal.id, ['qbo_invoice_status'])).properties.qbo_invoice_status).toBe('paid');
    expect((await failure(h.client.crm.deals.basicApi.update(deal.id, { properties: { qbo_invoice_status: 'Paid' } }))).code).toBe(400);
  });

  test('reads HubSpot-defined properties with read-only metadata; unknown names are 404', async () => {
    const all = await h.client.crm.properties.coreApi.getAll('line_items');
    expect(all.results.map((p) => p.name)).toEqual(expect.arrayContaining(['hs_product_id', 'quantity', 'price', 'amount', 'discount']));
    const amount = await h.client.crm.properties.coreApi.getByName('line_items', 'amount');
    expect(amount.modificationMetadata?.readOnlyValue).toBe(true);
    const missing = await failure(h.client.crm.properties.coreApi.getByName('deals', 'nope'));
    expect(missing.code).toBe(404);
  });

  test('custom unique properties are enforced and usable as idProperty', async () => {
    await h.client.crm.properties.coreApi.create('contacts', {
      name: 'qbo_customer_id',
      label: 'QBO id',
      type: PropertyCreateTypeEnum.String,
      fieldType: PropertyCreateFieldTypeEnum.Text,
      groupName: 'contactinformation',
      hasUniqueValue: true,
    });
    const c = await h.client.crm.contacts.basicApi.create({ properties: { qbo_customer_id: '58' }, associations: [] });
    expect((await failure(h.client.crm.contacts.basicApi.create({ properties: { qbo_customer_id: '58' }, associations: [] }))).code).toBe(409);
    expect((await h.client.crm.contacts.basicApi.getById('58', undefined, undefined, undefined, false, 'qbo_customer_id')).id).toBe(c.id);
  });
});

describe('Associations v4', () => {
  test('default and labelled associations, single and batch, read back both ways', async () => {
    const deal = await h.client.crm.deals.basicApi.create({ properties: { dealname: 'A', pipeline: 'default', dealstage: 'closedwon' }, associations: [] });
    const company = await h.client.crm.companies.basicApi.create({ properties: { name: 'Acme' }, associations: [] });
    const contact = await h.client.crm.contacts.basicApi.create({ properties: { email: 'assoc@example.com' }, associations: [] });
    const def = await h.client.crm.associations.v4.basicApi.createDefault('deals', deal.id, 'companies', company.id);
    expect(def.results.map((r) => r.associationSpec.associationTypeId)).toEqual([341, 342]);
    const labelled = await h.client.crm.associations.v4.basicApi.create('deals', deal.id, 'companies', company.id, [
      { associationCategory: Cat.HubspotDefined, associationTypeId: 5 },
    ]);
    expect(labelled).toMatchObject({ fromObjectTypeId: '0-3', toObjectTypeId: '0-2', labels: ['Primary'] });
    const back = await h.client.crm.associations.v4.basicApi.getPage('companies', company.id, 'deals');
    expect(back.results).toEqual([{ toObjectId: Number(deal.id), associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 6, label: 'Primary' }] }]);

    await h.client.crm.associations.v4.batchApi.createDefault('deals', 'contacts', { inputs: [{ _from: { id: deal.id }, to: { id: contact.id } }] });
    const read = await h.client.crm.associations.v4.batchApi.getPage('contacts', 'deals', { inputs: [{ id: contact.id }] });
    expect(read.results[0]!.to[0]).toMatchObject({ toObjectId: Number(deal.id), associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 4, label: null }] });

    const bad = await failure(
      h.client.crm.associations.v4.basicApi.create('deals', deal.id, 'companies', company.id, [
        { associationCategory: Cat.HubspotDefined, associationTypeId: 20 },
      ]),
    );
    expect(bad.code).toBe(400);
    expectHubSpotError(bad.body, 'VALIDATION_ERROR');
    const missing = await failure(h.client.crm.associations.v4.basicApi.createDefault('deals', deal.id, 'companies', '1'));
    expect(missing.code).toBe(404);

    await h.client.crm.associations.v4.basicApi.archive('deals', deal.id, 'companies', company.id);
    expect((await h.client.crm.associations.v4.basicApi.getPage('deals', deal.id, 'companies')).results).toEqual([]);
    await h.client.crm.associations.v4.batchApi.archive('deals', 'contacts', { inputs: [{ _from: { id: deal.id }, to: [{ id: contact.id }] }] });
    expect((await h.client.crm.associations.v4.basicApi.getPage('contacts', contact.id, 'deals')).results).toEqual([]);
  });
});
