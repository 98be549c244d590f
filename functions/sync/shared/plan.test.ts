import type { FieldMapping } from './mappings';
import { planPair } from './plan';
import { contentHash, normalize } from './values';

const m = (hubspotProperty: string, direction: FieldMapping['direction'] = 'two_way', winner: FieldMapping['winner'] = 'hubspot'): FieldMapping => ({
  hubspotProperty,
  qboField: hubspotProperty,
  direction,
  winner,
});

describe('planPair', () => {
  test('the side that changed since the last sync wins, and nothing is written where both agree', () => {
    const base = { email: 'a@x.co', phone: '1', city: 'Oslo' };
    const plan = planPair([m('email'), m('phone'), m('city')], { ...base, phone: '2' }, { ...base, city: 'Bergen' }, base);
    expect(plan).toEqual({
      toQbo: { phone: '2' },
      toHubspot: { city: 'Bergen' },
      synced: { email: 'a@x.co', phone: '2', city: 'Bergen' },
      conflicts: [],
    });
  });

  test('both sides changed: the mapping\'s winner decides, and the conflict is reported', () => {
    const base = { phone: '1' };
    const hubspotWins = planPair([m('phone', 'two_way', 'hubspot')], { phone: '2' }, { phone: '3' }, base);
    expect(hubspotWins.toQbo).toEqual({ phone: '2' });
    expect(hubspotWins.conflicts).toEqual([{ field: 'phone', hubspot: '2', qbo: '3', winner: 'hubspot' }]);
    const qboWins = planPair([m('phone', 'two_way', 'qbo')], { phone: '2' }, { phone: '3' }, base);
    expect(qboWins.toHubspot).toEqual({ phone: '3' });
  });

  test('one-way fields follow their owner, whatever changed', () => {
    const plan = planPair([m('price', 'to_hubspot'), m('name', 'to_qbo')], { price: '9.00', name: 'A' }, { price: '10.00', name: 'B' }, { price: '10.00', name: 'B' });
    expect(plan.toHubspot).toEqual({ price: '10.00' });
    expect(plan.toQbo).toEqual({ name: 'A' });
  });

  test('empty never overwrites filled, on either side', () => {
    const base = { phone: '1', city: 'Oslo' };
    const plan = planPair([m('phone'), m('city')], { city: 'Oslo' }, { phone: '1' }, base);
    expect(plan.toHubspot).toEqual({});
    expect(plan.toQbo).toEqual({});
    expect(plan.synced).toEqual({ phone: '1', city: 'Oslo' });
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
    const plan = planPair([m('email'), m('phone')], synced, synced, synced);
    expect(plan.toHubspot).toEqual({});
    expect(plan.toQbo).toEqual({});
  });
});

describe('values', () => {
  test('normalise money, booleans, e-mail and blanks', () => {
    expect(normalize('money', '12.5')).toBe('12.50');
    expect(normalize('money', 12)).toBe('12.00');
    expect(normalize('boolean', true)).toBe('true');
    expect(normalize('email', ' Jane@X.co ')).toBe('jane@x.co');
    expect(normalize('text', '   ')).toBeUndefined();
  });

  test('content hashes ignore key order and see every value', () => {
    expect(contentHash({ a: '1', b: '2' })).toBe(contentHash({ b: '2', a: '1' }));
    expect(contentHash({ a: '1', b: '2' })).not.toBe(contentHash({ a: '1', b: '3' }));
  });
});
