import { CREATE_INVOICE_QUEUE } from '../../functions/deal-invoices/workflow-action';
import { QUEUES } from '../../functions/sync/runner';
import { checkConvergence, type Findings } from './check';
import { Prng } from './prng';
import { Users } from './users';
import type { ProductOptions } from './product';
import { startWorld, type World } from './world';

export interface TortureOptions {
  seed: number;
  ops: number;
  workers: number;
  kill: boolean;
  /** The product's log level; its logs go to stderr. */
  logLevel: ProductOptions['logLevel'];
  /** Where progress and findings go, one line at a time. */
  print: (line: string) => void;
}

export interface TortureResult {
  ok: boolean;
  seed: number;
  ops: number;
  workers: number;
  kills: number;
  faults: number;
  pairsChecked: number;
  duplicates: number;
  lostUpdates: number;
  mismatches: number;
  invoiceErrors: number;
  elapsedSeconds: number;
}

/** Every this many operations the users pause until everything has synced: edits on either side of a pause never conflict. */
const SETTLE_EVERY = 500;
/** A run that has not settled by then is stuck: the torture says so instead of waiting for ever. */
const SETTLE_TIMEOUT_MS = 10 * 60_000;

/** Injected faults, each drawn from the seeded stream. */
const HUBSPOT_FAULTS = [429, 500, 503] as const;
const QBO_FAULTS = ['429', '500', '503', 'stale-sync-token', 'slow'] as const;

export async function runTorture(o: TortureOptions): Promise<TortureResult> {
  const started = Date.now();
  const prng = new Prng(o.seed);
  const separateProcesses = o.workers > 1 || o.kill;
  o.print(
    `torture: seed ${o.seed}, ${o.ops} operations, ${separateProcesses ? `a web process and ${o.workers} worker process(es) on Postgres${o.kill ? ', one killed with SIGKILL mid-run' : ''}` : 'one process on embedded PGlite'}`,
  );
  const w = await startWorld({
    seed: o.seed,
    prng,
    workers: o.workers,
    separateProcesses,
    network: { lose: 0.03, repeat: 0.05, reorder: 0.05 },
    logLevel: o.logLevel,
  });
  const users = new Users(w, prng);
  let faults = 0;
  let kills = 0;
  let findings: Findings | undefined;
  try {
    await settle(w, o.print);
    // From half-way on, the first moment a worker is in the middle of a run (at the latest, the last operation).
    const killFrom = o.kill ? Math.floor(o.ops / 2) : Infinity;
    const progressEvery = Math.max(100, Math.floor(o.ops / 10));
    for (let op = 1; op <= o.ops; op++) {
      faults += injectFaults(w, prng, op, o.ops);
      await users.step(op);
      if (op >= killFrom && kills === 0 && (await w.product.killWorker({ onlyMidRun: op < o.ops }))) {
        kills++;
        o.print(`  op ${op}: a worker killed with SIGKILL in the middle of a run, and another started`);
      }
      if (op % progressEvery === 0)
        o.print(`  op ${op}/${o.ops}: ${users.people.length} people, ${users.invoices.length} invoices, ${faults} faults, ${users.skipped} skipped`);
      if (op % SETTLE_EVERY === 0 && op < o.ops) {
        await settle(w, o.print);
        users.epoch++;
      }
    }
    o.print(`settling: faults off, every webhook delivered, reconciliation asked for as the schedule would`);
    w.qbo.emulator.clearFaults();
    w.hubspot.emulator.faults.clear();
    w.network.calm();
    await w.network.release();
    for (let pass = 0; pass < 2; pass++) {
      await settle(w, o.print);
      for (const object of ['contacts', 'invoices'])
        await w.product.jobs.send(QUEUES.reconcile, { connectionId: w.connectionId, object }, { singletonKey: `${w.connectionId}:${object}` });
    }
    await settle(w, o.print);
    findings = await checkConvergence(w, users);
    if (findings.problems.length > 0) {
      const failed = await w.product.store.syncLog.recent(w.connectionId, { outcome: 'failed', limit: 20 });
      const jobs = await w.product.db.query<{ name: string; state: string; n: number; output: unknown }>(
        `SELECT name, state, count(*)::int AS n, max(output::text) AS output FROM pgboss.job WHERE state IN ('failed', 'cancelled') GROUP BY 1, 2`,
      );
      for (const j of jobs) o.print(`  queue: ${j.n} ${j.name} job(s) ${j.state}: ${String(j.output).slice(0, 300)}`);
      for (const e of failed) o.print(`  sync log: ${e.object} ${e.action} hubspot ${e.hubspotId ?? '-'} qbo ${e.qboId ?? '-'}: ${e.message}`);
    }
  } finally {
    await w.stop();
  }

  const ops = [...users.done.entries()].map(([name, n]) => `${name} ${n}`).join(', ');
  o.print(`operations done: ${ops}; ${users.skipped} skipped (their record not there yet, or refused by QBO)`);
  o.print(`webhooks: ${w.network.counts.lost} lost, ${w.network.counts.repeated} repeated, ${w.network.counts.reordered} held back and delivered late`);
  o.print(
    `checked: ${users.people.length} people, ${findings.pairsChecked} linked pairs (${findings.fieldsChecked} fields against every accepted edit), no record twice on either side; ${findings.invoicesChecked} QBO invoices in HubSpot once with amount, balance, status and deal; ${findings.paymentsChecked} payments on their deal's timeline; ${users.actions.length} "Create invoice" executions, one invoice each`,
  );
  for (const p of findings.problems.slice(0, 50)) o.print(`  ✗ ${p}`);
  if (findings.problems.length > 50) o.print(`  … and ${findings.problems.length - 50} more`);
  const ok = findings.problems.length === 0;
  if (!ok) o.print(`FAILED: reproduce with npm run torture -- --seed ${o.seed} --ops ${o.ops} --workers ${o.workers}${o.kill ? ' --kill' : ''}`);
  return {
    ok,
    seed: o.seed,
    ops: o.ops,
    workers: o.workers,
    kills,
    faults: faults + w.network.counts.lost + w.network.counts.repeated + w.network.counts.reordered,
    pairsChecked: findings.pairsChecked,
    duplicates: findings.duplicates,
    lostUpdates: findings.lostUpdates,
    mismatches: findings.mismatches,
    invoiceErrors: findings.invoiceErrors,
    elapsedSeconds: Math.round((Date.now() - started) / 100) / 10,
  };
}

