import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { QBO_LIMITS } from '../functions/quickbooks/rate-limiter';
import { startHarness } from '../tests/helpers/harness';
import { BENCH_QBO_TIMEOUT_MS, benchDb, currentRssMiB, log, peakRssMiB, size } from './measure';
import { changeLatency, connected, createInvoiceAction, dealCard, firstSync, steadyState, type FirstSyncFigures } from './scenarios';

/**
 * `npm run bench`: every figure of the sync's cost and speed in one run, a table, then one line `BENCH {json}`.
 * Sizes come from BENCH_* variables (README, Performance); DATABASE_URL runs it on Postgres instead of PGlite.
 */
const sizes = {
  firstSync: size('BENCH_FIRST_SYNC', 10_000),
  firstSyncLarge: size('BENCH_FIRST_SYNC_LARGE', 100_000),
  latencyChanges: size('BENCH_LATENCY_CHANGES', 40),
  droppedChanges: size('BENCH_DROPPED_CHANGES', 20),
  steadyChanges: size('BENCH_STEADY_CHANGES', 300),
  steadyPerMinute: size('BENCH_STEADY_PER_MIN', 300),
  cardInvoices: size('BENCH_CARD_INVOICES', 100),
  cardPayments: size('BENCH_CARD_PAYMENTS', 300),
  cardBackground: size('BENCH_CARD_BACKGROUND', 2_000),
  cardRequests: size('BENCH_CARD_REQUESTS', 100),
  actions: size('BENCH_ACTIONS', 100),
};

/**
 * QBO's bound on creates: a batch request carries at most 30 operations, at most 40 batch requests a minute per company
 * and app (https://developer.intuit.com/app/developer/qbo/docs/learn/limits-and-throttles).
 */
const BATCH_BOUND_PER_MIN = 40 * 30;

/** The large first sync in a child process (its peak RSS is then its own), its progress passed through. */
function largeFirstSync(): Promise<(FirstSyncFigures & { peakRssMiB: number }) | null> {
  if (sizes.firstSyncLarge === 0) return Promise.resolve(null);
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(new URL('./first-sync-child.ts', import.meta.url))], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let result: (FirstSyncFigures & { peakRssMiB: number }) | null = null;
  let buffered = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('RESULT ')) result = JSON.parse(line.slice('RESULT '.length)) as FirstSyncFigures & { peakRssMiB: number };
      else log(`  [${sizes.firstSyncLarge} first sync] ${line}`);
    }
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 && result ? resolve(result) : reject(new Error(`the large first sync exited with ${code}`))));
  });
}

/** A figure beside its target, for the table. */
type Row = [figure: string, value: string, target: string];

function table(rows: Row[]): string {
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: Row) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ');
  return [line(['Figure', 'Measured', 'Target']), line(widths.map((w) => '-'.repeat(w)) as Row), ...rows.map(line)].join('\n');
}

const fixed = (n: number | null | undefined, digits = 2) => (n === null || n === undefined || !Number.isFinite(n) ? 'n/a' : n.toFixed(digits));
const round = (n: number, digits = 2) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : null);

