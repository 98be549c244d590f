import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { routePath } from 'hono/route';
import type { ProviderClients } from '../connections/provider-clients';
import type { QboConnections } from '../connections/qbo-connection';
import type { DealInvoiceService } from '../deal-invoices/service';
import type { CreateInvoiceAction } from '../deal-invoices/workflow-action';
import type { Jobs } from '../jobs/queue';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import type { PortalAccess } from '../security/portal-access';
import type { Store } from '../store/store';
import type { SyncRunner } from '../sync/runner';
import { apiAccess, type ApiEnv } from './api/access';
import { dealCardApiRoutes } from './routes/deal-card-api';
import { healthRoutes, type Readiness } from './routes/health';
import { hubspotWebhookRoutes } from './routes/hubspot-webhooks';
import { oauthRoutes } from './routes/oauth';
import { qboWebhookRoutes } from './routes/qbo-webhooks';
import { settingsApiRoutes } from './routes/settings-api';
import { syncHealthApiRoutes } from './routes/sync-health-api';
import { workflowActionRoutes } from './routes/workflow-actions';

export interface AppDeps {
  /** `health`: a worker process answers health checks and metrics only; `all`: everything. */
  serves: 'all' | 'health';
  log: Logger;
  metrics: Metrics;
  readiness: Readiness;
  store: Store;
  jobs: Jobs;
  sync: SyncRunner;
  clients: ProviderClients;
  qboConnections: QboConnections;
  access: PortalAccess;
  createInvoice: CreateInvoiceAction;
  /** Deal → QBO invoice: the workflow action's engine, which the deal card's button uses too. */
  dealInvoices: DealInvoiceService;
  now: () => Date;
}

/** The one HTTP surface of the backend; tests call `app.request()` in-process. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();

  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    const route = routePath(c);
    const seconds = (performance.now() - started) / 1000;
    deps.metrics.httpRequests.inc({ method: c.req.method, route, status: String(c.res.status) });
    deps.metrics.httpDuration.observe({ method: c.req.method, route }, seconds);
    deps.log.debug({ method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(seconds * 1000) }, 'request');
  });

  // hubspot.fetch payloads are capped at 1 MB
  // (https://developers.hubspot.com/docs/apps/developer-platform/add-features/ui-extensibility/fetching-data); webhook
  // batches are far smaller.
  const limit = bodyLimit({
    maxSize: 1024 * 1024,
    onError: (c) => c.json({ error: 'payload_too_large', message: 'Request bodies are limited to 1 MB.' }, 413),
  });
  app.use('/webhooks/*', limit);
  app.use('/api/*', limit);
  app.use('/workflow-actions/*', limit);

  app.route('/', healthRoutes(deps));
  if (deps.serves === 'all') serveProduct(app, deps);

  app.notFound((c) => c.json({ error: 'not_found', message: `No route for ${c.req.method} ${c.req.path}` }, 404));
  app.onError((err, c) => {
    deps.log.error({ err, path: c.req.path }, 'unhandled error');
    return c.json({ error: 'internal_error', message: 'Something went wrong on our side; it has been logged.' }, 500);
  });
  return app;
}

/** What a web process serves: OAuth, both webhooks, the settings and deal card API, the workflow action. */
function serveProduct(app: Hono, deps: AppDeps): void {
  const { clients } = deps;
  app.route('/', oauthRoutes(deps));
  app.route(
    '/',
    hubspotWebhookRoutes({
      ...deps,
      publicUrl: clients.settings.publicUrl,
      clientSecret: clients.settings.hubspot.clientSecret,
      appId: clients.settings.hubspot.appId,
    }),
  );
  app.route('/', qboWebhookRoutes({ ...deps, verifierToken: clients.settings.quickbooks.webhookVerifierToken }));
  // The settings page's and the deal card's API: signed, for a user HubSpot confirms is in the portal (api/access.ts).
  const api = new Hono<ApiEnv>();
  api.use('/api/*', apiAccess(deps));
  api.route('/', settingsApiRoutes(deps));
  api.route('/', syncHealthApiRoutes(deps));
  api.route('/', dealCardApiRoutes(deps));
  app.route('/', api);
  app.route('/', workflowActionRoutes({ ...deps, publicUrl: clients.settings.publicUrl, clientSecret: clients.settings.hubspot.clientSecret }));
}
