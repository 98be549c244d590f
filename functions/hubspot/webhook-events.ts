import { z } from 'zod';

/**
 * HubSpot webhook batches (https://developers.hubspot.com/docs/api/webhooks; generic `object.*` subscriptions:
 * …/public-apps/create-generic-webhook-subscriptions; merge/restore/association types: changelog
 * "new-subscription-types-for-webhooks"). A POST carries a JSON array of up to 100
 * events, in no particular order, possibly duplicated: `eventId` alone is not unique, so the dedupe key combines
 * every identifying field.
 */
export const MAX_EVENTS_PER_BATCH = 100;

const id = z.number().int().nonnegative();

/** One event as HubSpot sends it; unknown fields are kept out of the way, not rejected (HubSpot adds fields). */
export const hubSpotWebhookEventRaw = z.looseObject({
  eventId: id,
  subscriptionId: id,
  portalId: id,
  appId: id,
  occurredAt: id,
  subscriptionType: z.string().regex(/^[a-zA-Z_]+\.[a-zA-Z]+$/),
  attemptNumber: id,
  objectId: id.optional(),
  objectTypeId: z.string().optional(),
  propertyName: z.string().optional(),
  propertyValue: z.string().optional(),
  changeSource: z.string().optional(),
  changeFlag: z.string().optional(),
  sourceId: z.string().optional(),
  isSensitive: z.boolean().optional(),
  primaryObjectId: id.optional(),
  mergedObjectIds: z.array(id).optional(),
  newObjectId: id.optional(),
  numberOfPropertiesMoved: z.number().int().optional(),
  associationType: z.string().optional(),
  fromObjectId: id.optional(),
  toObjectId: id.optional(),
  associationRemoved: z.boolean().optional(),
  isPrimaryAssociation: z.boolean().optional(),
});
export type HubSpotWebhookEventRaw = z.infer<typeof hubSpotWebhookEventRaw>;

export const hubSpotWebhookBatchRaw = z.array(hubSpotWebhookEventRaw).max(MAX_EVENTS_PER_BATCH);

export type HubSpotChangeKind = 'created' | 'changed' | 'deleted' | 'merged' | 'restored' | 'associationChanged';

export interface HubSpotChange {
  /** Stable dedupe key: portalId, subscriptionType, objectId, propertyName, occurredAt and eventId together. */
  eventKey: string;
  portalId: number;
  objectType: 'contacts' | 'products' | 'deals' | 'invoices' | 'other';
  objectId: string;
  kind: HubSpotChangeKind;
  propertyName?: string;
  propertyValue?: string;
  changeSource?: string;
  sourceId?: string;
  mergedObjectIds?: string[];
  occurredAt: Date;
}

export class HubSpotWebhookParseError extends Error {
  constructor(detail: string) {
    super(`Malformed HubSpot webhook batch: ${detail}`);
    this.name = 'HubSpotWebhookParseError';
  }
}

/**
 * Legacy `contact.*`-style prefixes and the `objectTypeId`s of generic `object.*` events
 * (https://developers.hubspot.com/docs/api-reference/legacy/crm/using-object-apis).
 */
const LEGACY_PREFIX: Record<string, HubSpotChange['objectType']> = { contact: 'contacts', product: 'products', deal: 'deals' };
const TYPE_IDS: Record<string, HubSpotChange['objectType']> = { '0-1': 'contacts', '0-7': 'products', '0-3': 'deals', '0-53': 'invoices' };

const KINDS: Record<string, HubSpotChangeKind> = {
  creation: 'created',
  propertyChange: 'changed',
  deletion: 'deleted',
  // GDPR deletion also fires `*.deletion`, possibly in another batch
  // (https://developers.hubspot.com/docs/api/webhooks); both mean the record is gone.
  privacyDeletion: 'deleted',
  merge: 'merged',
  restore: 'restored',
  associationChange: 'associationChanged',
};

/**
 * Parses the raw body of a verified webhook POST into changes. Malformed JSON or events throw
 * HubSpotWebhookParseError; well-formed events of a kind we never subscribe to (conversations…) are dropped.
 */
export function parseHubSpotWebhook(rawBody: string): HubSpotChange[] {
  let json: unknown;
  try {
    json = JSON.parse(rawBody) as unknown;
  } catch (err) {
    throw new HubSpotWebhookParseError(`not JSON (${(err as Error).message})`);
  }
  const parsed = hubSpotWebhookBatchRaw.safeParse(json);
  if (!parsed.success) throw new HubSpotWebhookParseError(z.prettifyError(parsed.error));
  return parsed.data.flatMap((e, i) => {
    const change = toChange(e, i);
    return change ? [change] : [];
  });
}

function toChange(e: HubSpotWebhookEventRaw, index: number): HubSpotChange | undefined {
  const [prefix = '', suffix = ''] = e.subscriptionType.split('.');
  const kind = KINDS[suffix];
  if (kind === undefined) return undefined;
  // Association events name both ends; the record the event is about is the `from` side
  // (https://developers.hubspot.com/docs/api/webhooks).
  const objectId = e.objectId ?? (kind === 'associationChanged' ? e.fromObjectId : undefined) ?? (kind === 'merged' ? e.primaryObjectId : undefined);
  if (objectId === undefined) throw new HubSpotWebhookParseError(`event [${index}] (${e.subscriptionType}) has no objectId`);
  if (prefix === 'object' && e.objectTypeId === undefined) throw new HubSpotWebhookParseError(`event [${index}] (${e.subscriptionType}) has no objectTypeId`);
  const objectType = (prefix === 'object' ? TYPE_IDS[e.objectTypeId ?? ''] : LEGACY_PREFIX[prefix]) ?? 'other';
  const change: HubSpotChange = {
    eventKey: [e.portalId, e.subscriptionType, objectId, e.propertyName ?? '', e.occurredAt, e.eventId].join(':'),
    portalId: e.portalId,
    objectType,
    objectId: String(objectId),
    kind,
    occurredAt: new Date(e.occurredAt),
  };
  if (e.propertyName !== undefined) change.propertyName = e.propertyName;
  if (e.propertyValue !== undefined) change.propertyValue = e.propertyValue;
  if (e.changeSource !== undefined) change.changeSource = e.changeSource;
  if (e.sourceId !== undefined) change.sourceId = e.sourceId;
  if (e.mergedObjectIds !== undefined) change.mergedObjectIds = e.mergedObjectIds.map(String);
  return change;
}
