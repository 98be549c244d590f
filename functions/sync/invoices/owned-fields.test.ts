import { ownedFieldChanges } from './owned-fields';

const line = (quantity: string, unitPrice: string, amountCents: number, taxCodeId: string | undefined = '2') => ({
  itemId: '1',
  quantity,
  unitPrice,
  amountCents,
  taxCodeId,
});

test('what QuickBooks changed in the lines HubSpot owns, in words; numbers compared by value', () => {
  expect(ownedFieldChanges([line('2', '150', 30000)], [line('2.0', '150.00', 30000)])).toEqual([]);
  expect(ownedFieldChanges([line('2', '150', 30000)], [line('3', '150', 45000, '4')])).toEqual([
    'line 1 quantity 2 → 3',
    'line 1 amount 300.00 → 450.00',
    'line 1 tax code 2 → 4',
  ]);
  expect(ownedFieldChanges([line('1', '10', 1000)], [line('1', '10', 1000), line('1', '5', 500)])).toEqual([
    'line 2 added (item 1, quantity 1, unit price 5, amount 5.00, tax code 2)',
  ]);
  expect(ownedFieldChanges([line('1', '10', 1000), line('1', '5', 500)], [line('1', '10', 1000)])).toEqual(['line 2 removed']);
});
