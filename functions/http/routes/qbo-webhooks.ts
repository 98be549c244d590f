import { Hono } from 'hono';
import type { Logger } from '../../log';
import { parseQboNotification, verifyIntuitSignature, type QboChange } from '../../quickbooks/webhooks';
import type { Store } from '../../store/store';
import type { InboxEvent } from '../../store/webhook-inbox';
import type { SyncRunner } from '../../sync/runner';

export interface QboWebhookDeps {
  store: Store;
  sync: SyncRunner;
  log: Logger;
  verifierToken: string;
}

/**
 * QBO webhook intake (https://developer.intuit.com/app/developer/qbo/docs/develop/webhooks): `intuit-signature` checked
 * on the raw body before parsing, each notification handed to every flow that listens to its entity, for every
 * connection of its company, through the inbox (recorded once, then queued), 200 at once (Intuit expects an answer
 * within 3 s and retries otherwise). Notifications carry no field values, only which entity changed: the sync reads it
 * fresh.
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

    const events: InboxEvent[] = [];
    for (const ch of changes) {
      const flows = deps.sync.listeningTo('qbo', ch.entity);
      if (flows.length === 0) continue;
      for (const connection of await deps.store.connections.byRealm(ch.realmId)) {
        for (const flow of flows) {
          events.push({
            source: 'quickbooks',
            eventId: ch.eventKey,
            accountId: ch.realmId,
            connectionId: connection.id,
            flow: flow.name,
            changes: { qbo: { [ch.entity]: [ch.id] } },
            payload: ch,
          });
        }
      }
    }
    await deps.sync.intake(events);
    return c.json({ status: 'accepted' });
  });
}
