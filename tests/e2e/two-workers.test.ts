import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import pg from 'pg';
import { startHubSpotEmulator, type StartedHubSpotEmulator } from '../../emulators/hubspot/start';
import { startQuickBooksEmulator, type StartedQuickBooksEmulator } from '../../emulators/quickbooks/start';
import { silentLogger } from '../../functions/log';
import { Jobs } from '../../functions/jobs/queue';
import type { QboClient } from '../../functions/quickbooks/client';
import { TokenCipher } from '../../functions/security/token-cipher';
import { openPostgres, quoteIdent, type PostgresDb } from '../../functions/store/db';
import { createStore, type Store } from '../../functions/store/store';
import { QUEUES } from '../../functions/sync/runner';
import { emulatorQboUser, ensureEmulatorAppProperties, saveEmulatorGrants } from '../helpers/installed-portal';
import { freePort, spawnEntry, type RunningProcess } from '../helpers/spawn-product';

/**
 * The product as it is deployed at scale: one web process and two worker processes (PROCESS_ROLE) on one Postgres, in
 * live mode against the standalone emulators, as the README describes. A storm of webhooks and reconciliations on the
 * same records meets both workers; one of them is killed with SIGKILL in the middle of a run. Every change lands once,
 * nothing is created twice on either side, and the surviving worker finishes the killed one's work.
 *
 * Real processes, real Postgres, real time: the lease and the job heartbeat are short here (SYNC_LEASE_SECONDS,
 * JOB_HEARTBEAT_SECONDS) so the takeover happens in seconds. Needs a Postgres server (TEST_DATABASE_URL's, else
 * 127.0.0.1:5432), where it creates a database of its own and drops it afterwards; skipped with a message without one.
 */
