import { FilterOperatorEnum as Op } from '@hubspot/api-client/lib/codegen/crm/objects/models/Filter';
import { expectHubSpotError, failure, startHarness, type Harness } from './harness';

let h: Harness;
let ids: string[] = [];
let modifiedAt = 0;
beforeAll(async () => {
  h = await startHarness();
  const created = await h.client.crm.contacts.batchApi.create({
    inputs: ['ann@acme.com', 'bob@acme.com', 'cy@other.org', 'dee@acme.com'].map((email, i) => ({
      properties: { email, firstname: ['Ann', 'Bob', 'Cy', 'Dee'][i]! },
      associations: [],
    })),
  });
  ids = created.results.map((r) => r.id).sort();
  h.clock.advance(60_000);
  modifiedAt = (await h.client.crm.contacts.basicApi.update(ids[1]!, { properties: { lastname: 'Later' } })).updatedAt.getTime();
});
afterAll(() => h.close());

/** Search allows 5 requests/s per account (https://developers.hubspot.com/docs/api-reference/latest/crm/search-the-crm); each call moves the clock past that window. */
const search = (body: Parameters<Harness['client']['crm']['contacts']['searchApi']['doSearch']>[0]) => {
  h.clock.advance(1000);
  return h.client.crm.contacts.searchApi.doSearch(body);
};

describe('CRM search', () => {
  test('filters AND inside a group, groups OR; CONTAINS_TOKEN wildcards; default limit 10', async () => {
    const acme = await search({
      filterGroups: [
        {
          filters: [
            { propertyName: 'email', operator: Op.ContainsToken, value: '*@acme.com' },
            { propertyName: 'firstname', operator: Op.Neq, value: 'bob' },
          ],
        },
      ],
    });
    expect(acme.results.map((r) => r.properties.firstname).sort()).toEqual(['Ann', 'Dee']);
    const either = await search({
      filterGroups: [
        { filters: [{ propertyName: 'firstname', operator: Op.Eq, value: 'cy' }] },
        { filters: [{ propertyName: 'firstname', operator: Op.Eq, value: 'ann' }] },
      ],
    });
    expect(either.total).toBe(2);
    const lower = await search({ filterGroups: [{ filters: [{ propertyName: 'firstname', operator: Op.In, values: ['ann', 'Bob'] }] }] });
    // String IN values must be lowercase (https://developers.hubspot.com/docs/api-reference/latest/crm/search-the-crm): 'Bob' does not match.
    expect(lower.results.map((r) => r.properties.firstname)).toEqual(['Ann']);
  });

  test('lastmodifieddate filters with epoch ms, sorts, paging with after and total', async () => {
    const since = String(modifiedAt - 30_000);
    const changed = await search({
      filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: Op.Gte, value: since }] }],
      sorts: ['lastmodifieddate'],
    });
    expect(changed.results.map((r) => r.id)).toEqual([ids[1]]);
    const page1 = await search({ limit: 2, sorts: [{ propertyName: 'firstname', direction: 'DESCENDING' }] as unknown as string[], properties: ['firstname'] });
    expect(page1.total).toBe(4);
    expect(page1.results.map((r) => r.properties.firstname)).toEqual(['Dee', 'Cy']);
    expect(page1.paging?.next?.after).toBe('2');
    const page2 = await search({
      limit: 2,
      after: page1.paging!.next!.after,
      sorts: [{ propertyName: 'firstname', direction: 'DESCENDING' }] as unknown as string[],
    });
    expect(page2.results.map((r) => r.properties.firstname)).toEqual(['Bob', 'Ann']);
    expect(page2.paging).toBeUndefined();
    expect(Object.keys(page2.results[0]!.properties).sort()).toEqual(['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname']);
  });

  test('more than 5 searches in a second get 429 with the secondly-limit message the SDK retries on', async () => {
    h.clock.advance(1000);
    const calls = Array.from({ length: 6 }, () => h.client.crm.contacts.searchApi.doSearch({ limit: 1 }));
    const outcomes = await Promise.allSettled(calls);
    const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect((rejected[0]!.reason as { code: number; body: unknown }).code).toBe(429);
  });

  test('limits: limit ≤ 200, the 10,000-result window, 5 groups / 6 filters, unknown properties', async () => {
    const big = await failure(search({ limit: 201 }));
    expect(big.code).toBe(400);
    expectHubSpotError(big.body, 'VALIDATION_ERROR');
    expect((await failure(search({ after: '10000' }))).code).toBe(400);
    const f = { propertyName: 'firstname', operator: Op.HasProperty };
    expect((await failure(search({ filterGroups: Array.from({ length: 6 }, () => ({ filters: [f] })) }))).code).toBe(400);
    expect((await failure(search({ filterGroups: [{ filters: Array.from({ length: 7 }, () => f) }] }))).code).toBe(400);
    expect((await failure(search({ filterGroups: [{ filters: [{ propertyName: 'nope', operator: Op.Eq, value: '1' }] }] }))).code).toBe(400);
  });

  test('query and associations.* pseudo-properties', async () => {
    expect((await search({ query: 'dee' })).results.map((r) => r.properties.firstname)).toEqual(['Dee']);
    const deal = await h.client.crm.deals.basicApi.create({ properties: { dealname: 'D', pipeline: 'default', dealstage: 'closedwon' }, associations: [] });
    await h.client.crm.associations.v4.basicApi.createDefault('contacts', ids[2]!, 'deals', deal.id);
    const byDeal = await search({ filterGroups: [{ filters: [{ propertyName: 'associations.deal', operator: Op.Eq, value: deal.id }] }] });
    expect(byDeal.results.map((r) => r.id)).toEqual([ids[2]]);
  });
});
