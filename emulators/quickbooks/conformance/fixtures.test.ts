/** Recorded sandbox payloads (fixtures/README.md) are accepted, and responses keep their shape. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startHarness, type Harness } from './harness';

const fixture = (path: string): any => JSON.parse(readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8'));

/** Every property path of `recorded` exists in `actual` with the same JSON type (recorded nulls excepted). */
function shapeMismatches(recorded: unknown, actual: unknown, path = '$', ignore: (p: string) => boolean = () => false): string[] {
  if (recorded === null || ignore(path)) return [];
  const type = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);
  if (type(recorded) !== type(actual)) return [`${path}: recorded ${type(recorded)}, emulator ${type(actual)}`];
  if (Array.isArray(recorded) && Array.isArray(actual)) {
    return recorded.flatMap((r, i) =>
      actual[i] === undefined && actual.length
        ? shapeMismatches(r, actual[0], `${path}[${i}]`, ignore)
        : actual[i] === undefined
          ? []
          : shapeMismatches(r, actual[i], `${path}[${i}]`, ignore),
    );
  }
  if (typeof recorded === 'object' && typeof actual === 'object' && actual !== null) {
    return Object.entries(recorded as Record<string, unknown>).flatMap(([k, v]) =>
      v === null || ignore(`${path}.${k}`)
        ? []
        : k in actual
          ? shapeMismatches(v, (actual as Record<string, unknown>)[k], `${path}.${k}`, ignore)
          : [`${path}.${k}: missing`],
    );
  }
  return [];
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('LedgerSync recorded payloads', () => {
  it('customer create and full update requests are accepted; the response has the recorded shape', async () => {
    const created = await h.call('createCustomer', fixture('ledger_sync/customer.create.request.json'));
    const update = {
      ...fixture('ledger_sync/customer.update.request.json'),
      Id: created.Id,
      SyncToken: created.SyncToken,
      DefaultTaxCodeRef: { value: 'TAX' },
    };
    const updated = await h.call('updateCustomer', update);
    expect(shapeMismatches(fixture('ledger_sync/customer.response.json'), updated)).toEqual([]);
  });

  it('invoice create request is accepted; the response has the recorded shape', async () => {
    const customer = await h.call('createCustomer', { DisplayName: 'Lola' });
    const request = fixture('ledger_sync/invoice.create.request.json');
    request.CustomerRef.value = customer.Id;
    request.DepositToAccountRef.value = '5';
    request.Line[0].SalesItemLineDetail.ItemRef.value = '1';
    // The recorded response has the company's custom field though the request set none.
    const invoice = await h.call('createInvoice', request);
    expect(shapeMismatches(fixture('ledger_sync/invoice.response.json'), invoice)).toEqual([]);
  });
});

describe('python-quickbooks recorded CDC responses', () => {
  it('CDC responses (with changes, and empty) have the recorded shape', async () => {
    const since = h.clock.now();
    const c = await h.call('createCustomer', { DisplayName: 'TestCustomer' });
    await h.call('createInvoice', {
      CustomerRef: { value: c.Id },
      TxnDate: '2017-01-01',
      Line: [{ DetailType: 'SalesItemLineDetail', Amount: 1, SalesItemLineDetail: { ItemRef: { value: '1' } } }],
    });
    await h.call('createInvoice', {
      CustomerRef: { value: c.Id },
      TxnDate: '2017-01-01',
      Line: [{ DetailType: 'SalesItemLineDetail', Amount: 2, SalesItemLineDetail: { ItemRef: { value: '1' } } }],
    });
    // The fixture's Ids are numbers, and it gives its SubTotal line an Id, which real QBO does not.
    const numericIds = (p: string) => p.endsWith('.Id');
    const cdc = await h.call('changeDataCapture', ['Customer', 'Invoice'], since);
    expect(shapeMismatches(fixture('python-quickbooks/cdc.response.json'), cdc, '$', numericIds)).toEqual([]);
    h.clock.advance(1000);
    const empty = await h.call('changeDataCapture', ['Customer', 'Invoice'], h.clock.now());
    expect(empty.CDCResponse).toEqual(fixture('python-quickbooks/cdc.empty.response.json').CDCResponse);
  });
});