const database = await benchDb();
log(`Benchmark on ${database.kind === 'postgres' ? 'Postgres (DATABASE_URL)' : 'embedded PGlite'}; sizes ${JSON.stringify(sizes)}`);
const h = await startHarness({
  qboTimeoutMs: BENCH_QBO_TIMEOUT_MS,
  ...(database.db ? { db: database.db } : {}),
  ...(database.bossSchema ? { bossSchema: database.bossSchema } : {}),
});
let stopped = false;
try {
  const connection = await connected(h);
  await h.drain();
  const idleMiB = currentRssMiB();
  log(`Idle RSS, connected, nothing synced yet: ${idleMiB} MiB`);
  const first = await firstSync(h, connection.id, sizes.firstSync);
  log(
    `  ${first.createsPerMin.toFixed(0)} creates/min (QBO's batch bound ${BATCH_BOUND_PER_MIN}/min, per-request bound ${QBO_LIMITS.perMinute}/min) with ${first.qboCalls} QBO calls, ${first.wallSeconds.toFixed(0)} s wall clock`,
  );
  await h.drain(2_000);
  let offset = 0;
  const webhooks = await changeLatency(h, connection.id, false, sizes.latencyChanges, offset);
  offset += sizes.latencyChanges;
  const dropped = await changeLatency(h, connection.id, true, sizes.droppedChanges, offset);
  offset += sizes.droppedChanges;
  const steady = await steadyState(h, connection.id, sizes.steadyChanges, sizes.steadyPerMinute, offset);
  const card = await dealCard(h, connection.id, {
    invoices: sizes.cardInvoices,
    payments: sizes.cardPayments,
    background: sizes.cardBackground,
    requests: sizes.cardRequests,
  });
  const action = await createInvoiceAction(h, connection.id, sizes.actions);
  const peakMiB = peakRssMiB();
  log(`Peak RSS of this process (product and both emulators): ${peakMiB} MiB`);
  await h.stop();
  stopped = true;
  const large = await largeFirstSync();

  const ratio = first.createsPerMin / BATCH_BOUND_PER_MIN;
  log('');
  log(
    table([
      [
        `First sync of ${first.customers}: creates/min`,
        fixed(first.createsPerMin, 0),
        `≥ ${BATCH_BOUND_PER_MIN * 0.9} (90 % of QBO's batch bound ${BATCH_BOUND_PER_MIN})`,
      ],
      ['  QBO calls, wall clock', `${first.qboCalls}, ${fixed(first.wallSeconds, 0)} s`, `≥ ${Math.ceil(first.customers / 30)} calls (30 per batch)`],
      [
        `First sync of ${sizes.firstSyncLarge}: wall clock, peak RSS`,
        large ? `${fixed(large.wallSeconds, 0)} s, ${large.peakRssMiB} MiB` : 'not run',
        'completes; RSS flat (Postgres ≤ 300 MiB)',
      ],
      ['Latency with webhooks p50 / p95', `${fixed(webhooks.p50S)} s / ${fixed(webhooks.p95S)} s`, 'p95 ≤ 2 s'],
      ['Latency, webhooks dropped p95 / max', `${fixed(dropped.p95S, 0)} s / ${fixed(dropped.maxS, 0)} s`, 'max ≤ 600 s'],
      [`QBO reads per change (steady, ${steady.perMinute}/min)`, fixed(steady.qboReads), '≤ 0.3'],
      ['QBO calls per change (steady)', fixed(steady.qboCalls), '≤ 1.2'],
      ['HubSpot calls per change (steady)', fixed(steady.hubspotCalls), ''],
      ['QBO reads / calls per change, one at a time', `${fixed(webhooks.qboReadsPerChange)} / ${fixed(webhooks.qboCallsPerChange)}`, ''],
      ['QBO reads / calls per change, reconciliation', `${fixed(dropped.qboReadsPerChange)} / ${fixed(dropped.qboCallsPerChange)}`, 'reads ≤ 1.0'],
      ['Local work per change p95', `${fixed(webhooks.workP95Ms, 0)} ms`, '≤ 20 ms'],
      [`RSS idle / peak (${database.kind})`, `${idleMiB} / ${peakMiB} MiB`, database.kind === 'postgres' ? '≤ 200 / ≤ 300 MiB' : 'report'],
      ['Deal card API p95', `${fixed(card.p95Ms, 1)} ms`, '≤ 50 ms'],
      ['Create invoice action p95', `${fixed(action.p95Ms, 0)} ms`, '≤ 1000 ms'],
    ]),
  );
  const bench = {
    database: database.kind,
    firstSync10k: {
      customers: first.customers,
      createsPerMin: round(first.createsPerMin, 0),
      boundPerMin: BATCH_BOUND_PER_MIN,
      ratio: round(ratio, 3),
      qboCalls: first.qboCalls,
      wallSeconds: round(first.wallSeconds, 1),
    },
    firstSync100k: large && { customers: large.customers, wallSeconds: round(large.wallSeconds, 1), peakRssMiB: large.peakRssMiB },
    latency: { webhookP50S: round(webhooks.p50S), webhookP95S: round(webhooks.p95S), droppedP95S: round(dropped.p95S), droppedMaxS: round(dropped.maxS) },
    perChange: {
      qboReads: round(steady.qboReads),
      qboCalls: round(steady.qboCalls),
      hubspotCalls: round(steady.hubspotCalls),
      localWorkP95Ms: round(webhooks.workP95Ms, 1),
      perMinute: steady.perMinute,
      oneAtATime: { qboReads: round(webhooks.qboReadsPerChange), qboCalls: round(webhooks.qboCallsPerChange) },
      reconciliation: { qboReads: round(dropped.qboReadsPerChange), qboCalls: round(dropped.qboCallsPerChange) },
    },
    rss: { idleMiB, peakMiB, database: database.kind },
    card: { p95Ms: round(card.p95Ms, 1) },
    action: { p95Ms: round(action.p95Ms, 0) },
  };
  log(`BENCH ${JSON.stringify(bench)}`);
} finally {
  if (!stopped) await h.stop();
  await database.dispose();
}
