// `npm run server` (server/start.ts) as an orchestrator stops it: SIGTERM drains the node — its
// readiness turns 503 for CONVERSE_DRAIN_GRACE_MS, streams close with 1001 "going away" so
// desktops reconnect elsewhere — and then the process exits 0.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { api, connect, signIn } from './support';
import { eventually } from '../support/eventually';

const tsx = path.resolve('node_modules/tsx/dist/cli.mjs');

it('drains on SIGTERM: /ready 503 during the grace, streams closed with 1001, then exit 0', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'converse-sigterm-'));
  const child = spawn(process.execPath, [tsx, 'server/start.ts'], {
    env: {
      ...process.env,
      CONVERSE_DATA_DIR: dataDir,
      CONVERSE_PORT: '0',
      CONVERSE_LOG_LEVEL: 'silent',
      CONVERSE_DRAIN_GRACE_MS: '3000',
      SANDBOX_AUTO_REPLY: 'off',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const url = await eventually(() => /listening on (http:\/\/\S+)/.exec(out)?.[1], {
      timeoutMs: 30_000,
      what: '"listening on" in its output',
    });
    const server = { url };
    expect((await api(server, 'GET', '/ready')).status).toBe(200);
    const stream = await connect(server, await signIn(server, 'rita@converse.demo'), 0, 'sigterm-test');

    child.kill('SIGTERM');
    expect(await stream.waitClose()).toMatchObject({ code: 1001 });
    const ready = await api(server, 'GET', '/ready');
    expect([ready.status, ready.body.ready]).toEqual([503, false]);
    expect(await exited).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 60_000);
