import { Hono } from 'hono';
import { HubSpotWebhookParseError, parseHubSpotWebhook, type HubSpotChange } from '../../hubspot/webhook-events';
import { verifyHubSpotRequest } from '../../hubspot/signature';
import type { Logger } from '../../log';
import type { Connection } from '../../store/connections';
import type { Store } from '../../store/store';
import type { InboxEvent } from '../../store/webhook-inbox';
import type { SyncRunner } from '../../sync/runner';
import { signedUrl } from '../public-url';

export interface HubSpotWebhookDeps {
  store: Store;
  sync: SyncRunner;
  log: Logger;
  now: () => Date;
  publicUrl: string;
  clientSecret: string;
  appId: string;
}

/**
 * HubSpot webhook intake (https://developers.hubspot.com/docs/api-reference/latest/webhooks/guide): verify the v3
 * signature on the raw body, drop our own writes coming back (changeSource INTEGRATION from our app id), hand each
 * event to every flow that listens to its object, through the inbox (recorded once, then queued), answer 200. No sync
 * work happens in the request: HubSpot times out after 5 s and retries.
 */
export function hubspotWebhookRoutes(deps: HubSpotWebhookDeps): Hono {
  return new Hono().post('/webhooks/hubspot', async (c) => {
    const rawBody = await c.req.text();
    const verdict = verifyHubSpotRequest(
      { method: 'POST', url: signedUrl(c, deps.publicUrl), rawBody, headers: c.req.raw.headers },
      deps.clientSecret,
      deps.now(),
    );
    // HubSpot adds v3 to every request to an OAuth app
    // (https://developers.hubspot.com/changelog/introducing-version-3-of-webhook-signatures), so a webhook without it
    // had its v3 headers stripped: its v1 signature alone has no timestamp and would let a captured batch be replayed
    // forever.
    const reason = !verdict.ok
      ? verdict.reason
      : verdict.version !== 'v3'
        ? `a ${verdict.version} signature alone does not prove freshness; v3 is required`
        : undefined;
    if (reason !== undefined) {
      deps.log.warn({ reason }, 'refused a HubSpot webhook with a bad signature');
      return c.json({ error: 'invalid_signature', message: reason }, 401);
    }
    let changes: HubSpotChange[];
    try {
      changes = parseHubSpotWebhook(rawBody);
    } catch (err) {
      if (err instanceof HubSpotWebhookParseError) return c.json({ error: 'malformed_webhook', message: err.message }, 400);
      throw err;
    }

    const ours = (ch: HubSpotChange) => ch.changeSource === 'INTEGRATION' && ch.sourceId === deps.appId;
    const connections = new Map<number, Connection | undefined>();
    const events: InboxEvent[] = [];
    for (const ch of changes) {
      if (ours(ch)) continue;
      const flows = deps.sync.listeningTo('hubspot', ch.objectType);
      if (flows.length === 0) continue;
      if (!connections.has(ch.portalId)) connections.set(ch.portalId, await deps.store.connections.byPortal(ch.portalId));
      const connection = connections.get(ch.portalId);
      if (!connection) {
        deps.log.info({ portalId: ch.portalId }, 'HubSpot webhook for a portal with no connection; ignored');
        continue;
      }
      // A merge names the records merged away as well: their links may move to the survivor.
      const ids = [ch.objectId, ...(ch.mergedObjectIds ?? [])];
      for (const flow of flows) {
        events.push({
          source: 'hubspot',
          eventId: ch.eventKey,
          accountId: String(ch.portalId),
          connectionId: connection.id,
          flow: flow.name,
          changes: { hubspot: { [ch.objectType]: ids } },
          payload: ch,
        });
      }
    }
    const fresh = await deps.sync.intake(events);
    deps.log.debug({ received: changes.length, echoes: changes.filter(ours).length, fresh }, 'HubSpot webhook accepted');
    return c.json({ status: 'accepted' });
  });
}
