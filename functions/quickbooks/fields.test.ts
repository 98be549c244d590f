import { describe, expect, it } from '@jest/globals';
import { customerFields, formatMoney, itemFields } from './fields';
import { qboCustomerSchema, qboItemSchema } from './schemas';

const customer = qboCustomerSchema.parse({
  Id: '58',
  SyncToken: '0',
  DisplayName: 'Acme Corp',
  GivenName: 'Jane',
  PrimaryEmailAddr: { Address: 'jane@acme.example' },
  BillAddr: { Id: '3', Line1: '1 Main St', City: 'Mountain View', CountrySubDivisionCode: 'CA', PostalCode: '94042', Country: 'USA' },
});
const item = qboItemSchema.parse({ Id: '3', SyncToken: '1', Name: 'Concrete', UnitPrice: 12.5, PurchaseCost: 0.125, Active: true });

describe('field catalogs', () => {
  it('read normalised strings from the QBO shapes', () => {
    expect(customerFields.email.get(customer)).toBe('jane@acme.example');
    expect(customerFields.billState.get(customer)).toBe('CA');
    expect(customerFields.familyName.get(customer)).toBeUndefined();
    expect(itemFields.unitPrice.get(item)).toBe('12.50');
    expect(itemFields.purchaseCost.get(item)).toBe('0.125');
    expect(itemFields.active.get(item)).toBe('true');
    expect(formatMoney(12)).toBe('12.00');
  });

  it('write the nested QBO structure, merging into an address seeded from the entity', () => {
    const draft: Record<string, unknown> = { Id: customer.Id, SyncToken: customer.SyncToken, sparse: true, BillAddr: customer.BillAddr };
    customerFields.billCity.set(draft, 'Austin');
    customerFields.email.set(draft, 'new@acme.example');
    customerFields.website.set(draft, 'https://acme.example');
    expect(draft).toMatchObject({
      BillAddr: { Id: '3', Line1: '1 Main St', City: 'Austin' },
      PrimaryEmailAddr: { Address: 'new@acme.example' },
      WebAddr: { URI: 'https://acme.example' },
    });
    customerFields.website.set(draft, undefined);
    expect(draft).not.toHaveProperty('WebAddr');
  });

  it('write money as numbers and booleans as booleans, rejecting anything else', () => {
    const draft: Record<string, unknown> = {};
    itemFields.unitPrice.set(draft, '19.99');
    itemFields.active.set(draft, 'false');
    expect(draft).toEqual({ UnitPrice: 19.99, Active: false });
    expect(() => itemFields.unitPrice.set(draft, '$5')).toThrow(/decimal number/);
    expect(() => itemFields.active.set(draft, 'yes')).toThrow(/'true' or 'false'/);
  });
});
