import { runTorture, type TortureResult } from '../../scripts/torture/run';

/**
 * A small fixed-seed run of `npm run torture` (scripts/torture): the product in one process on PGlite between the
 * emulators, users on both sides, injected faults, then the convergence check. The seed fixes every operation and
 * fault; a failure prints the records and the seed (`npm run torture -- --seed 7 --ops 250` replays it).
 */
describe('torture test, fixed seed', () => {
  test('seed 7, 250 operations: everything converges, nothing twice, nothing lost', async () => {
    const lines: string[] = [];
    let result: TortureResult | undefined;
    try {
      result = await runTorture({ seed: 7, ops: 250, workers: 1, kill: false, logLevel: 'silent', print: (line) => lines.push(line) });
    } finally {
      if (!result?.ok) process.stdout.write(`${lines.join('\n')}\n`);
    }
    expect(result).toMatchObject({ ok: true, seed: 7, ops: 250, duplicates: 0, lostUpdates: 0, mismatches: 0, invoiceErrors: 0 });
    expect(result.pairsChecked).toBeGreaterThan(20);
    expect(result.faults).toBeGreaterThan(10);
    expect(lines.join('\n')).toMatch(/\d+ QBO invoices in HubSpot once/);
  }, 600_000);
});
