import path from 'node:path';
import type { Config } from './config';
import { createApp } from './http/app';
import { listen, type RunningServer } from './http/listen';
import { Jobs } from './jobs/queue';
import type { Logger } from './log';
import { createMetrics } from './metrics';
import { resolveEncryptionKey } from './security/encryption-key';
import { TokenCipher } from './security/token-cipher';
import { openPglite, openPostgres, type Db } from './store/db';
import { migrate } from './store/migrate';
import { createStore, type Store } from './store/store';

export interface Backend {
  url: string;
  db: Db;
  store: Store;
  jobs: Jobs;
  stop(): Promise<void>;
}

/** Composition root: config → database → migrations → queue → store → HTTP. Stops in reverse order. */
export async function startBackend(config: Config, log: Logger): Promise<Backend> {
  const cipher = TokenCipher.fromBase64(await resolveEncryptionKey(config, log));
  const db =
    config.databaseUrl === undefined
      ? await openPglite(path.join(config.dataDir, 'pglite'))
      : await openPostgres(config.databaseUrl);
  log.info({ database: db.kind === 'pglite' ? `PGlite in ${path.resolve(config.dataDir, 'pglite')}` : 'Postgres (DATABASE_URL)' }, 'database open');

  const applied = await migrate(db);
  if (applied.length > 0) log.info({ applied }, 'migrations applied');

  const jobs = new Jobs({ db, log });
  await jobs.start();
  const store = createStore(db, cipher);

  const metrics = createMetrics();
  const app = createApp({
    log,
    metrics,
    readiness: async () => ({
      database: await db.query('SELECT 1').then(() => true, () => false),
      queue: await jobs.healthy().catch(() => false),
    }),
  });
  let server: RunningServer;
  try {
    server = await listen(app, config.port, config.host);
  } catch (err) {
    await jobs.stop();
    await db.close();
    throw err;
  }

  return {
    url: server.url,
    db,
    store,
    jobs,
    async stop() {
      await server.close();
      await jobs.stop();
      await db.close();
    },
  };
}
