// The Electron shell's launch decisions (issue 11), as pure rules: which SQLite build fits, what
// a launch asks for, what a failed start tells the rep, the menus, where the badge goes, when a
// crashed renderer is reloaded, and the embedded server's port fallback.
import { createServer } from 'node:net';
import path from 'node:path';
import { checkElectronBinding, electronBindingDir } from '../../main/shell-policy/native-binding';
import { launchIntent } from '../../main/shell-policy/launch-args';
import { startupFailureText } from '../../main/shell-policy/startup-failure';
import { contextMenuModel, type ContextMenuParams } from '../../main/shell-policy/context-menu';
import { appMenuModel } from '../../main/shell-policy/app-menu';
import { badgePlan } from '../../main/shell-policy/badge';
import { rendererRecovery } from '../../main/shell-policy/renderer-recovery';
import { listenWithFallback } from '../../main/shell-policy/port-fallback';

const running = { electron: '41.7.1', abi: '145', platform: 'linux', arch: 'x64' };

describe('the Electron build of SQLite', () => {
  it("is looked for in the checkout, or in a packaged app's resources", () => {
    expect(electronBindingDir({ isPackaged: false, resourcesPath: '/r', appPath: '/src/app' })).toBe(
      path.join('/src/app', 'native', 'electron'),
    );
    expect(
      electronBindingDir({
        isPackaged: true,
        resourcesPath: '/opt/app/resources',
        appPath: '/opt/app/resources/app.asar',
      }),
    ).toBe(path.join('/opt/app/resources', 'native'));
  });

  it("fits when built for this Electron's ABI, platform and arch", () => {
    expect(
      checkElectronBinding(
        '/n',
        true,
        { abi: '145', electron: '41.7.1', platform: 'linux', arch: 'x64' },
        running,
        false,
      ),
    ).toEqual({ ok: true, file: path.join('/n', 'better_sqlite3.node') });
  });

  it('says what is missing and what to do, for a checkout and for an installed app', () => {
    const dev = checkElectronBinding('/n', false, null, running, false);
    expect(dev).toMatchObject({ ok: false, problem: expect.stringContaining('missing') });
    expect(!dev.ok && dev.remedy).toMatch(/npm run electron:native.*npm run web/s);
    const installed = checkElectronBinding('/n', false, null, running, true);
    expect(!installed.ok && installed.remedy).toMatch(/Reinstall/);
  });

  it('refuses a build for another ABI or another machine', () => {
    expect(checkElectronBinding('/n', true, { abi: '115', electron: 'node' }, running, false)).toMatchObject({
      ok: false,
      problem: expect.stringContaining('ABI 115'),
    });
    expect(
      checkElectronBinding('/n', true, { abi: '145', platform: 'darwin', arch: 'arm64' }, running, false),
    ).toMatchObject({ ok: false, problem: expect.stringContaining('darwin-arm64') });
  });
});

describe('a launch', () => {
  it('asks to toggle, to start hidden, or to show', () => {
    expect(launchIntent(['converse-desktop', '--toggle'])).toBe('toggle');
    expect(launchIntent(['converse-desktop', '--hidden'])).toBe('hidden');
    expect(launchIntent(['converse-desktop', '--hidden', '--toggle'])).toBe('toggle');
    expect(launchIntent(['converse-desktop'])).toBe('show');
  });
});

describe('a start that fails', () => {
  const log = '/home/rita/.config/Converse Desktop/logs/converse.log';
  it('names a missing part and the log file', () => {
    const t = startupFailureText(
      Object.assign(new Error('The database engine is missing. Reinstall Converse Desktop.'), {
        name: 'NativeBindingError',
      }),
      log,
    );
    expect(t.title).toBe('Converse Desktop is missing a part');
    expect(t.content).toContain(`Details are in ${log}.`);
  });
  it('tells a full or read-only disk apart from the rest', () => {
    expect(
      startupFailureText(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }), log).title,
    ).toBe('Converse Desktop cannot write its data');
    expect(startupFailureText(new Error('boom'), null)).toEqual({
      title: 'Converse Desktop could not start',
      content: expect.stringContaining('Start Converse Desktop again'),
    });
  });
  it('points at an upgrade when the data is newer than the app', () => {
    expect(
      startupFailureText(Object.assign(new Error('written by a newer version'), { name: 'DatabaseTooNewError' }), log)
        .content,
    ).toMatch(/Install the latest/);
  });
});

