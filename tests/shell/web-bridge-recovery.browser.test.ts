// The browser shell recovers (issue 13, item 7), in Debian's Chromium against a real bridge
// server (fake core): when the shell stops, the page is told so (not a countdown stuck at 0 s);
// when it comes back with a new token it is told to open the new address; and pasting that
// address into the same tab — which changes only the #fragment — reloads the page onto the
// new shell.
import { chromium, type Browser, type Page } from 'playwright-core';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startBridgeServer, type BridgeServer } from '../../main/browser-shell/bridge-server';
import { loadWebBridgeScript } from '../../main/browser-shell/bridge-script';
import { SHELL_NOTICE } from '../../shared/shell-notice';
import { createFakeCore } from './fake-core';

let browser: Browser;
let page: Page;
let rendererDir: string;
const servers: BridgeServer[] = [];

const start = async (port = 0) => {
  const s = await startBridgeServer({
    core: createFakeCore({ dataDir: '', defaultServerUrl: `http://127.0.0.1:${9 + servers.length}` } as never),
    rendererDir,
    bridgeScript: await loadWebBridgeScript(),
    port,
  });
  servers.push(s);
  return s;
};

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'converse-shell-recovery-'));
  rendererDir = path.join(dir, 'renderer');
  mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(
    path.join(rendererDir, 'index.html'),
    '<!doctype html><html><head><title>Converse</title><script type="module" src="/assets/app.js"></script></head><body>chat</body></html>',
  );
  // The "renderer": records events as the real one subscribes to them, and marks each page load.
  writeFileSync(
    path.join(rendererDir, 'assets/app.js'),
    [
      'window.__events = []; window.__loadedAt = performance.timeOrigin;',
      "for (const n of ['notice', 'connection.changed']) window.converse.on(n, (p) => window.__events.push([n, p]));",
    ].join('\n'),
  );
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
});
afterAll(async () => {
  await browser?.close();
  for (const s of servers) await s.close();
});

const invoke = (name: string, args: unknown) =>
  page.evaluate(
    ([n, a]) =>
      (window as any).converse.invoke(n, a).then(
        (result: unknown) => ({ ok: true, result }),
        (e: any) => ({ ok: false, code: e.code }),
      ),
    [name, args] as const,
  );
const noticeSeen = (kind: string) =>
  page.waitForFunction((k) => (window as any).__events.some((e: any) => e[0] === 'notice' && e[1].kind === k), kind, {
    timeout: 10_000,
  });

describe('the browser shell recovers', () => {
  it('says the shell stopped, then that it restarted, and a pasted new address reloads the tab onto it', async () => {
    const first = await start();
    const port = first.port;
    await page.goto(first.url);
    expect(await invoke('session.get', {})).toMatchObject({ ok: true, result: { serverUrl: 'http://127.0.0.1:9' } });
    const firstLoad = await page.evaluate(() => (window as any).__loadedAt);

    await first.close();
    await noticeSeen(SHELL_NOTICE.stopped);
    // The core's countdown is replaced: no retry time that would read "Reconnecting in 0 s".
    const lastConnection = await page.evaluate(
      () => (window as any).__events.filter((e: any) => e[0] === 'connection.changed').at(-1)?.[1],
    );
    expect(lastConnection).toMatchObject({ status: 'connecting', retryAt: null });

    const second = await start(port);
    await noticeSeen(SHELL_NOTICE.restarted);
    expect(await invoke('session.get', {})).toMatchObject({ ok: false, code: 'bridge_unauthorized' });

    // Paste the new address into the same tab: same document, only the fragment changes.
    await page.evaluate((url) => {
      location.href = url;
    }, second.url);
    await page.waitForFunction(
      (before) => (window as any).__loadedAt !== before && Array.isArray((window as any).__events),
      firstLoad,
    );
    expect(await invoke('session.get', {})).toMatchObject({ ok: true, result: { serverUrl: 'http://127.0.0.1:10' } });
    expect(page.url()).toBe(`${second.origin}/`); // the token left the address bar again
  });

  it('says the shell is back when the same shell answers again', async () => {
    const shell = await start();
    await page.goto(shell.url);
    await page.waitForFunction(() => Array.isArray((window as any).__events));
    expect(await invoke('session.get', {})).toMatchObject({ ok: true });
    await shell.close();
    await noticeSeen(SHELL_NOTICE.stopped);
    const same = await startBridgeServer({
      core: createFakeCore({ dataDir: '', defaultServerUrl: 'http://127.0.0.1:11' } as never),
      rendererDir,
      bridgeScript: await loadWebBridgeScript(),
      port: shell.port,
      token: shell.token,
    });
    servers.push(same);
    await noticeSeen(SHELL_NOTICE.back);
    expect(await invoke('session.get', {})).toMatchObject({ ok: true, result: { serverUrl: 'http://127.0.0.1:11' } });
  });
});
