import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPglite, openPostgres, quoteIdent, type Db } from '../../functions/store/db';

export type DatabaseKind = 'pglite' | 'postgres';

/** PGlite always; Postgres too when TEST_DATABASE_URL is set (CI sets it when a server answers). */
export function databaseKinds(): DatabaseKind[] {
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

export interface TestDb {
  db: Db;
  /** A schema name no other suite uses, for pg-boss. */
  bossSchema: string;
  dispose(): Promise<void>;
}

/** In-memory PGlite, or a fresh schema on the test Postgres that is dropped afterwards. */
export async function openTestDb(kind: DatabaseKind): Promise<TestDb> {
  const suffix = randomBytes(6).toString('hex');
  const bossSchema = `pgboss_${suffix}`;
  if (kind === 'pglite') {
    const db = await openPglite();
    return { db, bossSchema, dispose: () => db.close() };
  }
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set');
  const schema = `t_${suffix}`;
  const db = await openPostgres(url, { searchPath: schema, max: 4 });
  return {
    db,
    bossSchema,
    dispose: async () => {
      await db.close();
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        await admin.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
        await admin.query(`DROP SCHEMA IF EXISTS ${quoteIdent(bossSchema)} CASCADE`);
      } finally {
        await admin.end();
      }
    },
  };
}