describe('menus', () => {
  const params = (p: Partial<ContextMenuParams>): ContextMenuParams => ({
    misspelledWord: '',
    dictionarySuggestions: [],
    isEditable: false,
    selectionText: '',
    linkURL: '',
    editFlags: { canCut: false, canCopy: false, canPaste: false, canSelectAll: false },
    ...p,
  });
  it('offers at most five spelling suggestions and adding the word, then the edit actions', () => {
    const items = contextMenuModel(
      params({
        isEditable: true,
        misspelledWord: 'tomorow',
        dictionarySuggestions: ['tomorrow', 'a', 'b', 'c', 'd', 'e'],
        editFlags: { canCut: true, canCopy: true, canPaste: true, canSelectAll: true },
      }),
    );
    expect(items.filter((i) => i.kind === 'suggestion')).toHaveLength(5);
    expect(items).toContainEqual({ kind: 'learn', label: 'Add to dictionary', word: 'tomorow' });
    expect(items.filter((i) => i.kind === 'role').map((i) => i.kind === 'role' && i.role)).toEqual([
      'cut',
      'copy',
      'paste',
      'selectAll',
    ]);
  });
  it('offers copy for selected text, copy link for web links only, and nothing on empty space', () => {
    expect(contextMenuModel(params({ selectionText: 'Maria' }))).toEqual([
      { kind: 'role', role: 'copy', label: 'Copy', enabled: true },
    ]);
    expect(contextMenuModel(params({ linkURL: 'https://crm.example.com/leads/1' }))).toEqual([
      { kind: 'copy-link', label: 'Copy link', url: 'https://crm.example.com/leads/1' },
    ]);
    expect(contextMenuModel(params({ linkURL: 'javascript:alert(1)' }))).toEqual([]);
    expect(contextMenuModel(params({}))).toEqual([]);
  });
  it('gives macOS an Edit menu (its copy and paste keys are menu accelerators) and the others none', () => {
    const mac = appMenuModel('darwin')!;
    expect(mac.map((m) => m.role)).toEqual(['appMenu', 'editMenu', 'viewMenu', 'windowMenu']);
    expect(mac[1]!.submenu).toEqual(
      expect.arrayContaining([{ role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }, { role: 'undo' }]),
    );
    expect(appMenuModel('win32')).toBeNull();
    expect(appMenuModel('linux')).toBeNull();
  });
});

describe('the unread badge', () => {
  it('goes where each OS shows one', () => {
    expect(badgePlan('darwin', false)).toEqual({ setBadgeCount: true, overlayIcon: false, templateTray: true });
    expect(badgePlan('win32', false)).toEqual({ setBadgeCount: false, overlayIcon: true, templateTray: false });
    expect(badgePlan('linux', true)).toEqual({ setBadgeCount: true, overlayIcon: false, templateTray: false });
    expect(badgePlan('linux', false)).toEqual({ setBadgeCount: false, overlayIcon: false, templateTray: false });
  });
});

describe('a crashed renderer', () => {
  it('is reloaded, until it has crashed more than three times within a minute', () => {
    const r = rendererRecovery();
    expect([r.crashed(0), r.crashed(1_000), r.crashed(2_000)]).toEqual(['reload', 'reload', 'reload']);
    expect(r.crashed(3_000)).toBe('give-up');
    const later = rendererRecovery();
    for (const t of [0, 30_000, 61_000, 91_000, 122_000]) expect(later.crashed(t)).toBe('reload');
  });
});

describe("the embedded server's port", () => {
  const listen = (port: number) =>
    new Promise<{ port: number; close(): void }>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () =>
        resolve({ port: (s.address() as { port: number }).port, close: () => s.close() }),
      );
    });

  it('is the preferred one when free, and a free one when something really holds it', async () => {
    const holder = await listen(0);
    try {
      const { server, fellBack } = await listenWithFallback(listen, holder.port);
      expect(fellBack).toBe(true);
      expect(server.port).not.toBe(holder.port);
      server.close();
    } finally {
      holder.close();
    }
  });

  it('does not hide other failures behind a fallback', async () => {
    const denied = Object.assign(new Error('listen EACCES'), { code: 'EACCES' });
    await expect(
      listenWithFallback(async () => {
        throw denied;
      }, 80),
    ).rejects.toBe(denied);
  });
});
