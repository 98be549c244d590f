import type { FieldMapping } from './mappings';
import { planPair, type SyncBase } from './plan';
import { canonicalDecimal, contentHash, normalize } from './values';

const agreed = (values: Record<string, string>): SyncBase => ({ values });

const m = (hubspotProperty: string, direction: FieldMapping['direction'] = 'two_way', winner: FieldMapping['winner'] = 'hubspot'): FieldMapping => ({
  hubspotProperty,
  qboField: hubspotProperty,
  direction,
  winner,
});

describe('planPair', () => {
  test('the side that changed since the last sync wins, and nothing is written where both agree', () => {
    const base = { email: 'a@x.co', phone: '1', city: 'Oslo' };
    const plan = planPair([m('email'), m('phone'), m('city')], { ...base, phone: '2' }, { ...base, city: 'Bergen' }, agreed(base));
    expect(plan).toEqual({
      toQbo: { phone: '2' },
      toHubspot: { city: 'Bergen' },
      synced: { email: 'a@x.co', phone: '2', city: 'Bergen' },
      clearedOn: {},
      conflicts: [],
    });
  });

  test("both sides changed: the mapping's winner decides, and the conflict is reported", () => {
    const base = { phone: '1' };
    const hubspotWins = planPair([m('phone', 'two_way', 'hubspot')], { phone: '2' }, { phone: '3' }, agreed(base));
    expect(hubspotWins.toQbo).toEqual({ phone: '2' });
    expect(hubspotWins.conflicts).toEqual([{ field: 'phone', hubspot: '2', qbo: '3', winner: 'hubspot' }]);
    const qboWins = planPair([m('phone', 'two_way', 'qbo')], { phone: '2' }, { phone: '3' }, agreed(base));
    expect(qboWins.toHubspot).toEqual({ phone: '3' });
  });

  test('one-way fields follow their owner, whatever changed', () => {
    const plan = planPair(
      [m('price', 'to_hubspot'), m('name', 'to_qbo')],
      { price: '9.00', name: 'A' },
      { price: '10.00', name: 'B' },
      agreed({ price: '10.00', name: 'B' }),
    );
    expect(plan.toHubspot).toEqual({ price: '10.00' });
    expect(plan.toQbo).toEqual({ name: 'A' });
  });

  test('empty never overwrites filled, on either side', () => {
    const base = { phone: '1', city: 'Oslo' };
    const plan = planPair([m('phone'), m('city')], { city: 'Oslo' }, { phone: '1' }, agreed(base));
    expect(plan.toHubspot).toEqual({});
    expect(plan.toQbo).toEqual({});
    expect(plan.synced).toEqual({ phone: '1', city: 'Oslo' });
    expect(plan.clearedOn).toEqual({ phone: 'hubspot', city: 'qbo' });
  });

  test('a kept clear is no change: the next edit on either side syncs, and a quiet pair stays quiet', () => {
    const mappings = [m('phone', 'two_way', 'hubspot')];
    const cleared = planPair(mappings, {}, { phone: '1' }, agreed({ phone: '1' }));
    const base: SyncBase = { values: cleared.synced, clearedOn: cleared.clearedOn };
    expect(base).toEqual({ values: { phone: '1' }, clearedOn: { phone: 'hubspot' } });

    const quiet = planPair(mappings, {}, { phone: '1' }, base);
    expect(quiet).toMatchObject({ toHubspot: {}, toQbo: {}, synced: { phone: '1' }, clearedOn: { phone: 'hubspot' }, conflicts: [] });
    // QBO edits the field HubSpot cleared: not a conflict that HubSpot's empty value wins, the edit lands.
    expect(planPair(mappings, {}, { phone: '2' }, base)).toMatchObject({ toHubspot: { phone: '2' }, synced: { phone: '2' }, clearedOn: {}, conflicts: [] });
    // HubSpot fills it again: that lands in QBO.
    expect(planPair(mappings, { phone: '3' }, { phone: '1' }, base)).toMatchObject({ toQbo: { phone: '3' }, synced: { phone: '3' }, clearedOn: {} });
  });

  test('a clear and an edit at once: the empty winner writes nothing, and the edit is the new base', () => {
    const plan = planPair([m('phone', 'two_way', 'hubspot')], {}, { phone: '2' }, agreed({ phone: '1' }));
    expect(plan).toMatchObject({ toHubspot: {}, toQbo: {}, synced: { phone: '2' }, clearedOn: { phone: 'hubspot' } });
    expect(planPair([m('phone')], {}, { phone: '3' }, { values: plan.synced, clearedOn: plan.clearedOn }).toHubspot).toEqual({ phone: '3' });
  });

  test('on a first match the filled side flows; a real difference goes to the winner', () => {
    const plan = planPair([m('phone'), m('city', 'two_way', 'qbo')], { phone: '5' }, { city: 'Oslo' }, undefined);
    expect(plan.toQbo).toEqual({ phone: '5' });
    expect(plan.toHubspot).toEqual({ city: 'Oslo' });
    const differ = planPair([m('city', 'two_way', 'qbo')], { city: 'Bergen' }, { city: 'Oslo' }, undefined);
    expect(differ.toHubspot).toEqual({ city: 'Oslo' });
    expect(differ.conflicts).toHaveLength(1);
  });

  test('an echo of our own write plans nothing', () => {
    const synced = { email: 'a@x.co', phone: '2' };
    const plan = planPair([m('email'), m('phone')], synced, synced, agreed(synced));
    expect(plan.toHubspot).toEqual({});
    expect(plan.toQbo).toEqual({});
  });
});

describe('values', () => {
  test('normalise money, booleans, e-mail and blanks', () => {
    expect(normalize('money', '12.5')).toBe('12.50');
    expect(normalize('money', 12)).toBe('12.00');
    expect(normalize('money', '0.0125')).toBe('0.0125');
    expect(normalize('money', '0.013')).not.toBe(normalize('money', '0.0125'));
    expect(normalize('boolean', true)).toBe('true');
    expect(normalize('email', ' Jane@X.co ')).toBe('jane@x.co');
    expect(normalize('text', '   ')).toBeUndefined();
  });

  test('decimals are canonical on their digits, rounded only past the scale a side keeps', () => {
    expect(canonicalDecimal('0012.500', 5)).toBe('12.50');
    expect(canonicalDecimal('.5', 5)).toBe('0.50');
    expect(canonicalDecimal('-0.000001', 5)).toBe('0.00');
    expect(canonicalDecimal('1.234565', 5)).toBe('1.23457');
    expect(canonicalDecimal('9.999999', 5)).toBe('10.00');
    expect(canonicalDecimal('-2.5', 5)).toBe('-2.50');
    // 0.1 + 0.2 in binary floats is 0.30000000000000004; on the digits it is exact.
    expect(canonicalDecimal('0.30000000000000004', 5)).toBe('0.30');
    expect(canonicalDecimal('1e3', 5)).toBeUndefined();
    expect(canonicalDecimal('12,5', 5)).toBeUndefined();
  });

  test('content hashes ignore key order and see every value', () => {
    expect(contentHash({ a: '1', b: '2' })).toBe(contentHash({ b: '2', a: '1' }));
    expect(contentHash({ a: '1', b: '2' })).not.toBe(contentHash({ a: '1', b: '3' }));
  });
});
