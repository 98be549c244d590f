import { Hono } from 'hono';
import { HubSpotWebhookParseError, parseHubSpotWebhook, type HubSpotChange } from '../../hubspot/webhook-events';
import { verifyHubSpotRequest } from '../../hubspot/signature';
import type { Logger } from '../../log';
import type { Store } from '../../store/store';
import type { SyncService, TwoWayObject } from '../../sync/service';
import { signedUrl } from '../public-url';

export interface HubSpotWebhookDeps {
  store: Store;
  sync: SyncService;
  log: Logger;
  now: () => Date;
  publicUrl: string;
  clientSecret: string;
  appId: string;
}

/**
 * HubSpot webhook intake (reference hubspot-api.md §8): verify the signature on the raw body, drop our own
 * writes coming back (changeSource INTEGRATION from our app id), record each event once in the inbox, enqueue
 * the sync, answer 200. No sync work happens in the request: HubSpot times out after 5 s and retries.
 */
export function hubspotWebhookRoutes(deps: HubSpotWebhookDeps): Hono {
  return new Hono().post('/webhooks/hubspot', async (c) => {
    const rawBody = await c.req.text();
    const verdict = verifyHubSpotRequest({ method: 'POST', url: signedUrl(c, deps.publicUrl), rawBody, headers: c.req.raw.headers }, deps.clientSecret, deps.now());
    if (!verdict.ok) {
      deps.log.warn({ reason: verdict.reason }, 'refused a HubSpot webhook with a bad signature');
      return c.json({ error: 'invalid_signature', message: verdict.reason }, 401);
    }
    let changes: HubSpotChange[];
    try {
      changes = parseHubSpotWebhook(rawBody);
    } catch (err) {
      if (err instanceof HubSpotWebhookParseError) return c.json({ error: 'malformed_webhook', message: err.message }, 400);
      throw err;
    }

    const ours = (ch: HubSpotChange) => ch.changeSource === 'INTEGRATION' && ch.sourceId === deps.appId;
    const relevant = changes.filter((ch) => !ours(ch) && (ch.objectType === 'contacts' || ch.objectType === 'products'));
    const fresh = await deps.store.inbox.record(
      relevant.map((ch) => ({ source: 'hubspot' as const, eventId: ch.eventKey, accountId: String(ch.portalId), payload: ch })),
    );
    const freshKeys = new Set(fresh.map((e) => e.eventId));

    const byTarget = new Map<string, { portalId: number; object: TwoWayObject; ids: Set<string> }>();
    for (const ch of relevant) {
      if (!freshKeys.has(ch.eventKey)) continue;
      const object = ch.objectType as TwoWayObject;
      const key = `${ch.portalId}:${object}`;
      const target = byTarget.get(key) ?? { portalId: ch.portalId, object, ids: new Set<string>() };
      target.ids.add(ch.objectId);
      for (const merged of ch.mergedObjectIds ?? []) target.ids.add(merged);
      byTarget.set(key, target);
    }
    for (const { portalId, object, ids } of byTarget.values()) {
      const connection = await deps.store.connections.byPortal(portalId);
      if (!connection) {
        deps.log.info({ portalId }, 'HubSpot webhook for a portal with no connection; ignored');
        continue;
      }
      await deps.sync.enqueueChanges(connection.id, object, { hubspotIds: [...ids] });
    }
    await deps.store.inbox.markProcessed(fresh.map((e) => e.id));
    deps.log.debug({ received: changes.length, echoes: changes.filter(ours).length, fresh: fresh.length }, 'HubSpot webhook accepted');
    return c.json({ status: 'accepted' });
  });
}
