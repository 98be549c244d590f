import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { startBackend, type Backend } from '../../functions/backend';
import { loadConfig } from '../../functions/config';
import { Jobs } from '../../functions/jobs/queue';
import { createLogger, silentLogger } from '../../functions/log';
import { TokenCipher } from '../../functions/security/token-cipher';
import { openPostgres, quoteIdent, type Db } from '../../functions/store/db';
import { createStore, type Store } from '../../functions/store/store';
import { freePort, spawnEntry, type RunningProcess } from '../../tests/helpers/spawn-product';
import type { EmulatorInfo as HubSpotInfo } from '../../emulators/hubspot/emulator';
import type { EmulatorInfo as QboInfo } from '../../emulators/quickbooks/emulator';

/**
 * The product under torture, in live mode against the torture's emulators, as an operator would run it:
 * - one process doing everything (PROCESS_ROLE both) on embedded PGlite, in this process, when there is one worker and
 *   no kill;
 * - otherwise a web process and `workers` worker processes on a Postgres database of its own (created on the server
 *   DATABASE_URL names, else 127.0.0.1:5432, and dropped afterwards), any of which can be killed with SIGKILL.
 * Either way the torture reads the product's database (links, settings, queue) through a store of its own.
 */
export interface ProductUnderTest {
  publicUrl: string;
  db: Db;
  store: Store;
  /** The torture's door to the queue: it asks for reconciliations as the schedule does. */
  jobs: Jobs;
  workers: number;
  /**
   * SIGKILLs the worker holding a sync lease and starts another in its place; with `onlyMidRun` false, any worker when
   * none holds one. False when nothing was killed (one process, or no run under way).
   */
  killWorker(o: { onlyMidRun: boolean }): Promise<boolean>;
  stop(): Promise<void>;
}

export interface ProductOptions {
  workers: number;
  separateProcesses: boolean;
  hubspot: HubSpotInfo;
  qbo: QboInfo;
  /** The product's log level (TORTURE_LOG_LEVEL): its logs go to stderr, the torture's lines to stdout. */
  logLevel: 'silent' | 'error' | 'warn' | 'info' | 'debug';
  /** Lease and heartbeat short enough that a killed worker's runs are taken over within seconds. */
  leaseSeconds: number;
}

function liveEnv(o: ProductOptions, key: Buffer, port: number, publicUrl: string): Record<string, string> {
  return {
    PORT: String(port),
    PUBLIC_URL: publicUrl,
    TOKEN_ENCRYPTION_KEY: key.toString('base64'),
    LOG_LEVEL: o.logLevel,
    LOG_FORMAT: 'json',
    SYNC_LEASE_SECONDS: String(o.leaseSeconds),
    JOB_HEARTBEAT_SECONDS: String(Math.max(10, o.leaseSeconds)),
    HUBSPOT_APP_ID: String(o.hubspot.appId),
    HUBSPOT_CLIENT_ID: o.hubspot.clientId,
    HUBSPOT_CLIENT_SECRET: o.hubspot.clientSecret,
    HUBSPOT_API_BASE_URL: o.hubspot.url,
    HUBSPOT_AUTHORIZE_URL: `${o.hubspot.url}/oauth/authorize`,
    QBO_CLIENT_ID: o.qbo.clientId,
    QBO_CLIENT_SECRET: o.qbo.clientSecret,
    QBO_WEBHOOK_VERIFIER_TOKEN: o.qbo.webhookVerifierToken,
    QBO_ENVIRONMENT: 'sandbox',
    QBO_API_BASE_URL: o.qbo.url,
    QBO_OAUTH_AUTHORIZE_URL: o.qbo.authorizeEndpoint,
    QBO_OAUTH_TOKEN_URL: o.qbo.tokenEndpoint,
    QBO_OAUTH_REVOKE_URL: o.qbo.revokeEndpoint,
  };
}

export async function startProduct(o: ProductOptions): Promise<ProductUnderTest> {
  return o.separateProcesses ? startProcesses(o) : startInProcess(o);
}

