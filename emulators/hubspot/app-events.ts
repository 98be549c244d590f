import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Clock } from '../shared/clock';
import { conflict, HubSpotError, validationError } from './errors';
import { allowQuery, parseBody, readJson, type HubSpotEnv } from './http';
import type { RecordService } from './objects/records';
import { OBJECT_TYPES, type ObjectTypeName } from './objects/types';

/**
 * App events, the 2025.2+ timeline component (https://developers.hubspot.com/docs/apps/developer-platform/add-features/app-events/send-event-occurrences):
 * event types come from `app-events/*-hsmeta.json`; occurrences are POSTed to `/integrators/timeline/v4/events` (or
 * `/events/batch` with `{inputs}`), must match the type's schema, and are immutable.
 */
export interface AppEventTypeConfig {
  uid: string;
  type?: 'app-event';
  config: {
    name: string;
    objectType: string;
    headerTemplate?: string;
    detailTemplate?: string;
    properties?: { name: string; label: string; type: string; options?: { value: string; label: string }[] }[];
  };
}

export interface AppEventType {
  uid: string;
  fullyQualifiedName: string;
  objectType: ObjectTypeName;
  config: AppEventTypeConfig['config'];
}

export interface AppEventOccurrence {
  id: string;
  eventTypeName: string;
  objectType: ObjectTypeName;
  objectId: string;
  timestamp: string;
  properties: Record<string, string>;
  receivedAt: string;
}

const occurrenceSchema = z.strictObject({
  eventTypeName: z.string().min(1),
  objectId: z.union([z.string(), z.number()]).transform(String).optional(),
  id: z.string().optional(),
  objectTypeFullyQualifiedName: z.string().optional(),
  email: z.string().optional(),
  utk: z.string().optional(),
  domain: z.string().optional(),
  timestamp: z.string().optional(),
  properties: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});
type OccurrenceInput = z.infer<typeof occurrenceSchema>;

/** The object types an app event can attach to (docs: `COMPANY`, `CONTACT`, `DEAL`, `TICKET`, `APP_OBJECT`). */
const EVENT_OBJECT_TYPES: Record<string, ObjectTypeName> = { CONTACT: 'contacts', COMPANY: 'companies', DEAL: 'deals' };

export class AppEvents {
  readonly types = new Map<string, AppEventType>();
  readonly occurrences: AppEventOccurrence[] = [];

  constructor(private readonly opts: { clock: Clock; appId: number; records: () => RecordService }) {}

  reset(): void {
    this.types.clear();
    this.occurrences.length = 0;
  }

  /** Registers an event type from its hsmeta file, as `hs project upload` would. */
  registerType(def: AppEventTypeConfig): AppEventType {
    const objectType = EVENT_OBJECT_TYPES[def.config.objectType];
    if (!objectType) throw validationError(`Unsupported app event objectType ${def.config.objectType}`);
    const type: AppEventType = { uid: def.uid, fullyQualifiedName: `ae${this.opts.appId}_${def.uid}`, objectType, config: def.config };
    this.types.set(type.fullyQualifiedName, type);
    return type;
  }

  occurrencesFor(objectType: ObjectTypeName, objectId: string): AppEventOccurrence[] {
    return this.occurrences.filter((o) => o.objectType === objectType && o.objectId === objectId);
  }

  send(input: OccurrenceInput): AppEventOccurrence {
    // `eventTypeName` is the fullyQualifiedName; the docs also accept the app's uid.
    const type = this.types.get(input.eventTypeName) ?? [...this.types.values()].find((t) => t.uid === input.eventTypeName);
    if (!type) throw validationError(`Unknown event type ${input.eventTypeName}`);
    if (input.objectTypeFullyQualifiedName !== undefined) throw validationError('objectTypeFullyQualifiedName is only allowed for custom-object event types');
    if (input.objectId === undefined) throw validationError('objectId is required');
    if (!this.opts.records().find(type.objectType, input.objectId)) {
      throw validationError(`No ${OBJECT_TYPES[type.objectType].singular} with id ${input.objectId} exists`);
    }
    const properties: Record<string, string> = {};
    for (const [name, raw] of Object.entries(input.properties ?? {})) {
      const def = type.config.properties?.find((p) => p.name === name);
      if (!def) throw validationError(`Property ${name} is not defined on event type ${type.uid}`);
      const value = String(raw);
      if (def.type === 'enumeration' && !def.options?.some((o) => o.value === value)) throw validationError(`${value} is not an option of ${name}`);
      if (def.type === 'number' && !Number.isFinite(Number(value))) throw validationError(`${value} is not a number for ${name}`);
      properties[name] = value;
    }
    const id = input.id ?? randomUUID();
    // Occurrences are immutable: a second send with the same id is refused.
    if (this.occurrences.some((o) => o.eventTypeName === type.fullyQualifiedName && o.id === id)) {
      throw conflict(`An occurrence with id ${id} already exists for event type ${type.uid}`);
    }
    if (input.timestamp !== undefined && !Number.isFinite(Date.parse(input.timestamp))) throw validationError(`Invalid timestamp ${input.timestamp}`);
    const now = this.opts.clock.now().toISOString();
    const occurrence: AppEventOccurrence = {
      id,
      eventTypeName: type.fullyQualifiedName,
      objectType: type.objectType,
      objectId: input.objectId,
      timestamp: input.timestamp ? new Date(input.timestamp).toISOString() : now,
      properties,
      receivedAt: now,
    };
    this.occurrences.push(occurrence);
    return occurrence;
  }
}

/** Success is answered with 204 and no body; HubSpot's docs do not give the exact status. */
export function appEventRoutes(): Hono<HubSpotEnv> {
  const app = new Hono<HubSpotEnv>();
  app.post('/integrators/timeline/v4/events', async (c) => {
    c.get('auth').require(['timeline']);
    allowQuery(c, []);
    c.get('core').appEvents.send(parseBody(occurrenceSchema, await readJson(c)));
    return c.body(null, 204);
  });
  app.post('/integrators/timeline/v4/events/batch', async (c) => {
    c.get('auth').require(['timeline']);
    allowQuery(c, []);
    const body = parseBody(z.strictObject({ inputs: z.array(occurrenceSchema) }), await readJson(c));
    if (body.inputs.length > 500) throw new HubSpotError(400, { message: 'Batch input size exceeds the maximum of 500', category: 'VALIDATION_ERROR' });
    const emu = c.get('core');
    emu.transaction(() => body.inputs.forEach((i) => emu.appEvents.send(i)));
    return c.body(null, 204);
  });
  return app;
}
