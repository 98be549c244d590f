import { readFileSync } from 'node:fs';
import { Signature } from '@hubspot/api-client';
import { signV1, signV2, signV3 } from '../signatures';
import { startHarness, type Harness } from './harness';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
const json = <T = Record<string, unknown>>(name: string) => JSON.parse(fixture(name)) as T;

/** Key → JSON type, so shapes compare without comparing values. */
const shape = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v]));

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('shapes match real HubSpot payloads (fixtures/README.md)', () => {
  test('signatures reproduce the docs vectors', () => {
    const secret = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
    expect(signV1(secret, fixture('webhook-batch-v1-docs.json').trim())).toBe('232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de');
    expect(signV2(secret, 'GET', 'https://www.example.com/webhook_uri', '')).toBe('eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e');
    expect(signV2(secret, 'POST', 'https://www.example.com/webhook_uri', '{"example_field":"example_value"}')).toBe(
      '9569219f8ba981ffa6f6f16aa0f48637d35d728c7e4d93d0d52efaa512af7900',
    );
    const v3 = signV3(secret, 'POST', 'https://www.example.com/webhook_uri', '{"example_field":"example_value"}', 1700000000000);
    expect(v3).toBe(
      Signature.getSignature('POST', 'v3', {
        signature: '',
        clientSecret: secret,
        url: 'https://www.example.com/webhook_uri',
        requestBody: '{"example_field":"example_value"}',
        timestamp: 1700000000000,
      }),
    );
  });

  test('webhook events for app writes have the real creation and propertyChange shapes', async () => {
    const emu = h.started.emulator;
    emu.setWebhookTarget({ url: `${h.app.url}/webhooks` });
    await h.client.crm.contacts.basicApi.create({ properties: { email: 'f@example.com' }, associations: [] });
    await emu.flushWebhooks();
    const events = JSON.parse(h.app.received[0]!.body) as Record<string, unknown>[];
    const [realCreation] = json<Record<string, unknown>[]>('webhook-contact-creation-integration.json');
    const [realChange] = json<Record<string, unknown>[]>('webhook-contact-propertychange-integration.json');
    expect(shape(events[0]!)).toEqual(shape(realCreation!));
    expect(shape(events[1]!)).toEqual(shape(realChange!));
    expect(events[0]).toMatchObject({ changeFlag: realCreation!.changeFlag, changeSource: realCreation!.changeSource, sourceId: String(emu.config.appId) });
  });

  test('CRM object, search and association responses have the docs shapes', async () => {
    const inv = await h.client.crm.commerce.invoices.basicApi.create({ properties: { hs_currency: 'USD' }, associations: [] });
    const res = await fetch(
      `${h.started.info.url}/crm/v3/objects/invoices/${inv.id}?properties=hs_createdate,hs_lastmodifieddate,hs_object_id,hs_amount_billed,hs_invoice_status`,
      { headers: { authorization: `Bearer ${h.started.info.accessToken}` } },
    );
    const raw = (await res.json()) as Record<string, unknown>;
    const real = json('invoice-get-docs.json');
    expect(shape(raw)).toEqual(shape(real));
    expect(Object.keys(raw.properties as object)).toEqual(expect.arrayContaining(Object.keys(real.properties as object)));

    for (let i = 0; i < 11; i++) await h.client.crm.contacts.basicApi.create({ properties: { email: `s${i}@example.com`, firstname: 'S' }, associations: [] });
    const search = await fetch(`${h.started.info.url}/crm/v3/objects/contacts/search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.started.info.accessToken}`, 'content-type': 'application/json' },
      body: '{}',
    });
    const body = (await search.json()) as Record<string, unknown> & { results: Record<string, unknown>[] };
    const realSearch = json<Record<string, unknown> & { results: Record<string, unknown>[] }>('search-response-docs.json');
    expect(shape(body)).toEqual(shape(realSearch));
    expect(shape(body.results[0]!)).toEqual(shape(realSearch.results[0]!));
    expect(Object.keys(body.results[0]!.properties as object).sort()).toEqual(Object.keys(realSearch.results[0]!.properties as object).sort());
    expect(body.paging).toEqual(realSearch.paging);

    const deal = await h.client.crm.deals.basicApi.create({ properties: { dealname: 'A', pipeline: 'default', dealstage: 'closedwon' }, associations: [] });
    const li = await h.client.crm.lineItems.basicApi.create({ properties: { quantity: '1', price: '1' }, associations: [] });
    const assoc = await fetch(`${h.started.info.url}/crm/v4/objects/line_items/${li.id}/associations/default/deals/${deal.id}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${h.started.info.accessToken}` },
    });
    const a = (await assoc.json()) as { results: Record<string, unknown>[] } & Record<string, unknown>;
    const realAssoc = json<{ results: Record<string, unknown>[] } & Record<string, unknown>>('associations-default-create-docs.json');
    expect(shape(a)).toEqual(shape(realAssoc));
    // Both directions come back; the docs example's order depends on which side the call named, so compare as sets.
    const typeIds = (r: { results: Record<string, unknown>[] }) =>
      r.results.map((x) => (x.associationSpec as { associationTypeId: number }).associationTypeId).sort();
    expect(typeIds(a)).toEqual(typeIds(realAssoc));
  });
});
