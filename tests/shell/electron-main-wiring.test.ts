// main/electron-main.ts started against a recording fake of Electron, with the real desktop core
// and the real embedded server: proves the wiring a machine without Electron cannot run —
// sandbox first, single-instance lock, one secure window on app://, every IPC channel routed to
// the core, the tray, the shortcut, wake-ups, and a clean quit.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { IpcCalls } from '../../shared/ipc';

const fake = vi.hoisted(() => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { EventEmitter } = require('node:events') as typeof import('node:events');
  const log: string[] = [];
  const appEvents = new EventEmitter();
  const paths: Record<string, string> = {};
  const handlers = new Map<string, (e: unknown, a: unknown) => Promise<unknown>>();
  const windows: any[] = [];
  const trays: any[] = [];
  const shortcuts = new Map<string, () => void>();
  const power = new EventEmitter();
  let protocolHandler: ((req: Request) => Promise<Response>) | null = null;
  class BrowserWindow extends EventEmitter {
    opts: any; url = ''; visible = false; focused = false; bounds: any; destroyed = false;
    sent: Array<[string, unknown]> = [];
    webContents = { send: (c: string, p: unknown) => this.sent.push([c, p]), isDestroyed: () => false };
    constructor(opts: any) { super(); this.opts = opts; this.bounds = { x: opts.x ?? 0, y: opts.y ?? 0, width: opts.width, height: opts.height }; windows.push(this); }
    removeMenu() {}
    async loadURL(u: string) { this.url = u; setTimeout(() => this.emit('ready-to-show'), 0); }
    isMinimized() { return false; } isMaximized() { return false; } isFullScreen() { return false; }
    getBounds() { return this.bounds; } setBounds(b: any) { this.bounds = { ...this.bounds, ...b }; }
    show() { this.visible = true; } hide() { this.visible = false; } focus() { this.focused = true; this.emit('focus'); } restore() {}
    isVisible() { return this.visible; } isFocused() { return this.focused; } isDestroyed() { return this.destroyed; }
    setOverlayIcon() {}
  }
  class Tray extends EventEmitter {
    image: any; tooltip = ''; menu: any;
    constructor(img: any) { super(); this.image = img; trays.push(this); }
    setImage(i: any) { this.image = i; } setToolTip(t: string) { this.tooltip = t; } setContextMenu(m: any) { this.menu = m; } destroy() { log.push('tray.destroy'); }
  }
  class Notification extends EventEmitter { static isSupported() { return true; } constructor(public o: any) { super(); } show() { setTimeout(() => this.emit('show'), 0); } close() {} }
  const electron = {
    app: {
      enableSandbox: () => log.push('enableSandbox'),
      setPath: (k: string, v: string) => { paths[k] = v; },
      getPath: (k: string) => paths[k] ?? path.join(tmpdir(), `fake-${k}`),
      requestSingleInstanceLock: () => { log.push('singleInstanceLock'); return true; },
      on: (e: string, l: (...a: any[]) => void) => appEvents.on(e, l),
      whenReady: () => Promise.resolve(),
      quit: () => { log.push('quit'); const ev = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } }; appEvents.emit('before-quit', ev); if (!ev.defaultPrevented) { appEvents.emit('will-quit'); log.push('quit.done'); } },
      exit: (code: number) => log.push(`exit ${code}`),
      setBadgeCount: (n: number) => { log.push(`badge ${n}`); return true; },
      setLoginItemSettings: () => {},
      getLoginItemSettings: () => ({ wasOpenedAsHidden: false }),
    },
    protocol: { registerSchemesAsPrivileged: (s: any[]) => log.push(`scheme ${s[0].scheme}`), handle: (_s: string, h: any) => { protocolHandler = h; } },
    session: { defaultSession: { setPermissionRequestHandler: () => log.push('permissions'), setPermissionCheckHandler: () => {} } },
    shell: { openExternal: async (u: string) => { log.push(`openExternal ${u}`); } },
    ipcMain: { handle: (c: string, h: any) => handlers.set(c, h), removeHandler: (c: string) => handlers.delete(c) },
    screen: { getPrimaryDisplay: () => ({ id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1080 } }), getAllDisplays: () => [{ id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    BrowserWindow, Tray, Notification,
    Menu: { buildFromTemplate: (t: any[]) => ({ items: t }) },
    nativeImage: { createFromPath: (p: string) => ({ path: p }) },
    globalShortcut: {
      register: (a: string, cb: () => void) => { shortcuts.set(a, cb); return true; },
      unregister: (a: string) => { shortcuts.delete(a); },
      unregisterAll: () => { shortcuts.clear(); log.push('shortcuts.unregisterAll'); },
    },
    safeStorage: { isEncryptionAvailable: () => false, getSelectedStorageBackend: () => 'basic_text', encryptString: (s: string) => Buffer.from(s), decryptString: (b: Buffer) => b.toString() },
    powerMonitor: { on: (e: string, l: () => void) => power.on(e, l) },
    net: { isOnline: () => true },
  };
  return { electron, log, handlers, windows, trays, shortcuts, power, appEvents, getProtocolHandler: () => protocolHandler };
});
vi.mock('electron', () => ({ ...fake.electron, default: fake.electron }));