/**
 * Faults the emulators inject into the product's calls (and the accountant's, who retries like a person would): a
 * 429, 500 or 503 from either API, a stale SyncToken or a slow answer from QBO, and now and then every access token
 * expiring at once.
 */
function injectFaults(w: World, prng: Prng, op: number, ops: number): number {
  let n = 0;
  if (prng.chance(0.03)) {
    w.hubspot.emulator.injectFault({ path: 're:^/crm/v[34]/', status: prng.pick(HUBSPOT_FAULTS), times: 1 + prng.int(3) });
    n++;
  }
  if (prng.chance(0.03)) {
    const kind = prng.pick(QBO_FAULTS);
    w.qbo.emulator.injectFault({ kind, count: 1 + prng.int(2), ...(kind === 'slow' ? { delayMs: 200 + prng.int(1_500) } : {}) });
    n++;
  }
  if (prng.chance(0.002) || op === Math.floor(ops / 3)) {
    w.hubspot.emulator.expireAccessTokens();
    w.qbo.emulator.expireAccessTokens();
    n++;
  }
  return n;
}

/** Sync and action work the product still has queued, retrying or running. */
async function pendingWork(w: World): Promise<number> {
  const [row] = await w.product.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pgboss.job WHERE name = ANY($1) AND state IN ('created', 'retry', 'active')`,
    [[QUEUES.changes, QUEUES.reconcile, QUEUES.firstSync, CREATE_INVOICE_QUEUE]],
  );
  return row!.n;
}

/** Until every webhook has been delivered and no sync work is left, twice in a row (work begets webhooks). */
async function settle(w: World, print: (line: string) => void): Promise<void> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  let quiet = 0;
  let lastReport = Date.now();
  while (quiet < 2) {
    await w.hubspot.emulator.flushWebhooks();
    await w.qbo.emulator.flushWebhooks();
    // HubSpot sends an execution again while it has no answer (a lost response, an error) and is not blocked.
    const unanswered = w.hubspot.emulator.callbacks.filter((e) => e.state === 'PENDING' || e.state === 'ERROR');
    for (const e of unanswered) await w.hubspot.emulator.retryWorkflowAction(e.callbackId);
    const pending = (await pendingWork(w)) + unanswered.length;
    quiet = pending === 0 ? quiet + 1 : 0;
    if (Date.now() > deadline) throw new Error(`the product did not settle within ${SETTLE_TIMEOUT_MS / 60_000} minutes (${pending} sync jobs pending)`);
    if (Date.now() - lastReport > 15_000) {
      print(`  settling: ${pending} sync job(s) or workflow action execution(s) pending`);
      lastReport = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