async function startInProcess(o: ProductOptions): Promise<ProductUnderTest> {
  const key = randomBytes(32);
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'qbo-torture-'));
  const config = loadConfig({ ...liveEnv(o, key, port, publicUrl), DATA_DIR: dataDir, PROCESS_ROLE: 'both', LOG_LEVEL: o.logLevel });
  const backend: Backend = await startBackend(
    config,
    o.logLevel === 'silent' ? silentLogger : createLogger(o.logLevel, { destination: pino.destination({ dest: 2, sync: true }) }),
  );
  return {
    publicUrl,
    db: backend.db,
    store: backend.runtime.store,
    jobs: backend.jobs,
    workers: 1,
    killWorker: async () => false,
    async stop() {
      await backend.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The server's maintenance database, from which the torture creates and drops its own. */
export function postgresServerUrl(): string {
  return Object.assign(new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432'), { pathname: '/postgres' }).toString();
}

async function startProcesses(o: ProductOptions): Promise<ProductUnderTest> {
  const serverUrl = postgresServerUrl();
  const admin = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5_000 });
  await admin.connect().catch((err: unknown) => {
    throw new Error(
      `--workers ${o.workers}${o.workers > 1 ? '' : ' with --kill'} runs separate processes on Postgres, and none answers at ${new URL(serverUrl).host} (${String(err)}); start one or set DATABASE_URL.`,
    );
  });
  const database = `qbo_torture_${randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${quoteIdent(database)}`);
  const databaseUrl = Object.assign(new URL(serverUrl), { pathname: `/${database}` }).toString();

  const key = randomBytes(32);
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const env = (role: 'web' | 'worker', p: number) => ({ ...liveEnv(o, key, p, publicUrl), PROCESS_ROLE: role, DATABASE_URL: databaseUrl });
  const ready = / \(live mode, (web|worker)/;
  const processes: RunningProcess[] = [];
  const spawnWorker = async () => {
    const worker = spawnEntry('functions/main.ts', env('worker', 0));
    processes.push(worker);
    await worker.waitForLine(ready);
    return worker;
  };
  // The web process migrates the database before the workers start on it.
  const web = spawnEntry('functions/main.ts', env('web', port));
  processes.push(web);
  await web.waitForLine(ready);
  const workers: RunningProcess[] = [];
  for (let i = 0; i < o.workers; i++) workers.push(await spawnWorker());

  const db = await openPostgres(databaseUrl, { max: 4 });
  const jobs = new Jobs({ db, log: silentLogger, supervise: false });
  await jobs.start();
  const alive = (p: RunningProcess) => p.child.exitCode === null && p.child.signalCode === null;

  return {
    publicUrl,
    db,
    store: createStore(db, new TokenCipher(key)),
    jobs,
    workers: o.workers,
    async killWorker({ onlyMidRun }) {
      const leases = await db.query<{ holder: string }>('SELECT holder FROM sync_leases WHERE expires_at > now()');
      const running = workers.find((w) => leases.some((l) => l.holder.startsWith(`${hostname()}:${w.child.pid}:`)));
      if (running === undefined && onlyMidRun) return false;
      const victim = running ?? workers[0]!;
      const exited = new Promise((resolve) => victim.child.once('exit', resolve));
      victim.child.kill('SIGKILL');
      await exited;
      workers.splice(workers.indexOf(victim), 1, await spawnWorker());
      return true;
    },
    async stop() {
      await jobs.stop();
      for (const p of processes) if (alive(p)) await p.stop('SIGTERM');
      const crashed = processes.filter((p) => p.child.exitCode !== null && p.child.exitCode !== 0);
      await db.close();
      // Pools let go of their connections a moment after they close: dropped while one is still open, it would be cut
      // and its pool would report that as an error. FORCE ends any that linger past the wait.
      const open = async () => (await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [database])).rows[0]!.n;
      for (let waited = 0; waited < 15_000 && (await open()) > 0; waited += 250) await new Promise((resolve) => setTimeout(resolve, 250));
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
      await admin.end();
      if (crashed.length > 0) throw new Error(`product processes exited with errors:\n${crashed.map((p) => p.output().slice(-2000)).join('\n---\n')}`);
    },
  };
}
