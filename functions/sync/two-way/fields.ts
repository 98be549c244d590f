import type { HsObject } from '../../hubspot/client';
import { compact, normalize, type FieldKind, type FieldValues } from '../shared/values';
import type { QboFieldAccess, TwoWayFlow } from './flow';
import type { QboEntity } from './run';
import type { FlowSettings } from './settings';

/** Both sides of a two-way flow reduced to the same field values, keyed by the mapping's HubSpot property. */
export class FieldReader {
  readonly #spec: TwoWayFlow;
  readonly #settings: FlowSettings;

  constructor(spec: TwoWayFlow, settings: FlowSettings) {
    this.#spec = spec;
    this.#settings = settings;
  }

  /** What to read of a HubSpot record: the mapped properties and the QBO id the app writes on it. */
  hubspotProperties(): string[] {
    return [...new Set([...this.#settings.mappings.map((m) => m.hubspotProperty), this.#spec.qboIdProperty])];
  }

  kind(hubspotProperty: string): FieldKind {
    return this.#spec.fieldKinds[hubspotProperty] ?? 'text';
  }

  fromHubspot(o: HsObject): FieldValues {
    return compact(
      Object.fromEntries(this.#settings.mappings.map((m) => [m.hubspotProperty, normalize(this.kind(m.hubspotProperty), o.properties[m.hubspotProperty])])),
    );
  }

  fromQbo(e: QboEntity): FieldValues {
    return compact(
      Object.fromEntries(
        this.#settings.mappings.map((m) => [m.hubspotProperty, normalize(this.kind(m.hubspotProperty), this.#spec.qboFields[m.qboField]?.get(e as never))]),
      ),
    );
  }

  /** Why a QBO entity is not something this flow syncs (a category among items), in words for the sync log. */
  skipReason(e: QboEntity): string | undefined {
    return this.#spec.skipReason?.(e, this.#settings);
  }

  /** The QBO field a mapped HubSpot property is written to. */
  qboFieldFor(hubspotProperty: string): QboFieldAccess<unknown> {
    const mapping = this.#settings.mappings.find((m) => m.hubspotProperty === hubspotProperty);
    const field = mapping && this.#spec.qboFields[mapping.qboField];
    if (!field) throw new Error(`no QuickBooks field is mapped to ${hubspotProperty}`);
    return field;
  }
}
