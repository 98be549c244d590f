import { Hono } from 'hono';
import type { Logger } from '../../log';
import { parseQboNotification, verifyIntuitSignature, type QboChange } from '../../quickbooks/webhooks';
import type { Store } from '../../store/store';
import type { InvoiceService } from '../../sync/invoices/service';
import type { SyncService, TwoWayObject } from '../../sync/service';

export interface QboWebhookDeps {
  store: Store;
  sync: SyncService;
  invoices: InvoiceService;
  log: Logger;
  verifierToken: string;
}

type Target = TwoWayObject | 'invoices';
const OBJECT_OF_ENTITY: Record<string, Target> = { Customer: 'contacts', Item: 'products', Invoice: 'invoices', Payment: 'invoices' };

/**
 * QBO webhook intake (qbo-api.md §3): `intuit-signature` checked on the raw body before parsing, each
 * notification recorded once, the sync enqueued, 200 at once (Intuit expects an answer within 3 s and retries
 * otherwise). Notifications carry no field values, only which entity changed: the sync reads it fresh.
 */
export function qboWebhookRoutes(deps: QboWebhookDeps): Hono {
  return new Hono().post('/webhooks/quickbooks', async (c) => {
    const rawBody = await c.req.text();
    if (!verifyIntuitSignature(rawBody, c.req.header('intuit-signature'), deps.verifierToken)) {
      deps.log.warn('refused a QuickBooks webhook with a bad or missing intuit-signature');
      return c.json({ error: 'invalid_signature', message: 'intuit-signature does not match this body' }, 401);
    }
    let changes: QboChange[];
    try {
      changes = parseQboNotification(rawBody);
    } catch (err) {
      return c.json({ error: 'malformed_webhook', message: (err as Error).message }, 400);
    }

    const relevant = changes.filter((ch) => OBJECT_OF_ENTITY[ch.entity] !== undefined);
    const recorded = await deps.store.inbox.record(
      relevant.map((ch) => ({ source: 'quickbooks' as const, eventId: ch.eventKey, accountId: ch.realmId, payload: ch })),
    );
    const fresh = new Set(recorded.map((e) => e.eventId));
    const byTarget = new Map<string, { realmId: string; object: Target; ids: Set<string>; paymentIds: Set<string> }>();
    for (const ch of relevant) {
      if (!fresh.has(ch.eventKey)) continue;
      const object = OBJECT_OF_ENTITY[ch.entity]!;
      const key = `${ch.realmId}:${object}`;
      const target = byTarget.get(key) ?? { realmId: ch.realmId, object, ids: new Set<string>(), paymentIds: new Set<string>() };
      (ch.entity === 'Payment' ? target.paymentIds : target.ids).add(ch.id);
      byTarget.set(key, target);
    }
    for (const { realmId, object, ids, paymentIds } of byTarget.values()) {
      for (const connection of await deps.store.connections.byRealm(realmId)) {
        if (object === 'invoices') await deps.invoices.enqueueChanges(connection.id, { invoiceIds: [...ids], paymentIds: [...paymentIds] });
        else await deps.sync.enqueueChanges(connection.id, object, { qboIds: [...ids] });
      }
    }
    // A crash between recording and enqueueing loses no change: reconciliation polling finds it (≤ 10 min).
    await deps.store.inbox.markProcessed(recorded.map((e) => e.id));
    return c.json({ status: 'accepted' });
  });
}
