import { z } from 'zod';

export const DirectionSchema = z.enum(['two_way', 'to_hubspot', 'to_qbo']);
export type Direction = z.infer<typeof DirectionSchema>;

export const WinnerSchema = z.enum(['hubspot', 'qbo']);
export type Winner = z.infer<typeof WinnerSchema>;

/** One HubSpot property ⇄ one QBO field, with who may write it and who wins when both sides changed. */
export const FieldMappingSchema = z.strictObject({
  hubspotProperty: z.string().regex(/^[a-z][a-z0-9_]*$/, 'a HubSpot internal property name (lower case, digits, _)'),
  qboField: z.string().min(1),
  direction: DirectionSchema,
  winner: WinnerSchema,
});
export type FieldMapping = z.infer<typeof FieldMappingSchema>;

export function validateMappings(mappings: FieldMapping[], qboFields: readonly string[]): string[] {
  const problems: string[] = [];
  const seenHs = new Set<string>();
  const seenQbo = new Set<string>();
  for (const m of mappings) {
    if (!qboFields.includes(m.qboField)) problems.push(`${m.qboField} is not a QuickBooks field this sync can map (choose one of ${qboFields.join(', ')})`);
    if (seenHs.has(m.hubspotProperty)) problems.push(`${m.hubspotProperty} is mapped twice`);
    if (seenQbo.has(m.qboField)) problems.push(`the QuickBooks field ${m.qboField} is mapped twice`);
    seenHs.add(m.hubspotProperty);
    seenQbo.add(m.qboField);
  }
  return problems;
}

/** A default mapping: two-way, HubSpot wins a conflict (an admin changes either per field in settings). */
export const twoWay = (hubspotProperty: string, qboField: string): FieldMapping => ({ hubspotProperty, qboField, direction: 'two_way', winner: 'hubspot' });
