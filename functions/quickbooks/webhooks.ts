/**
 * QBO change notifications (https://developer.intuit.com/app/developer/qbo/docs/develop/webhooks;
 * https://blogs.intuit.com/2025/11/12/upcoming-change-to-webhooks-payload-structure/). Verify the `intuit-signature` over
 * the raw bytes first, then parse either payload Intuit sends during the CloudEvents migration into
 * one list of changes. Notifications carry ids only: the worker fetches the entities (by CDC).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

export type QboOperation = 'Create' | 'Update' | 'Delete' | 'Merge' | 'Void' | 'Emailed';

export interface QboChange {
  /** Stable across redeliveries, for dedupe: the CloudEvent id, or realm:entity:id:operation:lastUpdated. */
  eventKey: string;
  realmId: string;
  /** QBO entity name: 'Customer', 'Item', 'Invoice', 'Payment', ... */
  entity: string;
  id: string;
  operation: QboOperation;
  occurredAt: Date;
}

export class QboNotificationError extends Error {
  override readonly name = 'QboNotificationError';
}

/**
 * `intuit-signature` = base64(HMAC-SHA256(verifier token, raw body))
 * (https://developer.intuit.com/app/developer/qbo/docs/develop/webhooks). Hash the raw body, never a re-serialized one,
 * and compare in constant time.
 */
export function verifyIntuitSignature(rawBody: string, signatureHeader: string | undefined, verifierToken: string): boolean {
  if (!signatureHeader || !verifierToken) return false;
  const expected = Buffer.from(createHmac('sha256', verifierToken).update(rawBody, 'utf8').digest('base64'), 'utf8');
  const given = Buffer.from(signatureHeader.trim(), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Webhook entities (https://developer.intuit.com/app/developer/qbo/docs/develop/webhooks) by their lower-case CloudEvents spelling. */
const ENTITY_NAMES = [
  'Account',
  'Bill',
  'BillPayment',
  'Budget',
  'Class',
  'CreditMemo',
  'Currency',
  'Customer',
  'Department',
  'Deposit',
  'Employee',
  'Estimate',
  'Invoice',
  'Item',
  'JournalCode',
  'JournalEntry',
  'Payment',
  'PaymentMethod',
  'Preferences',
  'Purchase',
  'PurchaseOrder',
  'RefundReceipt',
  'SalesReceipt',
  'TaxAgency',
  'Term',
  'TimeActivity',
  'Transfer',
  'Vendor',
  'VendorCredit',
];
const ENTITY_BY_LOWER = new Map(ENTITY_NAMES.map((n) => [n.toLowerCase(), n]));
const entityName = (lower: string): string => ENTITY_BY_LOWER.get(lower) ?? lower.charAt(0).toUpperCase() + lower.slice(1);

/**
 * CloudEvents `type` verbs (`qbo.<entity>.<verb>.v1`); only created and merged are confirmed
 * (https://developer.intuit.com/app/developer/qbo/docs/develop/webhooks/data-objects).
 */
const VERBS: Record<string, QboOperation> = {
  created: 'Create',
  updated: 'Update',
  deleted: 'Delete',
  merged: 'Merge',
  voided: 'Void',
  emailed: 'Emailed',
};
const OPERATIONS: ReadonlySet<string> = new Set(Object.values(VERBS));

const timestamp = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not an ISO-8601 time');

const cloudEvent = z.looseObject({
  specversion: z.string(),
  id: z.string().min(1),
  type: z.string().regex(/^qbo\.[a-z]+\.[a-z]+\.v\d+$/i, 'type must look like qbo.<entity>.<verb>.v<n>'),
  time: timestamp,
  intuitentityid: z.string().min(1),
  intuitaccountid: z.string().min(1),
  // A merge names the record merged away
  // (https://developer.intuit.com/app/developer/qbo/docs/develop/webhooks/data-objects: {"deletedid":"27"}).
  data: z.looseObject({ deletedid: z.string().optional() }).nullish(),
});

const legacyPayload = z.object({
  eventNotifications: z.array(
    z.looseObject({
      realmId: z.string().min(1),
      dataChangeEvent: z.looseObject({
        entities: z.array(
          z.looseObject({
            name: z.string().min(1),
            id: z.string().min(1),
            operation: z.string().min(1),
            lastUpdated: timestamp,
            deletedId: z.string().optional(),
          }),
        ),
      }),
    }),
  ),
});

/** A merge also removes the record merged away: report it as a Delete so its link can be retired. */
function mergedAway(change: QboChange, deletedId: string | undefined): QboChange[] {
  if (change.operation !== 'Merge' || deletedId === undefined) return [change];
  return [change, { ...change, eventKey: `${change.eventKey}:deleted:${deletedId}`, id: deletedId, operation: 'Delete' }];
}

/**
 * Parses a verified notification body: a CloudEvents array or the legacy `eventNotifications` object. Malformed bodies
 * throw QboNotificationError (answer 400). Events whose verb is outside the known operations are skipped rather than
 * failing the delivery: Intuit holds back later events until one is acknowledged
 * (https://developer.intuit.com/app/developer/qbo/docs/develop/webhooks), and CDC reconciliation still sees the change.
 */
export function parseQboNotification(rawBody: string): QboChange[] {
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    throw new QboNotificationError('The QuickBooks notification is not JSON');
  }

  if (Array.isArray(body)) {
    const events = z.array(cloudEvent).safeParse(body);
    if (!events.success) throw new QboNotificationError(`Malformed CloudEvents notification: ${z.prettifyError(events.error)}`);
    return events.data.flatMap((e) => {
      const [, entity = '', verb = ''] = e.type.toLowerCase().split('.');
      const operation = VERBS[verb];
      if (operation === undefined) return [];
      const change: QboChange = {
        eventKey: e.id,
        realmId: e.intuitaccountid,
        entity: entityName(entity),
        id: e.intuitentityid,
        operation,
        occurredAt: new Date(e.time),
      };
      return mergedAway(change, e.data?.deletedid ?? undefined);
    });
  }

  const legacy = legacyPayload.safeParse(body);
  if (!legacy.success) throw new QboNotificationError(`Malformed QuickBooks notification: ${z.prettifyError(legacy.error)}`);
  return legacy.data.eventNotifications.flatMap((n) =>
    n.dataChangeEvent.entities.flatMap((e) => {
      if (!OPERATIONS.has(e.operation)) return [];
      const operation = e.operation as QboOperation;
      const change: QboChange = {
        eventKey: `${n.realmId}:${e.name}:${e.id}:${operation}:${e.lastUpdated}`,
        realmId: n.realmId,
        entity: e.name,
        id: e.id,
        operation,
        occurredAt: new Date(e.lastUpdated),
      };
      return mergedAway(change, e.deletedId);
    }),
  );
}
