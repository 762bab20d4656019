// The built dist/main/electron-main.js, started under Node with a stand-in for the `electron`
// module (tests/boot/electron-stand-in) that records every call and sets process.versions.electron
// as Electron does. This is what checks the Electron shell on machines where Electron cannot be
// downloaded: the bundle links, picks the Electron-ABI SQLite build for every database (main
// process, writer thread, embedded server's utility process), the embedded server falls back to
// a free port when its own is taken, the window is sandboxed and isolated on app://, alt+m is
// registered and toggles the window, an inbound message raises an Electron Notification whose
// click opens that conversation, and the app quits cleanly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { BootedApp, layOutApp, type Recorded } from './boot-app';

const ACCELERATOR = process.platform === 'darwin' ? 'Option+M' : 'Alt+M';

function holdPort(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}

describe('the built Electron main bundle, booted with the electron stand-in', () => {
  let app: BootedApp;
  let taken: { server: Server; port: number };
  let serverUrl: string;

  beforeAll(async () => {
    taken = await holdPort();
    app = new BootedApp(layOutApp({ withNativeBuild: true }), { CONVERSE_EMBEDDED_PORT: String(taken.port) });
    await app.waitFor((r) => r.name === 'webContents.did-finish-load', 60_000, 'the window to load');
    await app.waitFor((r) => r.name === 'globalShortcut.register', 30_000, 'the shortcut');
    serverUrl = (await app.invoke('session.get', {})).serverUrl;
  });
  afterAll(() => {
    app?.cleanup();
    taken?.server.close();
  });

  it('turns the sandbox on, takes the single-instance lock and registers app:// before ready', () => {
    const beforeReady = app.records.filter((r) => !r.ready).map((r) => r.name);
    expect(beforeReady).toEqual(
      expect.arrayContaining([
        'app.enableSandbox',
        'protocol.registerSchemesAsPrivileged',
        'app.requestSingleInstanceLock',
      ]),
    );
    expect(app.records.filter((r) => r.name.startsWith('misuse:'))).toEqual([]);
    if (process.platform === 'linux') {
      expect(app.records.find((r) => r.name === 'app.commandLine.appendSwitch')).toMatchObject({
        ready: false,
        detail: { name: 'enable-features', value: 'GlobalShortcutsPortal' },
      });
    }
  });

  it('opens every database with the Electron-ABI SQLite build, in the main and the utility process', () => {
    const loads = app.named('process.dlopen').filter((r) => /better_sqlite3\.node$/.test(r.detail.filename));
    const expected = path.join(app.dir, 'app', 'native', 'electron', 'better_sqlite3.node');
    expect(new Set(loads.map((r) => r.detail.process))).toEqual(new Set(['main', 'utility']));
    for (const r of loads) expect(r.detail.filename).toBe(expected);
  });

  it('runs the embedded server in a utility process, on a free port when its own is taken', async () => {
    const fork = app.named('utilityProcess.fork')[0];
    expect(fork.detail).toMatchObject({ exists: true, serviceName: 'Converse embedded server' });
    expect(fork.detail.modulePath).toMatch(/dist[\\/]main[\\/]embedded-server\.mjs$/);
    const port = Number(new URL(serverUrl).port);
    expect(port).toBeGreaterThan(0);
    expect(port).not.toBe(taken.port);
    const health = await fetch(`${serverUrl}/api/v1/health`).then((r) => r.json());
    expect(health).toMatchObject({ ok: true, service: 'converse' });
    // Its log goes to a file beside the desktop's: a packaged app has no terminal.
    const serverLog = path.join(app.dir, 'userData', 'logs', 'embedded-server.log');
    await app.eventually(
      async () => (readFileSync(serverLog, 'utf8').includes('/api/v1/health') ? true : null),
      'the health request in the server log',
    );
  });

  it('creates one sandboxed, isolated window on the app:// scheme with the CSP', () => {
    const created = app.named('BrowserWindow.new');
    expect(created).toHaveLength(1);
    expect(created[0].detail.webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: true,
    });
    expect(created[0].detail.preloadExists).toBe(true);
    expect(app.named('BrowserWindow.loadURL')[0].detail.url).toBe('app://converse/index.html');
    expect(app.named('webContents.did-finish-load')[0].detail.csp).toContain("script-src 'self'");
  });

  it('answers only the app page on IPC, for every channel of the contract', async () => {
    const channels: string[] = await app.command('channels');
    expect(channels).toEqual(expect.arrayContaining(['session.signIn', 'messages.send', 'shortcut.status']));
    const forged = await app.command('invoke', { channel: 'session.get', args: {}, url: 'https://evil.example/' });
    expect(forged).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await app.invoke('shortcut.status', {})).toMatchObject({ accelerator: ACCELERATOR, registered: true });
  });

  it('registers alt+m, which hides a focused window and shows it again', async () => {
    expect(await app.command('shortcuts')).toContain(ACCELERATOR);
    await app.command('pressShortcut', { accelerator: ACCELERATOR });
    if ((await app.command('window')).visible) await app.command('pressShortcut', { accelerator: ACCELERATOR });
    expect((await app.command('window')).visible).toBe(false);
    await app.command('pressShortcut', { accelerator: ACCELERATOR });
    expect(await app.command('window')).toMatchObject({ visible: true, focused: true });
  });

  it('raises an Electron Notification for an inbound message, and its click opens that conversation', async () => {
    const session = await app.invoke('session.signIn', {
      serverUrl,
      email: 'rita@converse.demo',
      password: 'converse-demo',
    });
    expect(session).toMatchObject({ signedIn: true });
    // The lead list arrives with the first sync after sign-in.
    const maria = await app.eventually(
      async () => (await app.invoke('leads.search', { query: 'Maria' }))[0],
      'Maria in the synced leads',
    );
    // The lead writes while the window is hidden: the rep must be nudged.
    await app.command('pressShortcut', { accelerator: ACCELERATOR });
    expect((await app.command('window')).visible).toBe(false);
    const signIn = await fetch(`${serverUrl}/api/v1/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'rita@converse.demo', password: 'converse-demo' }),
    }).then((r) => r.json());
    const inbound = await fetch(`${serverUrl}/api/v1/sandbox/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${signIn.token}` },
      body: JSON.stringify({ leadId: maria.id, channel: 'sms', body: 'Is the 3-bedroom still available?' }),
    });
    expect(inbound.status).toBeLessThan(300);
    const shown: Recorded = await app.waitFor(
      (r) => r.name === 'Notification.show' && /3-bedroom/.test(r.detail.body),
      20_000,
      'the nudge',
    );
    expect(shown.detail.title).toContain('Maria');
    expect(shown.detail.iconExists).toBe(true);
    const sentBefore = (await app.command('sent', { channel: 'converse:event:navigate' })).length;
    await app.command('clickNotification', { index: shown.detail.index });
    expect(await app.command('window')).toMatchObject({ visible: true, focused: true });
    const navigations = await app.command('sent', { channel: 'converse:event:navigate' });
    expect(navigations.length).toBe(sentBefore + 1);
    expect(navigations.at(-1)[1]).toMatchObject({ leadId: maria.id, conversationId: expect.any(String) });
  });

  it('hands a second launch to the first: --toggle toggles the window, a plain launch shows it', async () => {
    expect((await app.command('window')).visible).toBe(true);
    await app.command('secondInstance', { argv: ['converse-desktop', '--toggle'] });
    expect((await app.command('window')).visible).toBe(false);
    await app.command('secondInstance', { argv: ['converse-desktop'] });
    expect(await app.command('window')).toMatchObject({ visible: true, focused: true });
  });

  it('reloads the page when its renderer crashes', async () => {
    const loadsBefore = (await app.command('window')).loads;
    await app.command('crashRenderer', { reason: 'crashed' });
    await app.waitFor(
      (r) => r.name === 'webContents.did-finish-load' && app.named('webContents.did-finish-load').length > loadsBefore,
      10_000,
      'the reload',
    );
    expect((await app.command('window')).loads).toBe(loadsBefore + 1);
  });

  it('offers spelling suggestions and edit actions on right-click', async () => {
    await app.command('contextMenu', {
      params: {
        misspelledWord: 'availble',
        dictionarySuggestions: ['available', 'availably'],
        isEditable: true,
        selectionText: '',
        linkURL: '',
        editFlags: { canCut: false, canCopy: false, canPaste: true, canSelectAll: true },
      },
    });
    const popup = app.named('Menu.popup').at(-1)!;
    expect(popup.detail.labels).toEqual([
      'available',
      'availably',
      'Add to dictionary',
      'separator',
      'Cut',
      'Copy',
      'Paste',
      'separator',
      'Select all',
    ]);
  });

  it('hides to the tray when the window is closed, and shows the unread count there', async () => {
    expect(await app.command('closeWindow')).toEqual({ prevented: true });
    expect((await app.command('window')).visible).toBe(false);
    const tray = await app.command('tray');
    expect(tray.menu).toEqual([expect.stringMatching(/^Open chat/), 'Do not disturb', 'separator', 'Quit']);
  });

  it('quits cleanly: shortcut released, tray removed, embedded server stopped, exit code 0', async () => {
    await app.command('quit');
    expect(await app.exited).toBe(0);
    const names = app.records.map((r) => r.name);
    expect(names).toContain('globalShortcut.unregisterAll');
    expect(names).toContain('Tray.destroy');
    expect(app.named('utilityProcess.exit').at(-1)?.detail).toMatchObject({ code: 0 });
    expect(app.named('dialog.showErrorBox')).toEqual([]);
    expect(app.named('shell.openExternal')).toEqual([]);
  });
});

describe('a second launch while the first is still starting', () => {
  it('is not lost: the window of a first launch started hidden at login shows as soon as it exists', async () => {
    const app = new BootedApp(layOutApp({ withNativeBuild: true }), { CONVERSE_EMBEDDED_PORT: '0' }, ['--hidden']);
    try {
      // The embedded server is starting: no window yet.
      await app.waitFor((r) => r.name === 'utilityProcess.fork', 30_000, 'the embedded server to start');
      expect(app.named('BrowserWindow.new')).toEqual([]);
      await app.command('secondInstance', { argv: ['converse-desktop'] });
      await app.waitFor((r) => r.name === 'BrowserWindow.show', 30_000, 'the window to show');
      expect(app.named('BrowserWindow.new')[0]?.detail.show).toBe(false);
      expect(await app.command('window')).toMatchObject({ visible: true, focused: true });
      await app.command('quit');
      expect(await app.exited).toBe(0);
    } finally {
      app.cleanup();
    }
  });

  it('started hidden at login and left alone, it stays in the tray', async () => {
    const app = new BootedApp(layOutApp({ withNativeBuild: true }), { CONVERSE_EMBEDDED_PORT: '0' }, ['--hidden']);
    try {
      await app.waitFor((r) => r.name === 'globalShortcut.register', 30_000, 'the start to finish');
      await app.waitFor((r) => r.name === 'webContents.did-finish-load', 30_000, 'the page to load');
      expect((await app.command('window')).visible).toBe(false);
      await app.command('quit');
      expect(await app.exited).toBe(0);
    } finally {
      app.cleanup();
    }
  });
});

describe('a start that cannot succeed', () => {
  it('tells the rep in a dialog when the Electron build of SQLite is missing, and exits 1', async () => {
    const app = new BootedApp(layOutApp({ withNativeBuild: false }), { CONVERSE_EMBEDDED_PORT: '0' });
    try {
      expect(await app.exited).toBe(1);
      const box = app.named('dialog.showErrorBox');
      expect(box).toHaveLength(1);
      expect(box[0].detail.title).toBe('Converse Desktop is missing a part');
      expect(box[0].detail.content).toMatch(/npm run electron:native/);
      expect(box[0].detail.content).toMatch(/npm run web/);
      // …and logged, in the file the dialog names.
      const logFile = path.join(app.dir, 'userData', 'logs', 'converse.log');
      expect(box[0].detail.content).toContain(`Details are in ${logFile}.`);
      expect(readFileSync(logFile, 'utf8')).toMatch(
        /"level":"error","msg":"\[shell\] start-up failed: NativeBindingError/,
      );
      expect(app.named('BrowserWindow.new')).toEqual([]);
    } finally {
      app.cleanup();
    }
  });

  it('a second instance hands over to the first and quits without opening anything', async () => {
    const app = new BootedApp(layOutApp({ withNativeBuild: true }), { STAND_IN_SECOND_INSTANCE: '1' });
    try {
      expect(await app.exited).toBe(0);
      expect(app.named('app.quit')).toHaveLength(1);
      expect(app.named('BrowserWindow.new')).toEqual([]);
      expect(app.named('utilityProcess.fork')).toEqual([]);
    } finally {
      app.cleanup();
    }
  });
});
