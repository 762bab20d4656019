// The Electron shell for real (runs only where the Electron binary exists; see run.mjs): the
// security baseline of the window, links that leave the app (to the recorded, never the real,
// OS browser), IPC validation through the preload, and the tray at start.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DesktopApp, NO_OS_SANDBOX } from './support/desktop-app';

let desktop: DesktopApp;
let page: Page;

beforeAll(async () => {
  desktop = await DesktopApp.launch();
  page = desktop.page;
});
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') await desktop?.explainFailure(ctx.task.name);
});
afterAll(async () => {
  await desktop?.close();
});

/** What window.converse.invoke answers, or the error it rejects with. */
const invoke = (channel: string, args: unknown) =>
  page.evaluate(
    ([c, a]) =>
      (window as any).converse.invoke(c, a).then(
        (value: unknown) => ({ value }),
        (e: { code: string; message: string }) => ({ error: { code: e.code, message: e.message } }),
      ),
    [channel, args] as const,
  );

describe('electron security baseline', () => {
  it('runs the window sandboxed, context-isolated, without Node', async () => {
    // What the window was created with (Electron no longer reports it back)…
    expect(await desktop.probe('webPreferences')).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    });
    // …and what the page can see: no Node, no ipcRenderer, nothing of the preload's world.
    expect(
      await page.evaluate(() => [
        typeof (globalThis as any).require,
        typeof (globalThis as any).process,
        typeof (globalThis as any).ipcRenderer,
        typeof (globalThis as any).module,
      ]),
    ).toEqual(['undefined', 'undefined', 'undefined', 'undefined']);
    // The renderer process itself is in Chromium's OS sandbox, unless this run turned it off.
    expect(await desktop.rendererInOsSandbox()).toBe(!NO_OS_SANDBOX);
  });

  it('exposes only window.converse from the preload', async () => {
    const api = await page.evaluate(() => ({
      keys: Object.keys((window as any).converse).sort(),
      shell: (window as any).converse.shell,
    }));
    expect(api).toEqual({ keys: ['invoke', 'on', 'platform', 'shell'], shell: 'electron' });
  });

  it('serves the page from app:// with a CSP that forbids eval and remote script', async () => {
    expect(page.url()).toMatch(/^app:\/\/converse\//);
    const evalResult = await page.evaluate(() => {
      try {
        return String(new Function('return 1')());
      } catch {
        return 'blocked';
      }
    });
    expect(evalResult).toBe('blocked');
    // The violation event is the fact waited on; the timer only bounds a page that never reports.
    const remote = await page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          document.addEventListener('securitypolicyviolation', (e) => resolve(`violation:${e.violatedDirective}`), {
            once: true,
          });
          const s = document.createElement('script');
          s.src = 'https://example.com/x.js';
          s.onload = () => resolve('loaded');
          document.head.appendChild(s);
          setTimeout(() => resolve('no violation reported within 10 s'), 10_000);
        }),
    );
    expect(remote).toMatch(/^violation:script-src/);
  });

  it('keeps the window on the app: a web link goes to the OS browser, any other scheme nowhere', async () => {
    expect(await desktop.openedExternally()).toEqual([]);
    // Navigations and window.open are handled in order by the main process, so once the last web
    // link is recorded, the file: and smb: attempts before it have been decided too.
    await page.evaluate(() => {
      location.href = 'file:///etc/passwd';
    });
    await page.evaluate(() => {
      location.href = 'https://example.com/away';
    });
    await expect.poll(() => desktop.openedExternally(), { timeout: 5_000 }).toEqual(['https://example.com/away']);
    expect(await page.evaluate(() => window.open('smb://files.example/share') === null)).toBe(true);
    expect(await page.evaluate(() => window.open('https://example.com/popup') === null)).toBe(true);
    await expect
      .poll(() => desktop.openedExternally(), { timeout: 5_000 })
      .toEqual(['https://example.com/away', 'https://example.com/popup']);
    expect(await page.evaluate(() => location.href)).toMatch(/^app:\/\/converse\//);
    expect(await desktop.windows()).toEqual([expect.objectContaining({ destroyed: false })]);
  });
});

describe('electron IPC', () => {
  it('answers an unknown call and bad arguments with clear errors', async () => {
    expect(await invoke('fs.readFile', {})).toEqual({
      error: { code: 'unknown_call', message: 'Unknown call "fs.readFile".' },
    });
    expect(await invoke('leads.search', { query: 42 })).toMatchObject({ error: { code: 'invalid_arguments' } });
  });

  it('answers a valid call', async () => {
    expect(await invoke('session.get', {})).toMatchObject({ value: { signedIn: false } });
  });

  it('opens a web link the app asks for in the OS browser, and refuses any other scheme', async () => {
    const before = await desktop.openedExternally();
    expect(await invoke('shell.openExternal', { url: 'file:///etc/passwd' })).toEqual({ value: { opened: false } });
    expect(await invoke('shell.openExternal', { url: 'https://crm.example/leads/42' })).toEqual({
      value: { opened: true },
    });
    expect(await desktop.openedExternally()).toEqual([...before, 'https://crm.example/leads/42']);
  });
});

describe('tray', () => {
  it('shows the tray with no unread count at start', async () => {
    expect(await desktop.probe('tray')).toMatchObject({ unread: 0, image: 'tray-0' });
  });
});
