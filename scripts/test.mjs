// `npm test`: lint, type-check, unit and integration suites, browser end-to-end, and the
// Electron end-to-end suite (which says in one line when it is skipped). Stops at the first
// failing step and exits non-zero, so CI fails when any test fails. The last line sums the
// vitest suites as "tests: N passed, N failed".
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { startDesktopSession } from './desktop-session.mjs';

const session = await startDesktopSession();
const env = { ...process.env, ...session.env };
mkdirSync('test-artifacts', { recursive: true });
const vitestJson = (name) => `test-artifacts/vitest-${name}.json`;
const vitest = (name, extra) => ['vitest', 'run', ...extra, '--reporter=default', '--reporter=json', `--outputFile=${vitestJson(name)}`];

const steps = [
  { name: 'lint', cmd: 'npx', args: ['eslint', '.', '--max-warnings=0'] },
  { name: 'type-check', cmd: 'npx', args: ['tsc', '-p', 'tsconfig.json', '--noEmit'] },
  { name: 'unit and integration', cmd: 'npx', args: vitest('unit', []), counts: vitestJson('unit') },
  { name: 'build renderer', cmd: 'npx', args: ['vite', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'] },
  { name: 'browser end-to-end', cmd: 'npx', args: vitest('e2e', ['--config', 'tests/e2e/vitest.config.ts']), counts: vitestJson('e2e') },
  { name: 'electron end-to-end', cmd: 'node', args: ['tests/electron/run.mjs'] },
];

const total = { passed: 0, failed: 0, skipped: 0 };
function addCounts(file) {
  try {
    const r = JSON.parse(readFileSync(file, 'utf8'));
    total.passed += r.numPassedTests;
    total.failed += r.numFailedTests;
    total.skipped += r.numPendingTests + r.numTodoTests;
  } catch {
    total.failed += 1; // the suite died before it could report: count it as a failure
  }
}

let failed = null;
for (const step of steps) {
  console.log(`\n=== ${step.name}: ${step.cmd} ${step.args.join(' ')}`);
  if (step.counts) rmSync(step.counts, { force: true });
  const r = spawnSync(step.cmd, step.args, { stdio: 'inherit', env });
  if (step.counts) addCounts(step.counts);
  if (r.status !== 0) { failed = step.name; break; }
}
session.stop();
if (failed) console.error(`\nnpm test failed at: ${failed}`);
else console.log('\nnpm test: every step passed');
console.log(`tests: ${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
process.exit(failed ? 1 : 0);
