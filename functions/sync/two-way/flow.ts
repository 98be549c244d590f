import type { HsObjectType } from '../../hubspot/client';
import type { QboValueType } from '../../quickbooks/fields';
import type { FieldMapping } from '../shared/mappings';
import type { FieldKind, FieldValues } from '../shared/values';
import type { FlowSettings } from './settings';

export interface QboFieldAccess<E> {
  label: string;
  valueType: QboValueType;
  get(entity: E): string | undefined;
  set(draft: Record<string, unknown>, value: string | undefined): void;
}

/**
 * What makes one two-way flow different from another. Everything else (matching, planning, writing, links,
 * echo suppression, reconciliation) is the shared two-way engine in this folder; declare.ts makes the spec a flow.
 */
export interface TwoWayFlow<E extends { Id: string } = { Id: string }> {
  object: 'contacts' | 'products';
  /** For people reading logs and the settings page. */
  label: { hubspot: string; qbo: string };
  hubspotType: Extract<HsObjectType, 'contacts' | 'products'>;
  qboEntity: 'Customer' | 'Item';
  /** An app-owned HubSpot property holding the linked QBO id: visible to users, and our duplicate guard. */
  qboIdProperty: string;
  qboFields: Record<string, QboFieldAccess<E>>;
  fieldKinds: Record<string, FieldKind>;
  defaultMappings: FieldMapping[];
  /**
   * Mapped properties HubSpot refuses a new record without: a HubSpot twin of a QBO entity carries them whatever their
   * mapping's direction, as its QBO twin always carries the name QBO requires (newQboEntity).
   */
  hubspotRequiredOnCreate?: readonly string[];
  /** Settings of this flow only, with their defaults (shown on the settings page). */
  defaultSettings?: Partial<FlowSettings>;
  /** Why a QBO entity is not something this flow syncs, in words for the sync log; undefined when it is. */
  skipReason?(entity: E, settings: FlowSettings): string | undefined;
  /** First-match keys, tried in order: each names a mapped HubSpot property whose value identifies a record. */
  matchOn: { hubspotProperty: string; qboField: string; qboQueryField: string; kind: FieldKind }[];
  /** The body of a new QBO entity, from the values that flow to QBO. */
  newQboEntity(values: FieldValues, settings: FlowSettings): Record<string, unknown>;
  /** A readable variant of a name QBO refused as a duplicate (error 6240): attempt 1, 2, … */
  renameOnDuplicate(entity: Record<string, unknown>, attempt: number, values: FieldValues): Record<string, unknown>;
}
