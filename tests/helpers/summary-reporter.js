/**
 * Ends every run with one plain line, `Tests: N passed, N failed, N skipped`, that CI and humans can read
 * without knowing jest's own summary format.
 */
export default class SummaryReporter {
  onRunComplete(_contexts, results) {
    const line = `Tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests + results.numTodoTests} skipped`;
    process.stdout.write(`\n${line}\n`);
  }
}
