import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
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
import type { InvoiceStore } from './store/invoices';
import { createStore, type Store } from './store/store';
import type { Flow } from './sync/flow';
import { FLOWS } from './sync/registry';
import { SyncRunner } from './sync/runner';

export type ProcessRole = 'web' | 'worker' | 'both';

export interface RuntimeDeps {
  db: Db;
  jobs: Jobs;
  cipher: TokenCipher;
  providers: ProviderSettings;
  log: Logger;
  now: () => Date;
  tuning?: ClientTuning;
  /** `web` serves HTTP and queues work; `worker` runs queued work and schedules and serves health checks; `both` (default) all. */
  role?: ProcessRole;
  /** The sync flows (default: the registry); tests declare their own to exercise the runner. */
  flows?: readonly Flow[];
  /** How long a sync run's lease lasts unless renewed (default 60 s), and pg-boss's job heartbeat (default 60 s). */
  syncLeaseSeconds?: number;
  jobHeartbeatSeconds?: number;
}

export interface Runtime {
  app: Hono;
  store: Store;
  clients: ProviderClients;
  /** Runs every sync flow: settings, queues, schedules, leases. */
  sync: SyncRunner;
  /** The invoice flow's tables; the "Create invoice" action records the deal an invoice came from here. */
  invoiceStore: InvoiceStore;
  /** Deal → QBO invoice, exactly once per idempotency key: the workflow action's engine, and the deal card's. */
  dealInvoices: DealInvoiceService;
}

/** This process among the holders of sync leases: readable in the table, unique across restarts. */
const holderName = () => `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

/** Everything above the database and the queue: store, provider clients, the sync runner and the HTTP app. */
export async function createRuntime(deps: RuntimeDeps): Promise<Runtime> {
  const { db, jobs, log, now } = deps;
  const role = deps.role ?? 'both';
  const work = role !== 'web';
  const store = createStore(db, deps.cipher);
  const clients = new ProviderClients(deps.providers, store.connections, log, now, deps.tuning);
  const metrics = createMetrics();
  const sync = new SyncRunner(
    { store, jobs, clients, log, now, metrics, flows: deps.flows ?? FLOWS },
    { work, lease: { ttlMs: (deps.syncLeaseSeconds ?? 60) * 1000, holder: holderName() }, jobHeartbeatSeconds: deps.jobHeartbeatSeconds ?? 60 },
  );
  await sync.start();
  const qboConnections = new QboConnections({ store, clients, jobs, log, now });
  await qboConnections.start({ work });
  const dealInvoices = new DealInvoiceService({ store, sync, clients, log, now });
  const createInvoice = new CreateInvoiceAction({ service: dealInvoices, store, jobs, clients, log });
  await createInvoice.start({ work });
  const app = createApp({
    serves: role === 'worker' ? 'health' : 'all',
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
    clients,
    qboConnections,
    access: new PortalAccess(now),
    createInvoice,
    dealInvoices,
    now,
  });
  return { app, store, clients, sync, invoiceStore: store.invoices, dealInvoices };
}
