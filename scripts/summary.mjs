// Adds up vitest JSON reports (one per suite run) into the line CI reads:
// "N passed, N failed, N skipped". Exit code 1 when anything failed or a
// report is missing.
import { existsSync, readFileSync } from 'node:fs';

let passed = 0, failed = 0, skipped = 0, missing = 0;
for (const file of process.argv.slice(2)) {
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
