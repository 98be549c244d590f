import type { ObjectTypeName } from '../objects/types';

/**
 * HubSpot-defined association types between the objects the app uses, from the association type id table
 * (https://developers.hubspot.com/docs/api-reference/crm-associations-v4/guide). Each entry is one direction;
 * `inverse` is the type id HubSpot writes on the other side. `label: null` marks the unlabeled default type.
 */
export interface AssociationType {
  typeId: number;
  from: ObjectTypeName;
  to: ObjectTypeName;
  inverse: number;
  label: string | null;
  /**
   * The v3 `associations` type string, e.g. `deal_to_line_item`
   * (https://developers.hubspot.com/docs/api/commerce/invoices shows `invoice_to_line_item`).
   */
  name: string;
}

const pair = (
  from: ObjectTypeName,
  to: ObjectTypeName,
  forward: number,
  backward: number,
  label: string | null,
  fromName: string,
  toName: string,
): AssociationType[] => [
  { typeId: forward, from, to, inverse: backward, label, name: `${fromName}_to_${toName}${label ? `_${label.toLowerCase()}` : ''}` },
  { typeId: backward, from: to, to: from, inverse: forward, label, name: `${toName}_to_${fromName}${label ? `_${label.toLowerCase()}` : ''}` },
];

export const ASSOCIATION_TYPES: readonly AssociationType[] = [
  ...pair('contacts', 'companies', 279, 280, null, 'contact', 'company'),
  ...pair('contacts', 'companies', 1, 2, 'Primary', 'contact', 'company'),
  ...pair('deals', 'contacts', 3, 4, null, 'deal', 'contact'),
  ...pair('deals', 'companies', 341, 342, null, 'deal', 'company'),
  ...pair('deals', 'companies', 5, 6, 'Primary', 'deal', 'company'),
  ...pair('deals', 'line_items', 19, 20, null, 'deal', 'line_item'),
  ...pair('invoices', 'deals', 175, 176, null, 'invoice', 'deal'),
  ...pair('invoices', 'contacts', 177, 178, null, 'invoice', 'contact'),
  ...pair('invoices', 'companies', 179, 180, null, 'invoice', 'company'),
  ...pair('invoices', 'line_items', 409, 410, null, 'invoice', 'line_item'),
  // Invoices take discounts, fees and taxes (https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/invoices/guide);
  // their type ids are not in the table read, so these are the emulator's own. The app associates through the
  // default-association endpoint, which names no id.
  ...pair('invoices', 'discounts', 9_101, 9_102, null, 'invoice', 'discount'),
  ...pair('invoices', 'fees', 9_103, 9_104, null, 'invoice', 'fee'),
  ...pair('invoices', 'taxes', 9_105, 9_106, null, 'invoice', 'tax'),
];

export const associationType = (from: ObjectTypeName, to: ObjectTypeName, typeId: number) =>
  ASSOCIATION_TYPES.find((t) => t.from === from && t.to === to && t.typeId === typeId);

export const defaultAssociationType = (from: ObjectTypeName, to: ObjectTypeName) =>
  ASSOCIATION_TYPES.find((t) => t.from === from && t.to === to && t.label === null);

export const associationTypesBetween = (from: ObjectTypeName, to: ObjectTypeName) => ASSOCIATION_TYPES.filter((t) => t.from === from && t.to === to);
