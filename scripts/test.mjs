// `npm test`: lint, type-check, unit and integration suites, browser end-to-end, and the
// Electron end-to-end suite (which says in one line when it is skipped). Stops at the first
// failing step and exits non-zero, so CI fails when any test fails.
import { spawnSync } from 'node:child_process';
import { startDesktopSession } from './desktop-session.mjs';

const session = await startDesktopSession();
const env = { ...process.env, ...session.env };
const steps = [
  ['lint', 'npx', ['eslint', '.', '--max-warnings=0']],
  ['type-check', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']],
  ['unit and integration', 'npx', ['vitest', 'run']],
  ['build renderer', 'npx', ['vite', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn']],
  ['browser end-to-end', 'npx', ['vitest', 'run', '--config', 'tests/e2e/vitest.config.ts']],
  ['electron end-to-end', 'node', ['tests/electron/run.mjs']],
];
let failed = null;
for (const [name, cmd, args] of steps) {
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env });
  if (r.status !== 0) { failed = name; break; }
}
session.stop();
if (failed) { console.error(`\nnpm test failed at: ${failed}`); process.exit(1); }
console.log('\nnpm test: every step passed');
