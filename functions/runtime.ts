import type { Hono } from 'hono';
import { ProviderClients, type ClientTuning } from './connections/provider-clients';
import { QboConnections } from './connections/qbo-connection';
import type { ProviderSettings } from './connections/provider-settings';
import { DealInvoiceService } from './deal-invoices/service';
import { CreateInvoiceAction } from './deal-invoices/workflow-action';
import { createApp } from './http/app';
import type { Jobs } from './jobs/queue';
import type { Logger } from './log';
import { createMetrics } from './metrics';
import { PortalAccess } from './security/portal-access';
import type { TokenCipher } from './security/token-cipher';
import type { Db } from './store/db';
import { invoiceStore, type InvoiceStore } from './store/invoices';
import { createStore, type Store } from './store/store';
import { InvoiceService } from './sync/invoices/service';
import { SyncService } from './sync/service';

export interface RuntimeDeps {
  db: Db;
  jobs: Jobs;
  cipher: TokenCipher;
  providers: ProviderSettings;
  log: Logger;
  now: () => Date;
  tuning?: ClientTuning;
}

export interface Runtime {
  app: Hono;
  store: Store;
  clients: ProviderClients;
  sync: SyncService;
  invoices: InvoiceService;
  /** The invoice flow's tables; the "Create invoice" action records the deal an invoice came from here. */
  invoiceStore: InvoiceStore;
  /** Deal → QBO invoice, exactly once per idempotency key: the workflow action's engine, and the deal card's. */
  dealInvoices: DealInvoiceService;
}

/** Everything above the database and the queue: store, provider clients, sync flows and the HTTP app. */
export async function createRuntime(deps: RuntimeDeps): Promise<Runtime> {
  const { db, jobs, log, now } = deps;
  const store = createStore(db, deps.cipher);
  const clients = new ProviderClients(deps.providers, store.connections, log, now, deps.tuning);
  const metrics = createMetrics();
  const sync = new SyncService({ store, jobs, clients, log, now, metrics });
  await sync.start();
  const qboConnections = new QboConnections({ store, clients, jobs, log, now });
  await qboConnections.start();
  const invoiceState = invoiceStore(db);
  const invoices = new InvoiceService({ store, invoices: invoiceState, jobs, clients, log, now, metrics });
  await invoices.start();
  const dealInvoices = new DealInvoiceService({ store, invoiceStore: invoiceState, invoices, sync, clients, log, now });
  const createInvoice = new CreateInvoiceAction({ service: dealInvoices, store, jobs, clients, log });
  await createInvoice.start();
  const app = createApp({
    log,
    metrics,
    readiness: async () => ({
      database: await db.query('SELECT 1').then(
        () => true,
        () => false,
      ),
      queue: await jobs.healthy().catch(() => false),
    }),
    store,
    jobs,
    sync,
    invoices,
    invoiceStore: invoiceState,
    clients,
    qboConnections,
    access: new PortalAccess(now),
    createInvoice,
    dealInvoices,
    now,
  });
  return { app, store, clients, sync, invoices, invoiceStore: invoiceState, dealInvoices };
}
