// `npm test`: lint, type-check, unit and integration suites, the build and the boot test of the
// built Electron main bundle, browser end-to-end, and the Electron end-to-end suite (which says
// in one line when it is skipped). Stops at the first failing step and exits non-zero, so CI fails when any test fails. The last line sums the
// vitest suites as "tests: N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { startDesktopSession } from './desktop-session.mjs';
import { checkServices } from './services-check.mjs';

const services = await checkServices();
console.log(services.line);
if (!services.ok) process.exit(1);
const session = await startDesktopSession();
const env = { ...process.env, ...session.env };
mkdirSync('test-artifacts', { recursive: true });
const vitestJson = (name) => `test-artifacts/vitest-${name}.json`;
const vitest = (name, extra) => [
  'vitest',
  'run',
  ...extra,
  '--reporter=default',
  '--reporter=json',
  `--outputFile=${vitestJson(name)}`,
];

const steps = [
  // The tree as Prettier writes it (.prettierrc.json): `npm run format` fixes what this finds.
  { name: 'format', cmd: 'npx', args: ['prettier', '--check', '.', '--log-level', 'warn'] },
  // ESLint with --max-warnings=0, except that size warnings (max-lines, complexity) are listed, not failed.
  { name: 'lint', cmd: 'node', args: ['scripts/lint.mjs'] },
  { name: 'type-check', cmd: 'npx', args: ['tsc', '-p', 'tsconfig.json', '--noEmit'] },
  // shared/, preload/ and main/shell-policy/ again with noUncheckedIndexedAccess.
  { name: 'type-check (indexed access)', cmd: 'npx', args: ['tsc', '-p', 'tsconfig.indexed-access.json', '--noEmit'] },
  { name: 'unit and integration', cmd: 'npx', args: vitest('unit', []), counts: vitestJson('unit') },
  // The same server suites again with the server on PostgreSQL (a schema per server): every route,
  // the stream, sends, webhooks and reports on the second engine (tests/server/support.ts).
  {
    name: 'server suites on PostgreSQL',
    cmd: 'npx',
    args: vitest('server-postgres', ['tests/server', 'tests/channels', 'tests/reports']),
    counts: vitestJson('server-postgres'),
    env: { CONVERSE_TEST_SERVER_DATABASE: 'postgres' },
    needs: 'postgres',
  },
  // The server on many nodes: three processes over PostgreSQL and Redis, one node SIGKILLed, Redis
  // and PostgreSQL links cut mid-burst (tests/cluster/); alone, as it runs several servers at once.
  {
    name: 'cluster (kill test)',
    cmd: 'npx',
    args: vitest('cluster', ['--config', 'tests/cluster/vitest.config.ts']),
    counts: vitestJson('cluster'),
  },
  // The app as `npm start` builds it: main, writer, embedded server, preload bundles and the renderer.
  { name: 'build', cmd: 'node', args: ['scripts/build.mjs'] },
  // The built Electron main bundle under Node with the electron stand-in (tests/boot/).
  {
    name: 'boot (built Electron main)',
    cmd: 'npx',
    args: vitest('boot', ['--config', 'tests/boot/vitest.config.ts']),
    counts: vitestJson('boot'),
  },
  {
    name: 'browser end-to-end',
    cmd: 'npx',
    args: vitest('e2e', ['--config', 'tests/e2e/vitest.config.ts']),
    counts: vitestJson('e2e'),
  },
  // Counted only where Electron exists (run.mjs writes the report then); a skip writes none.
  {
    name: 'electron end-to-end',
    cmd: 'node',
    args: ['tests/electron/run.mjs'],
    counts: vitestJson('electron'),
    countsOptional: true,
  },
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
// Each step's wall time, printed as it ends and again as a table: where the suite's time goes.
const times = [];
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
for (const step of steps) {
  console.log(`\n=== ${step.name}: ${step.cmd} ${step.args.join(' ')}`);
  if (step.counts) rmSync(step.counts, { force: true });
  const started = performance.now();
  if (step.needs && !services[step.needs]) {
    console.log(`=== ${step.name}: skipped (${step.needs} not reachable)`);
    continue;
  }
  const r = spawnSync(step.cmd, step.args, { stdio: 'inherit', env: { ...env, ...step.env } });
  const ms = performance.now() - started;
  times.push({ name: step.name, ms, ok: r.status === 0 });
  console.log(`=== ${step.name}: ${r.status === 0 ? 'passed' : 'failed'} in ${seconds(ms)}`);
  if (step.counts && !(step.countsOptional && !existsSync(step.counts))) addCounts(step.counts);
  if (r.status !== 0) {
    failed = step.name;
    break;
  }
}
session.stop();
const width = Math.max(...times.map((t) => t.name.length), 'total'.length);
console.log('\nstep times:');
for (const t of times)
  console.log(`  ${t.name.padEnd(width)}  ${seconds(t.ms).padStart(8)}${t.ok ? '' : '  (failed)'}`);
console.log(`  ${'total'.padEnd(width)}  ${seconds(times.reduce((n, t) => n + t.ms, 0)).padStart(8)}`);
if (failed) console.error(`\nnpm test failed at: ${failed}`);
else console.log('\nnpm test: every step passed');
console.log(services.line);
console.log(
  `tests: ${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`,
);
process.exit(failed ? 1 : 0);
