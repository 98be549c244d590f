import { Hono } from 'hono';
import path from 'node:path';
import type { Config } from './config';
import { liveProviderSettings, type ProviderSettings } from './connections/provider-settings';
import { listen } from './http/listen';
import { Jobs } from './jobs/queue';
import type { Logger } from './log';
import { createRuntime, type Runtime } from './runtime';
import { resolveEncryptionKey } from './security/encryption-key';
import { TokenCipher } from './security/token-cipher';
import { openPglite, openPostgres, type Db } from './store/db';
import { migrate } from './store/migrate';

export interface Backend {
  url: string;
  publicUrl: string;
  db: Db;
  jobs: Jobs;
  runtime: Runtime;
  stop(): Promise<void>;
}

export interface BackendOptions {
  /** Sandbox mode points the provider clients at the emulators; live mode reads them from config. */
  providers?: (publicUrl: string) => ProviderSettings;
  now?: () => Date;
  /** Routes served beside the product under their own path prefix (sandbox mode's preview); live mode has none. */
  extraRoutes?: (publicUrl: string) => { prefix: string; app: Hono };
}

/**
 * Composition root: config → database → migrations → queue → HTTP. The socket is bound before the runtime is
 * built because the runtime needs its own public URL (OAuth redirects, signed webhook URLs), which with
 * PORT=0 is known only then; until the runtime is ready every request gets 503.
 */
export async function startBackend(config: Config, log: Logger, options: BackendOptions = {}): Promise<Backend> {
  const now = options.now ?? (() => new Date());
  const cipher = TokenCipher.fromBase64(await resolveEncryptionKey(config, log));
  const db = config.databaseUrl === undefined ? await openPglite(path.join(config.dataDir, 'pglite')) : await openPostgres(config.databaseUrl);
  log.info({ database: db.kind === 'pglite' ? `PGlite in ${path.resolve(config.dataDir, 'pglite')}` : 'Postgres (DATABASE_URL)' }, 'database open');

  const applied = await migrate(db);
  if (applied.length > 0) log.info({ applied }, 'migrations applied');
  // A web-only process sends jobs and leaves supervision (expiring jobs of dead workers, cron) to the workers.
  const work = config.role !== 'web';
  const jobs = new Jobs({ db, log, supervise: work, superviseIntervalSeconds: Math.max(5, Math.floor(config.jobHeartbeatSeconds / 2)) });
  await jobs.start();

  let handle: (req: Request) => Response | Promise<Response> = () =>
    Response.json({ status: 'starting', message: 'The backend is still starting; try again in a moment.' }, { status: 503 });
  const server = await listen(
    new Hono().all('*', (c) => handle(c.req.raw)),
    config.port,
    config.host,
  ).catch(async (err: unknown) => {
    await jobs.stop();
    await db.close();
    throw err;
  });
  const publicUrl = config.publicUrl ?? server.url;
  const providers = options.providers ? options.providers(publicUrl) : liveProviderSettings(config);
  const runtime = await createRuntime({
    db,
    jobs,
    cipher,
    providers,
    log,
    now,
    role: config.role,
    syncLeaseSeconds: config.syncLeaseSeconds,
    jobHeartbeatSeconds: config.jobHeartbeatSeconds,
  });
  const extra = options.extraRoutes?.(publicUrl);
  handle = extra
    ? (req) => (new URL(req.url).pathname.startsWith(extra.prefix) ? extra.app.fetch(req) : runtime.app.fetch(req))
    : (req) => runtime.app.fetch(req);

  return {
    url: server.url,
    publicUrl,
    db,
    jobs,
    runtime,
    async stop() {
      await server.close();
      await jobs.stop();
      await db.close();
    },
  };
}