/** The server's maintenance database: the test creates and drops its own database from there, and uses no other. */
const SERVER_URL = Object.assign(new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432'), { pathname: '/postgres' }).toString();

async function postgresAnswers(): Promise<boolean> {
  const client = new pg.Client({ connectionString: SERVER_URL, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const haveServer = await postgresAnswers();

/** `describe` where a Postgres server answers; elsewhere one skipped test whose name says how to run it. */
function describeWithPostgres(name: string, body: () => void): void {
  if (haveServer) {
    describe(name, body);
    return;
  }
  const why = `skipped: no Postgres answers at ${new URL(SERVER_URL).host}; start one, or set TEST_DATABASE_URL to a server that does`;
  console.warn(`${name}: ${why}`);
  describe(name, () => test.skip(why, () => undefined));
}

const CONTACTS = 120;
const CUSTOMERS = 20;
const ROUNDS = 6;
const INVOICES_PER_ROUND = 10;

/** Polls until `done` holds, on real time (the processes run on their own). */
async function until(what: string, done: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describeWithPostgres('two worker processes on one Postgres', () => {
  const database = `qbo_two_workers_${randomBytes(4).toString('hex')}`;
  const key = randomBytes(32);
  let admin: pg.Client;
  let db: PostgresDb;
  let store: Store;
  let hubspot: StartedHubSpotEmulator;
  let qbo: StartedQuickBooksEmulator;
  let accountant: QboClient;
  let jobs: Jobs;
  let publicUrl: string;
  const processes: RunningProcess[] = [];

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: SERVER_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${quoteIdent(database)}`);
    const databaseUrl = Object.assign(new URL(SERVER_URL), { pathname: `/${database}` }).toString();

    hubspot = await startHubSpotEmulator({ port: 0 });
    qbo = await startQuickBooksEmulator({ port: 0, rateLimitPerMinute: 1_000_000, maxInFlight: 100 });
    accountant = emulatorQboUser(qbo);

    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    const env = (role: string, p: number) => ({
      PROCESS_ROLE: role,
      PORT: String(p),
      DATABASE_URL: databaseUrl,
      PUBLIC_URL: publicUrl,
      TOKEN_ENCRYPTION_KEY: key.toString('base64'),
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      SYNC_LEASE_SECONDS: '6',
      JOB_HEARTBEAT_SECONDS: '10',
      HUBSPOT_APP_ID: String(hubspot.info.appId),
      HUBSPOT_CLIENT_ID: hubspot.info.clientId,
      HUBSPOT_CLIENT_SECRET: hubspot.info.clientSecret,
      HUBSPOT_API_BASE_URL: hubspot.info.url,
      HUBSPOT_AUTHORIZE_URL: `${hubspot.info.url}/oauth/authorize`,
      QBO_CLIENT_ID: qbo.info.clientId,
      QBO_CLIENT_SECRET: qbo.info.clientSecret,
      QBO_WEBHOOK_VERIFIER_TOKEN: qbo.info.webhookVerifierToken,
      QBO_ENVIRONMENT: 'sandbox',
      QBO_API_BASE_URL: qbo.info.url,
      QBO_OAUTH_AUTHORIZE_URL: qbo.info.authorizeEndpoint,
      QBO_OAUTH_TOKEN_URL: qbo.info.tokenEndpoint,
      QBO_OAUTH_REVOKE_URL: qbo.info.revokeEndpoint,
    });
    const ready = / \(live mode, (web|worker)/;
    const web = spawnEntry('functions/main.ts', env('web', port));
    processes.push(web);
    await web.waitForLine(ready);
    for (let i = 0; i < 2; i++) {
      const worker = spawnEntry('functions/main.ts', env('worker', 0));
      processes.push(worker);
      await worker.waitForLine(ready);
    }
    hubspot.emulator.setWebhookTarget({ url: `${publicUrl}/webhooks/hubspot` });
    qbo.emulator.setWebhookTarget({ url: `${publicUrl}/webhooks/quickbooks`, format: 'cloudevents' });

    db = await openPostgres(databaseUrl, { max: 4 });
    store = createStore(db, new TokenCipher(key));
    // The test's own door to the queue, to ask for reconciliations as the schedule does; it supervises nothing.
    jobs = new Jobs({ db, log: silentLogger, supervise: false });
    await jobs.start();
  }, 120_000);

  afterAll(async () => {
    await jobs?.stop();
    for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) await p.stop('SIGTERM');
    await db?.close();
    await hubspot?.close();
    await qbo?.close();
    if (!admin) return;
    // Pools close their connections a moment after they are told to: dropped while one is still open, it would be
    // cut, and the pool would report that as an error.
    const open = async () => (await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [database])).rows[0]!.n;
    await until('every connection to the test database to close', async () => (await open()) === 0, 15_000).catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
    await admin.end();
  });

  const pendingSyncJobs = async () =>
    (
      await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = ANY($1) AND state IN ('created', 'retry', 'active')`, [
        [QUEUES.changes, QUEUES.reconcile, QUEUES.firstSync],
      ])
    )[0]!.n;

  test('a storm of webhooks and reconciliations on the same records, and a worker killed mid-run: every change lands once, nothing twice', async () => {
    // A portal with contacts the company does not have yet, and a company with customers the portal does not have.
    const contacts = hubspot.emulator.seed({
      contacts: Array.from({ length: CONTACTS }, (_, i) => ({ email: `person${i}@storm.example`, firstname: 'Person', lastname: String(i), city: 'Start' })),
    }).contacts;
    const customers = qbo.emulator
      .seed({
        entities: {
          Customer: Array.from({ length: CUSTOMERS }, (_, i) => ({
            DisplayName: `Customer ${i}`,
            PrimaryEmailAddr: { Address: `customer${i}@storm.example` },
          })),
        },
      })
      .Customer!.map((c) => String(c.Id));

    // Installed and connected, as the OAuth routes leave it.
    const connection = await saveEmulatorGrants(store.connections, hubspot, qbo, Date.now());
    await ensureEmulatorAppProperties(hubspot);

    // An admin turns both syncs on in the settings page: the web process queues their first syncs for the workers.
    for (const sync of ['contacts', 'invoices']) {
      const url = new URL(`${publicUrl}/api/settings/${sync}/enable`);
      url.searchParams.set('portalId', String(hubspot.info.portalId));
      url.searchParams.set('userId', String(hubspot.emulator.config.userId));
      expect((await hubspot.emulator.signedFetch(url.toString(), { method: 'POST' })).status).toBe(200);
    }

    // The storm: edits on both sides and new invoices (each a webhook to the web process), and reconciliations of both
    // syncs asked for again and again, while the first syncs may still run. Each round's values are the ones that must win.
    const lastCity = new Map<string, string>();
    const lastPhone = new Map<string, string>();
    const invoices: string[] = [];
    const line = (amount: number) => [
      { DetailType: 'SalesItemLineDetail', Amount: amount, SalesItemLineDetail: { ItemRef: { value: '1' }, Qty: 1, UnitPrice: amount } },
    ];
    const storm = async (round: number) => {
      for (let i = round % 3; i < CONTACTS; i += 3) {
        const city = `City ${round}-${i}`;
        hubspot.emulator.editAsUser('contacts', contacts[i]!, { city });
        lastCity.set(contacts[i]!, city);
      }
      for (const [i, id] of customers.entries()) {
        const current = await accountant.get('Customer', id);
        const phone = `555-${round}${String(i).padStart(3, '0')}`;
        await accountant.update('Customer', { Id: id, SyncToken: current.SyncToken, sparse: true, PrimaryPhone: { FreeFormNumber: phone } });
        lastPhone.set(id, phone);
      }
      // A reconciliation asked for while a burst of new invoices arrives: it meets their webhooks' run on the same invoices.
      for (const object of ['contacts', 'invoices'])
        await jobs.send(QUEUES.reconcile, { connectionId: connection.id, object }, { singletonKey: `${connection.id}:${object}` });
      const burst = await Promise.all(
        Array.from({ length: INVOICES_PER_ROUND }, (_, k) =>
          accountant.create(
            'Invoice',
            { CustomerRef: { value: customers[k % CUSTOMERS]! }, DocNumber: `S-${round}-${k}`, Line: line(100 + round) },
            { idempotencyKey: `storm-${round}-${k}` },
          ),
        ),
      );
      invoices.push(...burst.map((i) => i.Id));
    };

    // Which worker holds a run's lease right now, if any.
    const workers = processes.slice(1);
    const runningOn = async () => {
      const leases = await db.query<{ holder: string }>('SELECT holder FROM sync_leases WHERE expires_at > now()');
      return workers.find((w) => leases.some((l) => l.holder.startsWith(`${hostname()}:${w.child.pid}:`)));
    };

    const started = Date.now();
    let killed: { worker: RunningProcess; activeJobs: string[]; at: number } | undefined;
    for (let round = 0; round < ROUNDS; round++) {
      await storm(round);
      if (round === 1) {
        // Mid-run: the worker that holds a lease now is killed at once, without a chance to let go of anything.
        let victim: RunningProcess | undefined;
        await until('a worker in the middle of a run', async () => (victim = await runningOn()) !== undefined, 30_000);
        const active = await db.query<{ id: string }>(`SELECT id FROM pgboss.job WHERE name = ANY($1) AND state = 'active'`, [
          [QUEUES.changes, QUEUES.reconcile, QUEUES.firstSync],
        ]);
        victim!.child.kill('SIGKILL');
        await new Promise((resolve) => victim!.child.once('exit', resolve));
        killed = { worker: victim!, activeJobs: active.map((j) => j.id), at: Date.now() };
      }
    }

    // The survivor takes the killed worker's lease once it expires, and its jobs once their heartbeat stops.
    const survivor = workers.find((w) => w !== killed!.worker)!;
    await until(
      'every queued sync job to finish',
      async () => {
        await hubspot.emulator.flushWebhooks();
        await qbo.emulator.flushWebhooks();
        return (await pendingSyncJobs()) === 0;
      },
      150_000,
    );
    const settled = Date.now();
    expect(survivor.child.exitCode).toBeNull();
    const abandoned = await db.query<{ state: string; retry_count: number }>('SELECT state, retry_count FROM pgboss.job WHERE id = ANY($1::uuid[])', [
      killed!.activeJobs,
    ]);
    expect(abandoned.length).toBeGreaterThan(0);
    expect(abandoned.every((j) => j.state === 'completed')).toBe(true);
    expect(abandoned.some((j) => j.retry_count > 0)).toBe(true);

    // Nothing twice: one QBO customer per person, one HubSpot contact per customer, one HubSpot invoice per QBO invoice.
    const qboCustomers = await accountant.query('Customer');
    const hubspotContacts = [...hubspot.emulator.state.records.contacts.values()].filter((r) => !r.archived);
    expect(qboCustomers).toHaveLength(CONTACTS + CUSTOMERS);
    expect(hubspotContacts).toHaveLength(CONTACTS + CUSTOMERS);
    expect(new Set(qboCustomers.map((c) => c.PrimaryEmailAddr?.Address)).size).toBe(CONTACTS + CUSTOMERS);
    expect(await store.links.count(connection.id, 'contacts')).toBe(CONTACTS + CUSTOMERS);
    const hubspotInvoices = [...hubspot.emulator.state.records.invoices.values()].filter((r) => !r.archived);
    expect(hubspotInvoices.map((r) => r.properties['qbo_invoice_id']).sort()).toEqual([...invoices].sort());

    // Every change landed: each contact's last city is its customer's, each customer's last phone its contact's.
    const links = await store.links.list(connection.id, 'contacts');
    const customerOf = new Map(links.map((l) => [l.hubspotId, l.qboId]));
    const contactOf = new Map(links.map((l) => [l.qboId, l.hubspotId]));
    const byId = new Map(qboCustomers.map((c) => [c.Id, c]));
    for (const [contactId, city] of lastCity) expect([contactId, byId.get(customerOf.get(contactId)!)?.BillAddr?.City]).toEqual([contactId, city]);
    for (const [customerId, phone] of lastPhone)
      expect([customerId, hubspot.emulator.state.records.contacts.get(contactOf.get(customerId)!)?.properties['phone']]).toEqual([customerId, phone]);
    expect(await store.syncLog.recent(connection.id, { outcome: 'failed' })).toEqual([]);

    const [done] = await db.query<{ jobs: number; retried: number; later: number }>(
      `SELECT count(*)::int AS jobs, count(*) FILTER (WHERE retry_count > 0)::int AS retried, count(*) FILTER (WHERE start_after > created_on + interval '1 second')::int AS later
       FROM pgboss.job WHERE name = ANY($1)`,
      [[QUEUES.changes, QUEUES.reconcile, QUEUES.firstSync]],
    );
    process.stdout.write(
      `two workers: ${CONTACTS + CUSTOMERS} contacts and customers, ${invoices.length} invoices, ${ROUNDS} rounds; ${done!.jobs} sync jobs (${done!.later} queued again while their flow was busy, ${done!.retried} retried after the SIGKILL); killed ${((killed!.at - started) / 1000).toFixed(1)} s into the storm, everything settled ${((settled - killed!.at) / 1000).toFixed(1)} s later\n`,
    );
  }, 300_000);
});
