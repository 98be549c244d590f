import { FilterOperatorEnum } from '@hubspot/api-client/lib/codegen/crm/objects/models/Filter';
import { AssociationSpecAssociationCategoryEnum } from '@hubspot/api-client/lib/codegen/crm/objects/models/AssociationSpec';
import { expectHubSpotError, failure, startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => h.started.emulator.reset());

describe('CRM objects through @hubspot/api-client', () => {
  test('create (201), get, update, archive (204) with system properties maintained', async () => {
    const c = await h.client.crm.contacts.basicApi.create({ properties: { email: 'ada@example.com', firstname: 'Ada' }, associations: [] });
    expect(c.id).toMatch(/^\d+$/);
    expect(c.properties).toMatchObject({ email: 'ada@example.com', firstname: 'Ada', hs_object_id: c.id, lastname: null });
    expect(c.properties.createdate).toBe(c.createdAt.toISOString());
    h.clock.advance(60_000);
    const updated = await h.client.crm.contacts.basicApi.update(c.id, { properties: { lastname: 'Lovelace' } });
    expect(updated.updatedAt.getTime()).toBe(c.createdAt.getTime() + 60_000);
    expect(updated.properties.lastmodifieddate).toBe(updated.updatedAt.toISOString());
    const got = await h.client.crm.contacts.basicApi.getById(c.id, ['lastname', 'phone'], ['lastname']);
    expect(got.properties).toEqual({
      lastname: 'Lovelace',
      phone: null,
      hs_object_id: c.id,
      createdate: c.properties.createdate,
      lastmodifieddate: updated.properties.lastmodifieddate,
    });
    expect(got.propertiesWithHistory?.lastname?.[0]).toMatchObject({ value: 'Lovelace', sourceType: 'INTEGRATION', sourceId: String(h.started.info.appId) });
    await h.client.crm.contacts.basicApi.archive(c.id);
    const gone = await failure(h.client.crm.contacts.basicApi.getById(c.id));
    expect(gone.code).toBe(404);
    expectHubSpotError(gone.body, 'OBJECT_NOT_FOUND');
    const archived = await h.client.crm.contacts.basicApi.getById(c.id, undefined, undefined, undefined, true);
    expect(archived.archived).toBe(true);
  });

  test('list pages with after until paging is absent', async () => {
    for (let i = 0; i < 5; i++) await h.client.crm.companies.basicApi.create({ properties: { name: `Co ${i}` }, associations: [] });
    const first = await h.client.crm.companies.basicApi.getPage(2);
    expect(first.results).toHaveLength(2);
    const after = first.paging!.next!.after;
    const second = await h.client.crm.companies.basicApi.getPage(2, after);
    expect(second.results[0]!.properties.name).toBe('Co 2');
    const all = await h.client.crm.companies.getAll();
    expect(all.map((c) => c.properties.name)).toEqual(['Co 0', 'Co 1', 'Co 2', 'Co 3', 'Co 4']);
  });

  test('unknown properties, bad values and missing required properties are 400 VALIDATION_ERROR', async () => {
    const unknown = await failure(h.client.crm.contacts.basicApi.create({ properties: { testproperty: 'x' }, associations: [] }));
    expect(unknown.code).toBe(400);
    expectHubSpotError(unknown.body, 'VALIDATION_ERROR');
    expect(unknown.body.errors).toEqual([
      { message: 'Property "testproperty" does not exist', code: 'PROPERTY_DOESNT_EXIST', context: { propertyName: ['testproperty'] } },
    ]);
    expect(unknown.body.message).toMatch(/^Property values were not valid: \[\{"isValid":false/);
    const number = await failure(
      h.client.crm.deals.basicApi.create({ properties: { dealname: 'x', pipeline: 'default', dealstage: 'closedwon', amount: 'lots' }, associations: [] }),
    );
    expect(number.code).toBe(400);
    const stage = await failure(
      h.client.crm.deals.basicApi.create({ properties: { dealname: 'x', pipeline: 'default', dealstage: 'nope' }, associations: [] }),
    );
    expect((stage.body.errors as { code: string }[])[0]!.code).toBe('INVALID_OPTION');
    const missing = await failure(h.client.crm.deals.basicApi.create({ properties: { dealname: 'x' }, associations: [] }));
    expect(missing.code).toBe(400);
    const readOnly = await failure(h.client.crm.contacts.basicApi.create({ properties: { hs_object_id: '1' }, associations: [] }));
    expect((readOnly.body.errors as { code: string }[])[0]!.code).toBe('READ_ONLY_VALUE');
  });

  test('unique email: 409 CONFLICT naming the existing id', async () => {
    const c = await h.client.crm.contacts.basicApi.create({ properties: { email: 'dup@example.com' }, associations: [] });
    const dup = await failure(h.client.crm.contacts.basicApi.create({ properties: { email: 'DUP@example.com' }, associations: [] }));
    expect(dup.code).toBe(409);
    expectHubSpotError(dup.body, 'CONFLICT');
    expect(dup.body.message).toBe(`Contact already exists. Existing ID: ${c.id}`);
    const byEmail = await h.client.crm.contacts.basicApi.getById('dup@example.com', undefined, undefined, undefined, false, 'email');
    expect(byEmail.id).toBe(c.id);
  });

  test('line items inherit from their product and compute amount = quantity × price − discount', async () => {
    const p = await h.client.crm.products.basicApi.create({ properties: { name: 'Widget', price: '25', hs_sku: 'W-1' }, associations: [] });
    const deal = await h.client.crm.deals.basicApi.create({
      properties: { dealname: 'D', pipeline: 'default', dealstage: 'appointmentscheduled' },
      associations: [],
    });
    const li = await h.client.crm.lineItems.basicApi.create({
      properties: { hs_product_id: p.id, quantity: '4', discount: '5' },
      associations: [{ to: { id: deal.id }, types: [{ associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined, associationTypeId: 20 }] }],
    });
    const read = await h.client.crm.lineItems.basicApi.getById(li.id, ['name', 'price', 'quantity', 'amount', 'hs_sku', 'hs_product_id', 'discount']);
    expect(read.properties).toMatchObject({ name: 'Widget', price: '25', quantity: '4', amount: '80.00', hs_sku: 'W-1', hs_product_id: p.id, discount: '5' });
    const withAssoc = await h.client.crm.deals.basicApi.getById(deal.id, undefined, undefined, ['line_items']);
    expect(withAssoc.associations?.line_items?.results).toEqual([{ id: li.id, type: 'deal_to_line_item' }]);
    const badProduct = await failure(h.client.crm.lineItems.basicApi.create({ properties: { hs_product_id: '999' }, associations: [] }));
    expect(badProduct.code).toBe(400);
  });

  test('invoices: draft by default, opening needs a contact and a line item, only drafts can be deleted', async () => {
    const inv = await h.client.crm.commerce.invoices.basicApi.create({ properties: { hs_currency: 'USD' }, associations: [] });
    expect(inv.properties).toMatchObject({ hs_object_id: inv.id });
    const full = await h.client.crm.commerce.invoices.basicApi.getById(inv.id, ['hs_invoice_status', 'hs_currency']);
    expect(full.properties.hs_invoice_status).toBe('draft');
    const open = await failure(h.client.crm.commerce.invoices.basicApi.update(inv.id, { properties: { hs_invoice_status: 'open' } }));
    expect(open.code).toBe(400);
    const nonBillable = await h.client.crm.commerce.invoices.basicApi.update(inv.id, {
      properties: { hs_invoice_billable: 'false', hs_invoice_status: 'open' },
    });
    expect(nonBillable.id).toBe(inv.id);
    const del = await failure(h.client.crm.commerce.invoices.basicApi.archive(inv.id));
    expect(del.code).toBe(400);
    const noCurrency = await failure(h.client.crm.commerce.invoices.basicApi.create({ properties: {}, associations: [] }));
    expect(noCurrency.code).toBe(400);
  });

  test('finalizing an invoice sets its number and totals: line items, then discounts, fees and taxes (percent or fixed)', async () => {
    const product = await h.client.crm.products.basicApi.create({ properties: { name: 'Widget', price: '50' }, associations: [] });
    const contact = await h.client.crm.contacts.basicApi.create({ properties: { email: 'buyer@example.com' }, associations: [] });
    const line = await h.client.crm.lineItems.basicApi.create({ properties: { hs_product_id: product.id, quantity: '4' }, associations: [] });
    const adjustment = (type: string, label: string, kind: string, value: string) =>
      h.client.crm.objects.basicApi.create(type, { properties: { hs_label: label, hs_type: kind, hs_value: value }, associations: [] });
    const discount = await adjustment('discounts', 'Launch', 'PERCENT', '10');
    const fee = await adjustment('fees', 'Shipping', 'FIXED', '15');
    const tax = await adjustment('taxes', 'VAT 20%', 'PERCENT', '20');
    const inv = await h.client.crm.commerce.invoices.basicApi.create({ properties: { hs_currency: 'USD' }, associations: [] });
    for (const [type, id] of [
      ['contacts', contact.id],
      ['line_items', line.id],
      ['discounts', discount.id],
      ['fees', fee.id],
      ['taxes', tax.id],
    ] as const)
      await h.client.crm.associations.v4.basicApi.createDefault('invoices', inv.id, type, id);
    await h.client.crm.commerce.invoices.basicApi.update(inv.id, { properties: { hs_invoice_status: 'open' } });
    const finalized = await h.client.crm.commerce.invoices.basicApi.getById(inv.id, ['hs_number', 'hs_amount_billed', 'hs_balance_due']);
    // 4 × 50 = 200, 10% off = 180, + 15 shipping = 195, + 20% VAT = 234.
    expect(finalized.properties).toMatchObject({ hs_number: 'INV-1001', hs_amount_billed: '234.00', hs_balance_due: '234.00' });
    const invalid = await failure(
      h.client.crm.objects.basicApi.create('taxes', { properties: { hs_label: 'Odd', hs_type: 'SOMETIMES', hs_value: '1' }, associations: [] }),
    );
    expect(invalid.code).toBe(400);
  });

  test("currency properties take only the portal's currencies: its company currency, plus additional ones once added", async () => {
    const euros = { properties: { hs_currency: 'EUR' }, associations: [] };
    const refused = await failure(h.client.crm.commerce.invoices.basicApi.create(euros));
    expect(refused.code).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('EUR was not one of the allowed options: [USD]');

    // POST /__emulator/seed, as an admin adding a currency in Settings.
    const seeded = await fetch(`${h.started.info.url}/__emulator/seed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ currencies: { additional: ['EUR'] } }),
    });
    expect(seeded.status).toBe(201);
    const inv = await h.client.crm.commerce.invoices.basicApi.create(euros);
    expect((await h.client.crm.commerce.invoices.basicApi.getById(inv.id, ['hs_currency'])).properties.hs_currency).toBe('EUR');
    for (const [type, name] of [
      ['invoices', 'hs_currency'],
      ['deals', 'deal_currency_code'],
      ['line_items', 'hs_line_item_currency_code'],
    ] as const) {
      expect((await h.client.crm.properties.coreApi.getByName(type, name)).options.map((o) => o.value)).toEqual(['USD', 'EUR']);
    }
    expect((await failure(h.client.crm.deals.basicApi.create({ properties: { dealname: 'Yen', deal_currency_code: 'JPY' }, associations: [] }))).code).toBe(
      400,
    );

    // A reset is a new portal again.
    h.started.emulator.reset();
    expect((await failure(h.client.crm.commerce.invoices.basicApi.create(euros))).code).toBe(400);
  });

  test('batch read/create/update/upsert/archive, 207 for missing ids, ≤ 100 inputs', async () => {
    const created = await h.client.crm.contacts.batchApi.create({
      inputs: [1, 2, 3].map((i) => ({ properties: { email: `b${i}@example.com` }, associations: [] })),
    });
    expect(created.status).toBe('COMPLETE');
    expect(created.results).toHaveLength(3);
    const ids = created.results.map((r) => r.id);
    const read = await h.client.crm.contacts.batchApi.read({ inputs: [...ids, '1'].map((id) => ({ id })), properties: ['email'], propertiesWithHistory: [] });
    expect(read.results).toHaveLength(3);
    expect((read as unknown as { numErrors: number }).numErrors).toBe(1);
    const updated = await h.client.crm.contacts.batchApi.update({ inputs: [{ id: ids[0]!, properties: { firstname: 'B' } }] });
    expect(updated.results[0]!.properties.firstname).toBe('B');
    const upserted = await h.client.crm.contacts.batchApi.upsert({
      inputs: [
        { id: 'b2@example.com', idProperty: 'email', properties: { firstname: 'Two' } },
        { id: 'new@example.com', idProperty: 'email', properties: { firstname: 'New' } },
      ],
    });
    expect(upserted.results.map((r) => [r.properties.email, r._new])).toEqual([
      ['b2@example.com', false],
      ['new@example.com', true],
    ]);
    await h.client.crm.contacts.batchApi.archive({ inputs: [{ id: ids[2]! }] });
    expect((await h.client.crm.contacts.getAll()).length).toBe(3);
    const tooMany = await failure(
      h.client.crm.contacts.batchApi.read({ inputs: Array.from({ length: 101 }, (_, i) => ({ id: String(i) })), properties: [], propertiesWithHistory: [] }),
    );
    expect(tooMany.code).toBe(400);
    const halfBad = await failure(
      h.client.crm.contacts.batchApi.create({
        inputs: [
          { properties: { email: 'ok@example.com' }, associations: [] },
          { properties: { nope: 'x' }, associations: [] },
        ],
      }),
    );
    expect(halfBad.code).toBe(400);
    // The failed batch wrote nothing.
    const search = await h.client.crm.contacts.searchApi.doSearch({
      filterGroups: [{ filters: [{ propertyName: 'email', operator: FilterOperatorEnum.Eq, value: 'ok@example.com' }] }],
    });
    expect(search.total).toBe(0);
  });

  test('multi-status: with an objectWriteTraceId on every input, batch create answers 207 naming each refused input; batch update always does', async () => {
    type WithErrors = {
      numErrors: number;
      errors: { category: string; message: string; context: Record<string, string[]>; errors: { message: string; code: string }[] }[];
    };
    const created = await h.client.crm.contacts.batchApi.create({
      inputs: [
        { properties: { email: 'ok@example.com', phone: '555-0100' }, associations: [], objectWriteTraceId: 't1' },
        { properties: { email: 'bob@builder.dev, accounts@builder.dev' }, associations: [], objectWriteTraceId: 't2' },
        { properties: { email: 'ok2@example.com', nope: 'x' }, associations: [], objectWriteTraceId: 't3' },
      ],
    });
    const errors = (created as unknown as WithErrors).errors;
    expect(created.results.map((r) => [r.objectWriteTraceId, r.properties.email, r.properties.phone])).toEqual([['t1', 'ok@example.com', '555-0100']]);
    expect(errors.map((e) => [e.category, e.context.objectWriteTraceId, e.errors[0]?.code])).toEqual([
      ['VALIDATION_ERROR', ['t2'], 'INVALID_EMAIL'],
      ['VALIDATION_ERROR', ['t3'], 'PROPERTY_DOESNT_EXIST'],
    ]);
    expect(errors[0]!.errors[0]!.message).toBe('Email address bob@builder.dev, accounts@builder.dev is invalid');
    // A unique value taken is that input's CONFLICT, not the batch's.
    const dup = await h.client.crm.contacts.batchApi.create({
      inputs: [{ properties: { email: 'OK@example.com' }, associations: [], objectWriteTraceId: 'd1' }],
    });
    expect((dup as unknown as WithErrors).errors.map((e) => [e.category, e.context.objectWriteTraceId])).toEqual([['CONFLICT', ['d1']]]);

    const id = created.results[0]!.id;
    const updated = await h.client.crm.contacts.batchApi.update({
      inputs: [
        { id, properties: { city: 'Oslo', phone: '' } },
        { id: '1', properties: { city: 'Bergen' } },
      ],
    });
    // The written properties come back, a cleared one as null; the missing record is named by id.
    expect(updated.results.map((r) => [r.id, r.properties.city, r.properties.phone])).toEqual([[id, 'Oslo', null]]);
    expect((updated as unknown as WithErrors).errors.map((e) => [e.category, e.context.ids])).toEqual([['OBJECT_NOT_FOUND', ['1']]]);
    const refused = await h.client.crm.contacts.batchApi.update({ inputs: [{ id, properties: { email: 'nope' }, objectWriteTraceId: 'u1' }] });
    expect((refused as unknown as WithErrors).errors.map((e) => [e.context.ids, e.context.objectWriteTraceId])).toEqual([[[id], ['u1']]]);
    expect((await h.client.crm.contacts.basicApi.getById(id, ['email'])).properties.email).toBe('ok@example.com');
  });

  test('create and update answers carry the default properties and every property written', async () => {
    const c = await h.client.crm.contacts.basicApi.create({ properties: { email: 'w@example.com', phone: '555-0199', city: 'Oslo' }, associations: [] });
    expect(c.properties).toMatchObject({ email: 'w@example.com', phone: '555-0199', city: 'Oslo', firstname: null });
    const u = await h.client.crm.contacts.basicApi.update(c.id, { properties: { jobtitle: 'Accountant' } });
    expect(u.properties).toMatchObject({ jobtitle: 'Accountant', email: 'w@example.com' });
    expect(u.properties).not.toHaveProperty('city');
    const p = await h.client.crm.products.basicApi.create({ properties: { name: 'Rivet', price: '0.0125', hs_sku: 'R-1' }, associations: [] });
    expect(p.properties).toMatchObject({ name: 'Rivet', price: '0.0125', hs_sku: 'R-1' });
  });

  test('unsupported input gets HubSpot error bodies, never a silent 200', async () => {
    const { url, accessToken } = h.started.info;
    const call = (path: string, init: RequestInit = {}) =>
      fetch(`${url}${path}`, { ...init, headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' } });
    const unknownField = await call('/crm/v3/objects/contacts', { method: 'POST', body: JSON.stringify({ properties: {}, extra: 1 }) });
    expect(unknownField.status).toBe(400);
    expectHubSpotError((await unknownField.json()) as Record<string, unknown>, 'VALIDATION_ERROR');
    const badJson = await call('/crm/v3/objects/contacts', { method: 'POST', body: '{' });
    expect(badJson.status).toBe(400);
    const unknownQuery = await call('/crm/v3/objects/contacts?sort=x');
    expect(unknownQuery.status).toBe(400);
    const unknownType = await call('/crm/v3/objects/widgets');
    expect(unknownType.status).toBe(400);
    const unknownRoute = await call('/crm/v3/nothing/here');
    expect(unknownRoute.status).toBe(404);
    expectHubSpotError((await unknownRoute.json()) as Record<string, unknown>, 'OBJECT_NOT_FOUND');
  });

  test('merge keeps the primary and archives the other', async () => {
    const a = await h.client.crm.contacts.basicApi.create({ properties: { email: 'a@example.com' }, associations: [] });
    const b = await h.client.crm.contacts.basicApi.create({ properties: { email: 'b@example.com', phone: '123' }, associations: [] });
    const merged = await h.client.crm.contacts.basicApi.merge({ primaryObjectId: a.id, objectIdToMerge: b.id });
    expect(merged.id).toBe(a.id);
    const read = await h.client.crm.contacts.basicApi.getById(a.id, ['phone', 'email']);
    expect(read.properties).toMatchObject({ phone: '123', email: 'a@example.com' });
  });

  test('deal pipelines are readable', async () => {
    const pipelines = await h.client.crm.pipelines.pipelinesApi.getAll('deals');
    expect(pipelines.results[0]!.id).toBe('default');
    expect(pipelines.results[0]!.stages.map((s) => s.id)).toContain('closedwon');
  });
});
