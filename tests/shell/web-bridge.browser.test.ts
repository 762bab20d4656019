// preload/web-bridge.ts in Debian's Chromium against a real browser shell (fake core): the
// token leaves the address bar, calls and events flow, bytes arrive intact, errors keep their
// code, and a restarted shell is reconnected to (same token) or reported (new token).
import { chromium, type Browser, type Page } from 'playwright-core';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserShell } from '../../main/browser-shell/index';
import { startBridgeServer } from '../../main/browser-shell/bridge-server';
import { loadWebBridgeScript } from '../../main/browser-shell/bridge-script';
import { createFakeCore, startShellWithFakeCore, type FakeCore } from './fake-core';

let browser: Browser;
let page: Page;
let shell: BrowserShell;
let core: FakeCore;
let rendererDir: string;

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'converse-webbridge-'));
  rendererDir = path.join(dir, 'renderer');
  mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(
    path.join(rendererDir, 'index.html'),
    '<!doctype html><html><head><title>Converse</title><script type="module" src="/assets/app.js"></script></head><body>chat</body></html>',
  );
  // The "renderer": records events the way the real one subscribes to them.
  writeFileSync(
    path.join(rendererDir, 'assets/app.js'),
    [
      'window.__events = [];',
      "for (const n of ['unread.changed', 'session.changed', 'notice', 'window.changed']) window.converse.on(n, (p) => window.__events.push([n, p]));",
    ].join('\n'),
  );
  ({ shell, core } = await startShellWithFakeCore(rendererDir, path.join(dir, 'data')));
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await browser.newPage();
  await page.goto(shell.url);
  await page.waitForFunction(() => Array.isArray((window as any).__events));
});
afterAll(async () => {
  await browser?.close();
  await shell?.close();
});

const invoke = (name: string, args: unknown) =>
  page.evaluate(
    ([n, a]) =>
      (window as any).converse.invoke(n, a).then(
        (result: unknown) => ({ ok: true, result }),
        (e: any) => ({ ok: false, code: e.code, message: e.message, isError: e instanceof Error }),
      ),
    [name, args] as const,
  );

describe('web bridge in Chromium', () => {
  it('takes the token out of the address bar', async () => {
    expect(page.url()).toBe(`${shell.origin}/`);
    expect(await page.evaluate(() => (window as any).converse.shell)).toBe('web');
  });

  it('answers calls, and rejects a bad one with an Error carrying the code', async () => {
    expect(await invoke('session.get', {})).toEqual({
      ok: true,
      result: { signedIn: false, user: null, serverUrl: 'http://127.0.0.1:9' },
    });
    expect(await invoke('nope.nope', {})).toMatchObject({ ok: false, code: 'unknown_call', isError: true });
    expect(await invoke('leads.search', { query: 'x', limit: 0 })).toMatchObject({
      ok: false,
      code: 'invalid_arguments',
    });
  });

  it('carries a file as bytes to the core', async () => {
    const r = await page.evaluate(() =>
      (window as any).converse.invoke('attachments.upload', {
        uploadId: 'u1',
        channel: 'sms',
        fileName: 'p.png',
        bytes: new Uint8Array([1, 2, 3, 255]),
      }),
    );
    expect(r).toMatchObject({ size: 4, id: 'att-261' });
    expect(Array.from((core.calls.at(-1)!.args as { bytes: Uint8Array }).bytes)).toEqual([1, 2, 3, 255]);
  });

  it('delivers core events to the page', async () => {
    core.emit('unread.changed', { total: 2, byConversation: { c: 2 } });
    await page.waitForFunction(() => (window as any).__events.some((e: any) => e[0] === 'unread.changed'));
    expect(await page.evaluate(() => (window as any).__events.find((e: any) => e[0] === 'unread.changed')[1])).toEqual({
      total: 2,
      byConversation: { c: 2 },
    });
  });

  it('keeps the page working across a reload (token kept for the tab)', async () => {
    await page.reload();
    await page.waitForFunction(() => Array.isArray((window as any).__events));
    expect(await invoke('session.get', {})).toMatchObject({ ok: true });
  });

  it('reconnects to a restarted shell with the same token, and reports a new token plainly', async () => {
    const port = Number(new URL(shell.origin).port);
    const token = shell.token;
    await shell.close();
    const call = invoke('session.get', {}); // waits in the queue while the shell is down
    const second = createFakeCore({ dataDir: '', defaultServerUrl: 'http://127.0.0.1:10' } as never);
    const restarted = await startBridgeServer({
      core: second,
      rendererDir,
      bridgeScript: await loadWebBridgeScript(),
      port,
      token,
    });
    try {
      expect(await call).toEqual({
        ok: true,
        result: { signedIn: false, user: null, serverUrl: 'http://127.0.0.1:10' },
      });
      // After the reconnect the page is re-told the session (it may have missed events).
      await page.waitForFunction(() => (window as any).__events.some((e: any) => e[0] === 'session.changed'));
    } finally {
      await restarted.close();
    }
    const third = await startBridgeServer({
      core: createFakeCore(),
      rendererDir,
      bridgeScript: await loadWebBridgeScript(),
      port,
    });
    try {
      await page.waitForFunction(
        () => (window as any).__events.some((e: any) => e[0] === 'notice' && e[1].kind === 'bridge-token-rejected'),
        null,
        { timeout: 10_000 },
      );
      expect(await invoke('session.get', {})).toMatchObject({ ok: false, code: 'bridge_unauthorized' });
    } finally {
      await third.close();
    }
  });
});
