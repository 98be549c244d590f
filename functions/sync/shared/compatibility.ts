import type { PropertyInfo } from '../../hubspot/client';
import type { QboValueType } from '../../quickbooks/fields';
import type { FieldMapping } from './mappings';

/**
 * Which HubSpot property types can carry each kind of QBO value (HubSpot types:
 * https://developers.hubspot.com/docs/api-reference/legacy/crm/properties/guide#property-type-and-fieldtype-values).
 * A dropdown (`enumeration`) can feed a QBO text field, but free QBO text cannot be written back into one: it is
 * accepted towards QuickBooks only.
 */
export const COMPATIBLE_TYPES: Record<QboValueType, { anyDirection: string[]; toQboOnly: string[] }> = {
  text: { anyDirection: ['string', 'phone_number'], toQboOnly: ['enumeration'] },
  money: { anyDirection: ['number'], toQboOnly: [] },
  boolean: { anyDirection: ['bool'], toQboOnly: [] },
};

const QBO_HOLDS: Record<QboValueType, string> = { text: 'text', money: 'a money amount', boolean: 'yes or no' };
const HUBSPOT_HOLDS: Record<string, string> = {
  string: 'text',
  phone_number: 'a phone number',
  enumeration: 'a choice from a list',
  number: 'a number',
  bool: 'yes or no',
  date: 'a date',
  datetime: 'a date and time',
};

/** Why a mapping cannot work, in words for the admin; undefined when it can. */
export function mappingProblem(
  m: FieldMapping,
  property: PropertyInfo | undefined,
  qbo: { label: string; valueType: QboValueType },
  objectLabel: string,
): string | undefined {
  if (property === undefined) return `HubSpot has no ${objectLabel} property "${m.hubspotProperty}".`;
  const types = COMPATIBLE_TYPES[qbo.valueType];
  const writesHubspot = m.direction !== 'to_qbo';
  const fits = types.anyDirection.includes(property.type) || (!writesHubspot && types.toQboOnly.includes(property.type));
  if (!fits) {
    if (types.toQboOnly.includes(property.type))
      return `"${property.label}" is a choice from a list in HubSpot: it can only be sent to QuickBooks' ${qbo.label}, so set the direction to "to QuickBooks".`;
    return `QuickBooks' ${qbo.label} holds ${QBO_HOLDS[qbo.valueType]} but HubSpot's "${property.label}" holds ${HUBSPOT_HOLDS[property.type] ?? property.type}: they cannot be mapped to each other.`;
  }
  if (writesHubspot && property.readOnly) return `HubSpot sets "${property.label}" itself, so the app cannot write it: set the direction to "to QuickBooks".`;
  return undefined;
}
