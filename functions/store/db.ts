import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/** What store functions need: parameterised SQL. Implemented by PGlite (embedded) and node-postgres. */
export interface Queryable {
  query<R>(sql: string, params?: readonly unknown[]): Promise<R[]>;
}

interface DbHandle extends Queryable {
  /** Runs several statements in one round trip (migrations). */
  exec(sql: string): Promise<void>;
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export type Db = PgliteDb | PostgresDb;

export interface PgliteDb extends DbHandle {
  readonly kind: 'pglite';
  readonly pglite: PGlite;
}

export interface PostgresDb extends DbHandle {
  readonly kind: 'postgres';
  readonly pool: pg.Pool;
  readonly connectionString: string;
}

/**
 * PGlite is Postgres compiled to WebAssembly, running as one backend in this process (https://pglite.dev/docs/about):
 * its shared buffers live in this process's memory, and so do its files when the database is in memory. The buffers are
 * a second copy of pages the files hold anyway, so a small pool costs little. With no background checkpointer, its
 * write-ahead log is recycled only by a CHECKPOINT (measured: eleven 16 MB segments after 100,000 inserted rows, two
 * after one), so one runs every minute and the log is kept to two segments.
 */
const PGLITE_SETTINGS = ['shared_buffers = 16MB', 'max_wal_size = 32MB', 'min_wal_size = 32MB'];
const PGLITE_CHECKPOINT_MS = 60_000;

/** `dataDir` undefined = in memory (tests). */
export async function openPglite(dataDir?: string): Promise<PgliteDb> {
  // PGlite creates its own folder but not the ones above it (DATA_DIR in live mode, where nothing else writes there).
  if (dataDir !== undefined) await mkdir(dataDir, { recursive: true });
  const pglite = new PGlite({ ...(dataDir === undefined ? {} : { dataDir }), postgresqlconf: PGLITE_SETTINGS });
  await pglite.waitReady;
  // A checkpoint that fails (the database is closing) is simply taken a minute later.
  const checkpoints = setInterval(() => void pglite.exec('CHECKPOINT').catch(() => undefined), PGLITE_CHECKPOINT_MS);
  checkpoints.unref();
  return {
    kind: 'pglite',
    pglite,
    query: async <R>(sql: string, params: readonly unknown[] = []) => (await pglite.query<R>(sql, params as unknown[])).rows,
    exec: async (sql) => {
      await pglite.exec(sql);
    },
    transaction: (fn) =>
      pglite.transaction((tx) => fn({ query: async <R>(sql: string, params: readonly unknown[] = []) => (await tx.query<R>(sql, params as unknown[])).rows })),
    close: async () => {
      clearInterval(checkpoints);
      await pglite.close();
    },
  };
}

export interface PostgresOptions {
  /** Confines this handle's tables to one schema (tests run each suite in its own). */
  searchPath?: string;
  max?: number;
}

export async function openPostgres(connectionString: string, options: PostgresOptions = {}): Promise<PostgresDb> {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    ...(options.searchPath === undefined ? {} : { options: `-c search_path=${options.searchPath}` }),
  });
  if (options.searchPath !== undefined) {
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(options.searchPath)}`);
  }
  const queryWith =
    (client: pg.Pool | pg.PoolClient) =>
    async <R>(sql: string, params: readonly unknown[] = []) =>
      (await client.query(sql, params as unknown[])).rows as R[];
  return {
    kind: 'postgres',
    pool,
    connectionString,
    query: queryWith(pool),
    exec: async (sql) => {
      await pool.query(sql);
    },
    transaction: async (fn) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({ query: queryWith(client) });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe SQL identifier: ${name}`);
  return `"${name}"`;
}
