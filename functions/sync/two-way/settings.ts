import { z } from 'zod';
import { FieldMappingSchema, type FieldMapping } from '../shared/mappings';

/** Per-object settings an admin edits on the settings page; stored as JSON in sync_settings.settings. */
export const FlowSettingsSchema = z.strictObject({
  mappings: z.array(FieldMappingSchema).min(1, 'map at least one field'),
  /** Records that exist on one side only: create them on the other side? */
  createInHubspot: z.boolean(),
  createInQbo: z.boolean(),
  /** Products only: the QBO income account new items post to (QBO requires one for Service items). */
  incomeAccountId: z.string().optional(),
  firstSyncCompletedAt: z.iso.datetime().optional(),
});
export type FlowSettings = z.infer<typeof FlowSettingsSchema>;

export function defaultFlowSettings(mappings: FieldMapping[]): FlowSettings {
  return { mappings, createInHubspot: true, createInQbo: true };
}
