import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPostgres, quoteIdent, type Db } from '../functions/store/db';

/** The nearest-rank percentile; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

export const mib = (bytes: number) => Math.round(bytes / 1024 / 1024);

/** This process's peak resident set so far (the kernel's high-water mark). */
export const peakRssMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);

/** Resident set now, after a full collection when node runs with --expose-gc (what an idle process holds, not garbage). */
export function currentRssMiB(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return mib(process.memoryUsage().rss);
}

/** The product's own default: a loaded machine answers slower than the tests' 1 s, and a timeout is not a figure. */
export const BENCH_QBO_TIMEOUT_MS = 60_000;

export const log = (line: string) => process.stdout.write(`${line}\n`);

/** A size from a `BENCH_*` variable, else the default. */
export function size(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, got "${raw}"`);
  return n;
}

export interface BenchDb {
  /** Undefined: the harness's own in-memory PGlite. */
  db: Db | undefined;
  bossSchema: string | undefined;
  kind: 'pglite' | 'postgres';
  dispose(): Promise<void>;
}

/** PGlite in memory (the default), or with DATABASE_URL a pair of fresh schemas on that server, dropped afterwards. */
export async function benchDb(): Promise<BenchDb> {
  const url = process.env.DATABASE_URL;
  if (!url) return { db: undefined, bossSchema: undefined, kind: 'pglite', dispose: async () => {} };
  const suffix = randomBytes(5).toString('hex');
  const schema = `bench_${suffix}`;
  const bossSchema = `bench_boss_${suffix}`;
  const db = await openPostgres(url, { searchPath: schema });
  return {
    db,
    bossSchema,
    kind: 'postgres',
    dispose: async () => {
      await db.close();
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        for (const s of [schema, bossSchema]) await admin.query(`DROP SCHEMA IF EXISTS ${quoteIdent(s)} CASCADE`);
      } finally {
        await admin.end();
      }
    },
  };
}