const dataDir = mkdtempSync(path.join(tmpdir(), 'converse-electron-wiring-'));
const until = async (ok: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!ok()) { if (Date.now() > end) throw new Error('timed out'); await new Promise((r) => setTimeout(r, 20)); }
};
const call = (name: string, args: unknown, url = 'app://converse/index.html') => fake.handlers.get(name)!({ senderFrame: { url } }, args) as Promise<any>;

beforeAll(async () => {
  process.env.CONVERSE_DATA_DIR = dataDir;
  process.env.CONVERSE_EMBEDDED_PORT = '0';
  delete process.env.CONVERSE_SERVER_URL;
  await import('../../main/electron-main');
  await until(() => fake.shortcuts.size > 0 && fake.handlers.size > 0 && fake.windows.length > 0);
});
afterAll(() => { delete process.env.CONVERSE_DATA_DIR; delete process.env.CONVERSE_EMBEDDED_PORT; });

it('turns the sandbox on and takes the single-instance lock before anything else', () => {
  expect(fake.log.slice(0, 3)).toEqual(['enableSandbox', 'scheme app', 'singleInstanceLock']);
});

it('opens one window, sandboxed and isolated, on app://converse', async () => {
  expect(fake.windows).toHaveLength(1);
  const w = fake.windows[0];
  expect(w.opts.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
  expect(w.opts.webPreferences.preload).toMatch(/electron-preload\.cjs$/);
  expect(w.url).toBe('app://converse/index.html');
});

it('serves the renderer on app:// with the CSP, and nothing outside it', async () => {
  const handler = fake.getProtocolHandler()!;
  const res = await handler(new Request('app://converse/index.html'));
  expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
  expect((await handler(new Request('app://converse/..%2f..%2fpackage.json'))).status).not.toBe(200);
  expect((await handler(new Request('app://elsewhere/index.html'))).status).toBe(404);
});

it('routes every contract call to the real core, validated', async () => {
  expect([...fake.handlers.keys()].sort()).toEqual(Object.keys(IpcCalls).sort());
  expect(await call('session.get', {})).toMatchObject({ ok: true, result: { signedIn: false } });
  expect(await call('leads.search', { query: 5 })).toMatchObject({ ok: false, error: { code: 'invalid_arguments' } });
  expect(await call('session.get', {}, 'https://evil.example/')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
});

it('signs in to the embedded demo server and pushes events to the window', async () => {
  const session = await call('session.get', {});
  const signedIn = await call('session.signIn', { serverUrl: session.result.serverUrl, email: 'rita@converse.demo', password: 'converse-demo' });
  expect(signedIn).toMatchObject({ ok: true, result: { signedIn: true } });
  await until(() => fake.windows[0].sent.some(([c]: [string]) => c === 'converse:event:session.changed'));
});

it('previews a received file on app://converse/attachments/<id> through the core, with nosniff', async () => {
  const png = new Uint8Array(readFileSync(path.join(process.cwd(), 'assets/icons/32x32.png')));
  const uploaded = await call('attachments.upload', { uploadId: 'u-preview', channel: 'whatsapp', fileName: 'site visit.png', bytes: png });
  expect(uploaded).toMatchObject({ ok: true });
  const preview = await call('attachments.preview', { attachmentId: uploaded.result.id });
  expect(preview).toEqual({ ok: true, result: { url: `app://converse/attachments/${uploaded.result.id}` } });
  const handler = fake.getProtocolHandler()!;
  const res = await handler(new Request(preview.result.url));
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('image/png');
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('content-disposition')).toMatch(/^inline; filename="site visit.png"/);
  expect(new Uint8Array(await res.arrayBuffer())).toEqual(png);
  expect((await handler(new Request('app://converse/attachments/att_doesnotexist'))).status).toBe(404);
});

it('shows unread counts on the tray and registers Alt+M, which hides and shows the window', async () => {
  expect(fake.trays).toHaveLength(1);
  await until(() => /tray-(\d|9plus)\.png$/.test(fake.trays[0].image.path));
  expect(fake.trays[0].menu.items.map((i: any) => i.label ?? '-')).toEqual([expect.stringMatching(/^Open chat/), 'Do not disturb', '-', 'Quit']);
  const toggle = fake.shortcuts.get(process.platform === 'darwin' ? 'Option+M' : 'Alt+M')!;
  const w = fake.windows[0];
  w.show(); w.focus();
  toggle();
  expect(w.visible).toBe(false);
  toggle();
  expect(w.visible).toBe(true);
  const status = await call('shortcut.status', {});
  expect(status.result).toMatchObject({ registered: true, error: null });
});

it('hides to the tray when the window is closed', () => {
  const w = fake.windows[0];
  w.show();
  const ev = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
  w.emit('close', ev);
  expect(ev.defaultPrevented).toBe(true);
  expect(w.visible).toBe(false);
});

it('opens only http, https and mailto links in the OS browser', async () => {
  expect(await call('shell.openExternal', { url: 'https://example.com/' })).toMatchObject({ ok: true, result: { opened: true } });
  expect(await call('shell.openExternal', { url: 'file:///etc/passwd' })).toMatchObject({ ok: true, result: { opened: false } });
  expect(fake.log).toContain('openExternal https://example.com/');
  expect(fake.log).not.toContain('openExternal file:///etc/passwd');
});

it('quits cleanly: the shortcut is released and the tray removed', async () => {
  fake.electron.app.quit();
  await until(() => fake.log.includes('quit.done'));
  expect(fake.shortcuts.size).toBe(0);
  expect(fake.log).toContain('tray.destroy');
});
