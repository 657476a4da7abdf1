#!/usr/bin/env node
// Sums the vitest JSON reports of the workspace and every package into one plain line that CI
// reads: "N passed, N failed, N skipped". Exits 1 when a report is missing or a test failed.
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const dirs = ['.', ...['packages', 'apps'].flatMap((d) => fs.readdirSync(path.join(root, d)).map((p) => path.join(d, p)))];
let passed = 0;
let failed = 0;
let skipped = 0;
let missing = 0;
for (const dir of dirs) {
  const file = path.join(root, dir, '.vitest-report.json');
  const hasTests = dir === '.' || fs.existsSync(path.join(root, dir, 'vitest.config.ts'));
  if (!hasTests) continue;
  if (!fs.existsSync(file)) {
    console.log(`${dir}: no test report`);
    missing++;
    continue;
  }
  const r = JSON.parse(fs.readFileSync(file, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  if (r.numFailedTestSuites > 0 && r.numFailedTests === 0) failed += r.numFailedTestSuites;
  console.log(`${dir}: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || missing > 0 ? 1 : 0);
