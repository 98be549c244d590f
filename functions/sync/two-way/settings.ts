import { z } from 'zod';
import { SELLABLE_ITEM_TYPES } from '../../quickbooks/schemas';
import { FieldMappingSchema, type FieldMapping } from '../shared/mappings';

/** Per-object settings an admin edits on the settings page; stored as JSON in sync_settings.settings. */
export const EditableFlowSettingsSchema = z.strictObject({
  mappings: z.array(FieldMappingSchema).min(1, 'map at least one field'),
  /** Records that exist on one side only: create them on the other side? */
  createInHubspot: z.boolean(),
  createInQbo: z.boolean(),
  /** Products only: the QBO income account new items post to (QBO requires one for Service items). */
  incomeAccountId: z.string().optional(),
  /** Products only: the QBO item types that sync with HubSpot products (categories, bundles and the like never do). */
  itemTypes: z
    .array(z.enum(SELLABLE_ITEM_TYPES))
    .min(1, `choose at least one of ${SELLABLE_ITEM_TYPES.join(', ')}`)
    .refine((types) => new Set(types).size === types.length, 'each item type once')
    .optional(),
});

/** What is stored: the admin's settings and the state the server keeps beside them, which no request may set. */
export const FlowSettingsSchema = EditableFlowSettingsSchema.extend({
  firstSyncCompletedAt: z.iso.datetime().optional(),
});
export type FlowSettings = z.infer<typeof FlowSettingsSchema>;

export function defaultFlowSettings(mappings: FieldMapping[], extra: Partial<FlowSettings> = {}): FlowSettings {
  return { mappings, createInHubspot: true, createInQbo: true, ...extra };
}
