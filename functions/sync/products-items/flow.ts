import { itemFields } from '../../quickbooks/fields';
import { SELLABLE_ITEM_TYPES, type QboItem } from '../../quickbooks/schemas';
import { twoWay } from '../shared/mappings';
import type { TwoWayFlow } from '../two-way/flow';

/**
 * Products ⇄ Products and Services. Matched by SKU, then by name (QBO item names are unique,
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/item). New QBO items are Service
 * items posting to the income account chosen in settings, which QBO requires. Only the item types a product can be sync
 * (settings `itemTypes`); categories, bundles and the like are logged once, left alone.
 */
export const productsItems: TwoWayFlow<QboItem> = {
  object: 'products',
  label: { hubspot: 'product', qbo: 'product or service' },
  hubspotType: 'products',
  qboEntity: 'Item',
  qboIdProperty: 'qbo_item_id',
  qboFields: itemFields,
  fieldKinds: { price: 'money', hs_cost_of_goods_sold: 'money' },
  defaultMappings: [
    twoWay('name', 'name'),
    twoWay('hs_sku', 'sku'),
    twoWay('description', 'description'),
    twoWay('price', 'unitPrice'),
    twoWay('hs_cost_of_goods_sold', 'purchaseCost'),
  ],
  // A product needs a name (https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/products/guide).
  hubspotRequiredOnCreate: ['name'],
  defaultSettings: { itemTypes: [...SELLABLE_ITEM_TYPES] },
  skipReason(item, settings) {
    const types: readonly string[] = settings.itemTypes ?? SELLABLE_ITEM_TYPES;
    // Type is absent only below minor version 4
    // (https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/item), which QBO no longer
    // serves: such an item is sellable.
    if (item.Type === undefined || types.includes(item.Type)) return undefined;
    return `QuickBooks item "${item.Name}" is of type ${item.Type}, which is not synced with HubSpot products (the Products sync covers ${types.join(', ')} items; see its settings).`;
  },
  matchOn: [
    { hubspotProperty: 'hs_sku', qboField: 'sku', qboQueryField: 'Sku', kind: 'text' },
    { hubspotProperty: 'name', qboField: 'name', qboQueryField: 'Name', kind: 'text' },
  ],
  newQboEntity(values, settings) {
    if (settings.incomeAccountId === undefined) {
      throw new Error('Choose the QuickBooks income account for new products in the Products sync settings.');
    }
    return {
      Name: values['name'] ?? values['hs_sku'] ?? 'HubSpot product',
      Type: 'Service',
      IncomeAccountRef: { value: settings.incomeAccountId },
    };
  },
  renameOnDuplicate(entity, attempt, values) {
    const base = String(entity['Name']).replace(/ \(.*\)$/, '');
    const sku = values['hs_sku'];
    const suffix = attempt === 1 && sku ? `SKU ${sku}` : String(attempt);
    return { ...entity, Name: `${base} (${suffix})` };
  },
};
