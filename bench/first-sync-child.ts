import { startHarness } from '../tests/helpers/harness';
import { BENCH_QBO_TIMEOUT_MS, benchDb, log, peakRssMiB, size } from './measure';
import { connected, firstSync } from './scenarios';

/**
 * The large first sync, alone in this process so the peak resident set it reports is its own (bench/main.ts starts
 * it). Progress goes to stdout; the last line is `RESULT {json}`.
 */
const customers = size('BENCH_FIRST_SYNC_LARGE', 100_000);
const database = await benchDb();
const h = await startHarness({
  qboTimeoutMs: BENCH_QBO_TIMEOUT_MS,
  ...(database.db ? { db: database.db } : {}),
  ...(database.bossSchema ? { bossSchema: database.bossSchema } : {}),
});
try {
  const connection = await connected(h);
  const figures = await firstSync(h, connection.id, customers);
  log(`RESULT ${JSON.stringify({ ...figures, peakRssMiB: peakRssMiB() })}`);
} finally {
  await h.stop();
  await database.dispose();
}
