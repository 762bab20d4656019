// `npm run web`'s entry (main/browser-shell/start.ts) as a user runs it: it prints the address
// with its token and the demo sign-in, stops on Ctrl+C, and refuses a bad port in plain words.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startBridgeServer } from '../../main/browser-shell/bridge-server';
import { createFakeCore } from './fake-core';
import { until } from '../support/eventually';

const tsx = path.resolve('node_modules/tsx/dist/cli.mjs');
const runStart = (env: Record<string, string>) =>
  spawn(process.execPath, [tsx, 'main/browser-shell/start.ts'], {
    env: { ...process.env, CONVERSE_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'converse-web-start-')), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

it('prints the address with its token and the demo sign-in, and stops on SIGINT', async () => {
  const child = runStart({ CONVERSE_WEB_PORT: '0' });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    await until(() => out.includes('Sign in:'), { timeoutMs: 20_000, what: '"Sign in:" in its output' });
    const url = /Open:\s+(http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]{64})/.exec(out)?.[1];
    expect(url, out).toBeTruthy();
    expect(out).toContain('rita@converse.demo / converse-demo');
    // The printed token is the one the bridge accepts (the page itself needs dist/renderer).
    const { origin, hash } = new URL(url!);
    expect(
      (await fetch(`${origin}/__converse/check`, { headers: { 'x-converse-token': hash.slice('#token='.length) } }))
        .status,
    ).toBe(204);
  } finally {
    child.kill('SIGINT');
  }
  expect(await exited).toBe(0);
}, 30_000);

it('refuses a port that is not a number', async () => {
  const child = runStart({ CONVERSE_WEB_PORT: 'eighty' });
  let err = '';
  child.stderr.on('data', (d) => {
    err += d;
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  expect(code).toBe(1);
  expect(err).toContain('CONVERSE_WEB_PORT must be a port number');
}, 30_000);

it('says which port is taken instead of failing obscurely', async () => {
  const first = await startBridgeServer({ core: createFakeCore(), rendererDir: tmpdir(), bridgeScript: '' });
  try {
    await expect(
      startBridgeServer({ core: createFakeCore(), rendererDir: tmpdir(), bridgeScript: '', port: first.port }),
    ).rejects.toThrow(`Port ${first.port} on 127.0.0.1 is in use`);
    expect((await fetch(`${first.origin}/__converse/check`)).status).toBe(401);
  } finally {
    await first.close();
  }
});
