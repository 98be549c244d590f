import { judgeField, type Edit, type Mapping } from '../../scripts/torture/oracle';

/** The torture test's rules for one field of a pair, which its verdicts rest on. */
describe('torture oracle: what a converged field may hold', () => {
  let seq = 0;
  const edit = (side: Edit['side'], value: string | undefined, epoch = 0): Edit => ({ side, value, seq: seq++, epoch });
  const twoWay = (winner: Mapping['winner']): Mapping => ({ hubspotProperty: 'city', direction: 'two_way', winner });

  test('two-way: the last edit is on both sides; an older one is a lost update', () => {
    const edits = [edit('hubspot', 'Oslo'), edit('qbo', 'Bergen')];
    expect(judgeField(twoWay('hubspot'), edits, 'Bergen', 'Bergen')).toEqual({ ok: true });
    expect(judgeField(twoWay('qbo'), edits, 'Oslo', 'Oslo')).toMatchObject({ ok: false, kind: 'lost' });
    expect(judgeField(twoWay('hubspot'), edits, 'Oslo', 'Bergen')).toMatchObject({ ok: false, kind: 'mismatch' });
  });

  test('two-way: edits on both sides since the last settle are a conflict the winner may take, not across a settle', () => {
    const same = [edit('hubspot', 'Oslo', 3), edit('qbo', 'Bergen', 3)];
    expect(judgeField(twoWay('hubspot'), same, 'Oslo', 'Oslo')).toEqual({ ok: true });
    const apart = [edit('hubspot', 'Oslo', 2), edit('qbo', 'Bergen', 3)];
    expect(judgeField(twoWay('hubspot'), apart, 'Oslo', 'Oslo')).toMatchObject({ ok: false, kind: 'lost' });
  });

  test('empty never overwrites filled: a clear stays on its own side', () => {
    const edits = [edit('qbo', 'Bergen'), edit('hubspot', undefined)];
    expect(judgeField(twoWay('hubspot'), edits, undefined, 'Bergen')).toEqual({ ok: true });
    expect(judgeField(twoWay('hubspot'), edits, 'Bergen', 'Bergen')).toMatchObject({ ok: false, kind: 'lost' });
  });

  test('one-way: the owner’s value is on both sides whatever the other side did; an empty owner leaves the other alone', () => {
    const toQbo: Mapping = { hubspotProperty: 'city', direction: 'to_qbo', winner: 'qbo' };
    expect(judgeField(toQbo, [edit('hubspot', 'Oslo'), edit('qbo', 'Bergen')], 'Oslo', 'Oslo')).toEqual({ ok: true });
    expect(judgeField(toQbo, [edit('hubspot', 'Oslo'), edit('qbo', 'Bergen')], 'Oslo', 'Bergen')).toMatchObject({ ok: false, kind: 'mismatch' });
    expect(judgeField(toQbo, [edit('qbo', 'Bergen')], undefined, 'Bergen')).toEqual({ ok: true });
    expect(judgeField(toQbo, [edit('qbo', 'Bergen')], 'Bergen', 'Bergen')).toMatchObject({ ok: false, kind: 'lost' });
  });
});
