// Adds up vitest JSON reports (one per suite run) into the line CI reads:
// "N passed, N failed, N skipped". Arguments are REPORT[:EXITCODE]. Exit code 1
// when anything failed, a report is missing, or a run exited non-zero.
import { existsSync, readFileSync } from 'node:fs';

let passed = 0, failed = 0, skipped = 0, missing = 0;
for (const arg of process.argv.slice(2)) {
  const [file, rc = '0'] = arg.split(':');
  if (rc !== '0') {
    console.error(`summary: the run that wrote ${file} exited ${rc}`);
    missing++;
  }
  if (!existsSync(file)) {
    console.error(`summary: no report ${file} (that run crashed before reporting)`);
    missing++;
    continue;
  }
  const r = JSON.parse(readFileSync(file, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  for (const suite of r.testResults ?? [])
    for (const t of suite.assertionResults ?? [])
      if (t.status === 'failed') console.error(`FAILED [${file}] ${t.fullName}`);
  if (r.numFailedTestSuites && !r.numFailedTests) failed += r.numFailedTestSuites; // a file that failed to load
}
console.log(`${passed} passed, ${failed + missing} failed, ${skipped} skipped`);
process.exit(failed + missing > 0 ? 1 : 0);
