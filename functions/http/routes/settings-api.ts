import { Hono } from 'hono';
import { z } from 'zod';
import type { ProviderClients } from '../../connections/provider-clients';
import { readSignedAppRequest, SignedRequestError } from '../../hubspot/signed-request';
import type { Jobs } from '../../jobs/queue';
import type { Logger } from '../../log';
import type { Connection } from '../../store/connections';
import type { Store } from '../../store/store';
import { INVOICE_QUEUES, type InvoiceService } from '../../sync/invoices/service';
import { InvalidSettingsError, isTwoWayObject, QUEUES, TWO_WAY_FLOWS, type SyncService, type TwoWayObject } from '../../sync/service';
import { signedUrl } from '../public-url';

export interface SettingsApiDeps {
  store: Store;
  sync: SyncService;
  invoices: InvoiceService;
  jobs: Jobs;
  clients: ProviderClients;
  log: Logger;
  now: () => Date;
}

type Env = { Variables: { connection: Connection } };

const LogQuery = z.object({
  object: z.enum(['contacts', 'products', 'invoices']).optional(),
  outcome: z.enum(['succeeded', 'skipped', 'failed']).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

/**
 * The settings page's backend, reached with `hubspot.fetch`. The portal comes only from HubSpot's signed
 * query parameters (hubspot-platform.md §4, §9): a request that is unsigned, stale or signed for another app
 * never reaches a handler.
 */
export function settingsApiRoutes(deps: SettingsApiDeps): Hono<Env> {
  const { store, sync, invoices, jobs, clients, now } = deps;
  const api = new Hono<Env>();

  api.use('/api/*', async (c, next) => {
    try {
      const rawBody = ['GET', 'HEAD'].includes(c.req.method) ? '' : await c.req.raw.clone().text();
      const signed = readSignedAppRequest(
        { method: c.req.method, url: signedUrl(c, clients.settings.publicUrl), rawBody, headers: c.req.raw.headers },
        clients.settings.hubspot.clientSecret,
        now(),
      );
      const connection = await store.connections.byPortal(signed.portalId);
      if (!connection) return c.json({ error: 'not_installed', message: 'This HubSpot account has not installed the app yet.' }, 404);
      c.set('connection', connection);
    } catch (err) {
      if (err instanceof SignedRequestError) return c.json({ error: 'invalid_signature', message: err.message }, 401);
      throw err;
    }
    return next();
  });

  type SyncName = TwoWayObject | 'invoices';
  const SYNCS: SyncName[] = [...(Object.keys(TWO_WAY_FLOWS) as TwoWayObject[]), 'invoices'];
  const object = (raw: string): SyncName | undefined => (isTwoWayObject(raw) || raw === 'invoices' ? raw : undefined);
  const unknownObject = (raw: string) => ({ error: 'unknown_sync', message: `There is no "${raw}" sync; use one of ${SYNCS.join(', ')}.` });
  // The one-way invoice flow has its own service and settings; the routes treat every sync alike.
  const control = {
    settings: (connectionId: string, o: SyncName) => (o === 'invoices' ? invoices.settings(connectionId) : sync.settings(connectionId, o)),
    save: (connectionId: string, o: SyncName, body: unknown) => (o === 'invoices' ? invoices.saveSettings(connectionId, body) : sync.saveSettings(connectionId, o, body)),
    setEnabled: (connectionId: string, o: SyncName, on: boolean) => (o === 'invoices' ? invoices.setEnabled(connectionId, on) : sync.setEnabled(connectionId, o, on)),
    delete: (connectionId: string, o: SyncName) => (o === 'invoices' ? invoices.deleteSync(connectionId) : sync.deleteSync(connectionId, o)),
    preview: (connectionId: string, o: SyncName) => (o === 'invoices' ? invoices.preview(connectionId) : sync.preview(connectionId, o)),
  };

  return api
    .get('/api/settings', async (c) => {
      const connection = c.get('connection');
      const syncs = [];
      for (const o of SYNCS) {
        const { enabled, settings } = await control.settings(connection.id, o);
        syncs.push({ object: o, enabled, settings, linkedRecords: await store.links.count(connection.id, o) });
      }
      return c.json({
        connection: {
          status: connection.status,
          statusReason: connection.statusReason ?? null,
          quickbooksConnected: connection.qboRealmId !== undefined,
          realmId: connection.qboRealmId ?? null,
        },
        syncs,
      });
    })
    .post('/api/quickbooks/connect', async (c) => {
      const state = await store.oauthStates.issue('quickbooks', now(), 15 * 60_000, { connectionId: c.get('connection').id });
      return c.json({ url: clients.qboOAuth.authorizeUrl(state) });
    })
    .put('/api/settings/:object', async (c) => {
      const o = object(c.req.param('object'));
      if (!o) return c.json(unknownObject(c.req.param('object')), 404);
      const body = await c.req.json().catch(() => undefined);
      try {
        return c.json({ settings: await control.save(c.get('connection').id, o, body) });
      } catch (err) {
        if (err instanceof InvalidSettingsError) return c.json({ error: 'invalid_settings', message: 'The settings were not saved.', problems: err.problems }, 400);
        throw err;
      }
    })
    .post('/api/settings/:object/:toggle{enable|disable}', async (c) => {
      const o = object(c.req.param('object'));
      if (!o) return c.json(unknownObject(c.req.param('object')), 404);
      await control.setEnabled(c.get('connection').id, o, c.req.param('toggle') === 'enable');
      return c.json(await control.settings(c.get('connection').id, o));
    })
    .delete('/api/settings/:object', async (c) => {
      const o = object(c.req.param('object'));
      if (!o) return c.json(unknownObject(c.req.param('object')), 404);
      await control.delete(c.get('connection').id, o);
      return c.body(null, 204);
    })
    .get('/api/settings/:object/preview', async (c) => {
      const o = object(c.req.param('object'));
      if (!o) return c.json(unknownObject(c.req.param('object')), 404);
      return c.json(await control.preview(c.get('connection').id, o));
    })
    .get('/api/sync-log', async (c) => {
      const query = LogQuery.safeParse(c.req.query());
      if (!query.success) return c.json({ error: 'invalid_query', message: z.prettifyError(query.error) }, 400);
      const filter = { ...query.data } as Parameters<typeof store.syncLog.recent>[1];
      return c.json({ entries: await store.syncLog.recent(c.get('connection').id, filter) });
    })
    .post('/api/sync-log/retry', async (c) => {
      const connectionId = c.get('connection').id;
      let records = 0;
      for (const o of Object.keys(TWO_WAY_FLOWS) as TwoWayObject[]) {
        const failed = await store.syncLog.recent(connectionId, { object: o, outcome: 'failed', limit: 500 });
        const hubspotIds = [...new Set(failed.flatMap((e) => (e.hubspotId ? [e.hubspotId] : [])))];
        const qboIds = [...new Set(failed.flatMap((e) => (!e.hubspotId && e.qboId ? [e.qboId] : [])))];
        if (hubspotIds.length + qboIds.length > 0) await sync.enqueueChanges(connectionId, o, { hubspotIds, qboIds });
        records += hubspotIds.length + qboIds.length;
      }
      // Invoice failures name a QBO invoice, a payment, or (for a deal roll-up) only the deal: the invoice or
      // payment is synced again, which also redoes its deal.
      const failedInvoices = await store.syncLog.recent(connectionId, { object: 'invoices', outcome: 'failed', limit: 500 });
      const isPayment = (action: string) => action.startsWith('payment');
      const invoiceIds = [...new Set(failedInvoices.flatMap((e) => (e.qboId && !isPayment(e.action) ? [e.qboId] : [])))];
      const paymentIds = [...new Set(failedInvoices.flatMap((e) => (e.qboId && isPayment(e.action) ? [e.qboId] : [])))];
      if (invoiceIds.length + paymentIds.length > 0) await invoices.enqueueChanges(connectionId, { invoiceIds, paymentIds });
      records += invoiceIds.length + paymentIds.length;
      let jobsRetried = 0;
      for (const queue of [...Object.values(QUEUES), ...Object.values(INVOICE_QUEUES)]) jobsRetried += await jobs.retryDeadLetters(queue, { data: { connectionId } });
      return c.json({ recordsQueued: records, jobsRetried });
    });
}
