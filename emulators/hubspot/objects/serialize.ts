import type { RecordService } from './records';
import { OBJECT_TYPES, requireObjectType } from './types';
import type { CrmRecord } from '../state';
import { associationType } from '../associations/types';

export interface ReadOptions {
  properties?: readonly string[] | undefined;
  /** A write's answer: the type's default properties plus the ones the request wrote (`properties` is ignored). */
  written?: readonly string[] | undefined;
  propertiesWithHistory?: readonly string[] | undefined;
  associations?: readonly string[] | undefined;
}

/**
 * `SimplePublicObject[WithAssociations]` (SDK model; https://developers.hubspot.com/docs/api-reference/legacy/crm/using-object-apis).
 * Without `properties` the type's default properties are returned; requested properties without a value come back as
 * `null` (https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/line-items/guide), and unknown requested
 * names are skipped, as HubSpot does. Create and update answers carry the default properties and every property the
 * request wrote (the docs' create and update examples echo the written values).
 */
export function toApiObject(svc: RecordService, record: CrmRecord, opts: ReadOptions = {}) {
  const info = OBJECT_TYPES[record.type];
  const names = opts.written
    ? [...new Set([...info.defaultProperties, ...opts.written])]
    : opts.properties && opts.properties.length > 0
      ? [...new Set([...opts.properties, 'hs_object_id', 'createdate', info.lastModifiedProperty])]
      : info.defaultProperties;
  const properties: Record<string, string | null> = {};
  for (const name of names) {
    if (!svc.property(record.type, name)) continue;
    properties[name] = record.properties[name] ?? null;
  }
  const out: Record<string, unknown> = {
    id: record.id,
    properties,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
    archived: record.archived,
  };
  if (record.archivedAt) out.archivedAt = record.archivedAt.toISOString();
  if (opts.propertiesWithHistory && opts.propertiesWithHistory.length > 0) {
    const history: Record<string, unknown[]> = {};
    for (const name of opts.propertiesWithHistory) {
      if (!svc.property(record.type, name)) continue;
      history[name] = record.history[name] ?? [];
    }
    out.propertiesWithHistory = history;
  }
  if (opts.associations && opts.associations.length > 0) {
    const associations: Record<string, unknown> = {};
    for (const raw of opts.associations) {
      const toType = requireObjectType(raw);
      const results = svc.associations
        .from(record.type, record.id, toType.name)
        .flatMap((edge) =>
          [...edge.typeIds].map((typeId) => ({ id: edge.toId, type: associationType(record.type, toType.name, typeId)?.name ?? String(typeId) })),
        );
      // The map key is the plural API name; HubSpot's docs do not give its own key for line items.
      if (results.length > 0) associations[toType.name] = { results };
    }
    if (Object.keys(associations).length > 0) out.associations = associations;
  }
  return out;
}
