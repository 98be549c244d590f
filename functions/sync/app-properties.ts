import type { HubSpotClient } from '../hubspot/client';

/** The app's own HubSpot property group, on every object it writes to. */
export const APP_GROUP = { name: 'quickbooks_online', label: 'QuickBooks Online' };

/**
 * Properties the app creates on install: the linked QBO id on contacts and products, visible to users and
 * searchable, which is also how a retried create finds its earlier result instead of duplicating it.
 */
export async function ensureAppProperties(hubspot: HubSpotClient): Promise<void> {
  const idProperty = (name: string, label: string) => ({
    name,
    label,
    type: 'string' as const,
    fieldType: 'text' as const,
    groupName: APP_GROUP.name,
    description: 'Set by QuickBooks Online for HubSpot; do not edit.',
  });
  await hubspot.ensurePropertyGroup('contacts', APP_GROUP);
  await hubspot.ensureProperties('contacts', [idProperty('qbo_customer_id', 'QuickBooks customer ID')]);
  await hubspot.ensurePropertyGroup('products', APP_GROUP);
  await hubspot.ensureProperties('products', [idProperty('qbo_item_id', 'QuickBooks item ID')]);
}
