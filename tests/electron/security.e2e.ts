// The Electron shell for real (runs only where the Electron binary exists; see run.mjs): the
// security baseline, IPC validation through the preload, the tray and the global shortcut.
import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
let app: ElectronApplication;
let page: Page;

type Probe = {
  tray(): { unread: number; doNotDisturb: boolean; image: string };
  shortcut(): { accelerator: string; registered: boolean; error: string | null };
  chat(): { expanded: boolean; visible: boolean; focused: boolean };
  toggleChat(): void;
  webPreferences(): Record<string, unknown>;
};

beforeAll(async () => {
  app = await electron.launch({
    executablePath: process.env.CONVERSE_ELECTRON_PATH,
    // As root (CI containers) Chromium refuses to start its OS sandbox; the renderer sandbox
    // (no Node, isolated preload) still applies and is what these tests check.
    args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), root],
    cwd: root,
    env: { ...process.env, CONVERSE_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'converse-electron-')), CONVERSE_E2E: '1', CONVERSE_EMBEDDED_PORT: '0' },
  });
  page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
});
afterAll(async () => { await app?.close(); });

describe('electron security baseline', () => {
  it('runs the window sandboxed, context-isolated, without Node', async () => {
    // What the window was created with (Electron no longer reports it back)…
    const prefs = await app.evaluate(() => ((globalThis as any).__converseShell as Probe).webPreferences());
    expect(prefs).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true });
    // …and what the page can see: no Node, no ipcRenderer, nothing of the preload's world.
    expect(await page.evaluate(() => [typeof (globalThis as any).require, typeof (globalThis as any).process, typeof (globalThis as any).ipcRenderer, typeof (globalThis as any).module]))
      .toEqual(['undefined', 'undefined', 'undefined', 'undefined']);
    // Where the OS reports it, the renderer process itself is sandboxed.
    const sandboxed = await app.evaluate(({ app: a, BrowserWindow }) => {
      const pid = BrowserWindow.getAllWindows()[0].webContents.getOSProcessId();
      return a.getAppMetrics().find((m) => m.pid === pid)?.sandboxed ?? null;
    });
    if (sandboxed !== null) expect(sandboxed).toBe(true);
  });

  it('exposes only window.converse from the preload', async () => {
    const api = await page.evaluate(() => ({ keys: Object.keys((window as any).converse).sort(), shell: (window as any).converse.shell }));
    expect(api).toEqual({ keys: ['invoke', 'on', 'platform', 'shell'], shell: 'electron' });
  });

  it('serves the page from app:// with a CSP that forbids eval and remote script', async () => {
    expect(page.url()).toMatch(/^app:\/\/converse\//);
    const evalResult = await page.evaluate(() => { try { return String(new Function('return 1')()); } catch { return 'blocked'; } });
    expect(evalResult).toBe('blocked');
    const remote = await page.evaluate(() => new Promise<string>((resolve) => {
      document.addEventListener('securitypolicyviolation', (e) => resolve(`violation:${e.violatedDirective}`), { once: true });
      const s = document.createElement('script');
      s.src = 'https://example.com/x.js';
      s.onload = () => resolve('loaded');
      document.head.appendChild(s);
      setTimeout(() => resolve('timeout'), 3000);
    }));
    expect(remote).toMatch(/^violation:script-src/);
  });

  it('denies navigation away from the app and window.open', async () => {
    await page.evaluate(() => { location.href = 'https://example.com/'; });
    await page.waitForTimeout(500);
    expect(page.url()).toMatch(/^app:\/\/converse\//);
    expect(await page.evaluate(() => window.open('https://example.com/') === null)).toBe(true);
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
  });
});

describe('electron IPC', () => {
  it('answers an unknown call and bad arguments with clear errors', async () => {
    const unknown = await page.evaluate(() => (window as any).converse.invoke('fs.readFile', {}).then(() => 'resolved', (e: any) => ({ code: e.code, message: e.message })));
    expect(unknown).toEqual({ code: 'unknown_call', message: 'Unknown call "fs.readFile".' });
    const invalid = await page.evaluate(() => (window as any).converse.invoke('leads.search', { query: 42 }).then(() => 'resolved', (e: any) => ({ code: e.code, message: e.message })));
    expect(invalid).toMatchObject({ code: 'invalid_arguments' });
  });

  it('answers a valid call', async () => {
    const session = await page.evaluate(() => (window as any).converse.invoke('session.get', {}));
    expect(session).toHaveProperty('signedIn');
  });
});

describe('tray and shortcut', () => {
  it('shows the tray with no unread count at start', async () => {
    const tray = await app.evaluate(() => ((globalThis as any).__converseShell as Probe).tray());
    expect(tray).toMatchObject({ unread: 0, image: 'tray-0' });
  });

  it('reports the global shortcut as the OS registered it, and toggles the window', async () => {
    const status = await app.evaluate(() => ((globalThis as any).__converseShell as Probe).shortcut());
    const registered = await app.evaluate(({ globalShortcut }, acc) => globalShortcut.isRegistered(acc), status.accelerator);
    expect(status.registered).toBe(registered);
    if (!registered) expect(status.error).toBeTruthy();
    // The shortcut's own handler: a shown, focused window hides; otherwise it is shown.
    await app.evaluate(({ BrowserWindow }) => { const w = BrowserWindow.getAllWindows()[0]; w.show(); w.focus(); });
    const before = await app.evaluate(() => ((globalThis as any).__converseShell as Probe).chat());
    await app.evaluate(() => ((globalThis as any).__converseShell as Probe).toggleChat());
    const after = await app.evaluate(() => ((globalThis as any).__converseShell as Probe).chat());
    expect(after.visible).toBe(!(before.visible && before.focused));
  });

  it('hides to the tray when the window is closed', async () => {
    await app.evaluate(({ BrowserWindow }) => { const w = BrowserWindow.getAllWindows()[0]; w.show(); w.close(); });
    const state = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().map((w) => w.isVisible()));
    expect(state).toEqual([false]);
  });
});
