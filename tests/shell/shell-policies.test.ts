// The Electron shell's decisions, tested without Electron: which links leave the app, where a
// window may navigate, how IPC calls are validated, which tray image shows, where the window
// reopens, and which shortcut is registered on each platform.
import { isAllowedExternalUrl } from '../../main/shell-policy/external-url';
import { decideNavigation, decideWindowOpen } from '../../main/shell-policy/navigation';
import { dispatchIpcCall, toIpcError } from '../../main/shell-policy/ipc-dispatch';
import { trayImageFor, trayTooltipFor, TRAY_IMAGE_NAMES } from '../../main/shell-policy/tray-image';
import { trayMenuModel } from '../../main/shell-policy/tray-menu';
import { restoreChatBounds, CHAT_WINDOW_MIN } from '../../main/shell-policy/window-bounds';
import {
  chatShortcutAccelerator,
  shortcutStatusAfter,
  shortcutToggleAction,
} from '../../main/shell-policy/chat-shortcut';
import { contentSecurityPolicy } from '../../main/shell-policy/content-security-policy';
import { resolveRendererFile } from '../../main/shell-policy/renderer-files';
import { existsSync } from 'node:fs';
import path from 'node:path';

describe('external links', () => {
  it.each(['https://example.com/a?b=c', 'http://crm.example/leads/1', 'mailto:maria@example.com'])(
    'opens %s',
    (url) => {
      expect(isAllowedExternalUrl(url)).toBe(true);
    },
  );
  it.each([
    'file:///etc/passwd',
    'javascript:alert(1)',
    'smb://host/share',
    'ms-msdt:/id',
    'vbscript:x',
    'data:text/html,hi',
    'not a url',
    '',
    42,
    null,
  ])('refuses %s', (url) => {
    expect(isAllowedExternalUrl(url)).toBe(false);
  });
});

describe('navigation policy', () => {
  const app = 'app://converse';
  it('lets the app move within its own origin', () => {
    expect(decideNavigation('app://converse/index.html#/reports', app)).toEqual({ action: 'allow' });
  });
  it('sends a web link to the browser instead of navigating the app window', () => {
    expect(decideNavigation('https://evil.example/', app)).toEqual({
      action: 'open-external',
      url: 'https://evil.example/',
    });
  });
  it('drops file: and other schemes', () => {
    expect(decideNavigation('file:///etc/passwd', app)).toEqual({ action: 'deny' });
    expect(decideNavigation('app://other/index.html', app)).toEqual({ action: 'deny' });
  });
  it('never opens a new app window', () => {
    expect(decideWindowOpen('app://converse/index.html')).toEqual({ action: 'deny' });
    expect(decideWindowOpen('mailto:a@b.example')).toEqual({ action: 'open-external', url: 'mailto:a@b.example' });
  });
});

describe('IPC validation and dispatch', () => {
  const core = {
    seen: [] as Array<[string, unknown]>,
    async handle(name: string, args: unknown) {
      this.seen.push([name, args]);
      if (name === 'messages.retry') throw Object.assign(new Error('gone'), { code: 'not_found' });
      if (name === 'nudges.list') throw new Error('disk full');
      return { ok: 1 };
    },
  };

  it('refuses an unknown channel without calling the core', async () => {
    expect(await dispatchIpcCall(core, 'shell.exec', {})).toEqual({
      ok: false,
      error: { code: 'unknown_call', message: 'Unknown call "shell.exec".' },
    });
    expect(await dispatchIpcCall(core, '__proto__', {})).toMatchObject({ ok: false, error: { code: 'unknown_call' } });
    expect(core.seen).toEqual([]);
  });
  it('refuses bad arguments naming the field', async () => {
    const a = await dispatchIpcCall(core, 'session.signIn', { serverUrl: 'nope', email: 'x', password: '' });
    expect(a).toMatchObject({ ok: false, error: { code: 'invalid_arguments' } });
    expect(core.seen).toEqual([]);
  });
  it('passes parsed arguments (with defaults) to the core', async () => {
    expect(await dispatchIpcCall(core, 'leads.search', { query: 'maria' })).toEqual({ ok: true, result: { ok: 1 } });
    expect(core.seen.at(-1)).toEqual(['leads.search', { query: 'maria', limit: 20 }]);
  });
  it('keeps the core error code, and labels a code-less failure internal', async () => {
    expect(await dispatchIpcCall(core, 'messages.retry', { clientId: 'c1' })).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'gone' },
    });
    expect(await dispatchIpcCall(core, 'nudges.list', {})).toEqual({
      ok: false,
      error: { code: 'internal', message: 'disk full' },
    });
    expect(toIpcError('boom')).toEqual({ code: 'internal', message: 'boom' });
  });
});

describe('tray', () => {
  it('shows the exact count up to 9, then 9+', () => {
    expect(trayImageFor(0)).toBe('tray-0');
    expect(trayImageFor(7)).toBe('tray-7');
    expect(trayImageFor(9)).toBe('tray-9');
    expect(trayImageFor(10)).toBe('tray-9plus');
    expect(trayImageFor(4711)).toBe('tray-9plus');
    expect(trayImageFor(-3)).toBe('tray-0');
    expect(trayImageFor(Number.NaN)).toBe('tray-0');
  });
  it('has a committed image for every state, in both resolutions', () => {
    for (const name of TRAY_IMAGE_NAMES) {
      expect(existsSync(path.resolve('assets/tray', `${name}.png`))).toBe(true);
      expect(existsSync(path.resolve('assets/tray', `${name}@2x.png`))).toBe(true);
    }
  });
  it('says the count and do-not-disturb in the tooltip', () => {
    expect(trayTooltipFor(1, false)).toBe('Converse — 1 unread message');
    expect(trayTooltipFor(12, true)).toBe('Converse — 12 unread messages (do not disturb)');
  });
  it('menu: Open chat, Do not disturb (checked as set), Quit', () => {
    const menu = trayMenuModel({ doNotDisturb: true, unread: 0 });
    expect(menu.map((i) => (i.kind === 'separator' ? '-' : i.label))).toEqual([
      'Open chat',
      'Do not disturb',
      '-',
      'Quit',
    ]);
    expect(menu[1]).toMatchObject({ kind: 'checkbox', checked: true });
    expect(trayMenuModel({ doNotDisturb: false, unread: 3 })[0]).toMatchObject({ label: 'Open chat (3 unread)' });
  });
});

describe('window bounds', () => {
  const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }];
  it('reopens where it was', () => {
    expect(restoreChatBounds({ x: 100, y: 120, width: 420, height: 700 }, screen)).toEqual({
      x: 100,
      y: 120,
      width: 420,
      height: 700,
    });
  });
  it('brings back a window left on an unplugged monitor', () => {
    const b = restoreChatBounds({ x: 2500, y: 100, width: 400, height: 600 }, screen) as { x: number; width: number };
    expect(b.x + b.width).toBeLessThanOrEqual(1920);
    expect(b.x).toBeGreaterThanOrEqual(0);
  });
  it('pulls a half-visible window fully on screen and enforces the minimum size', () => {
    expect(restoreChatBounds({ x: 1800, y: 900, width: 100, height: 100 }, screen)).toEqual({
      x: 1920 - CHAT_WINDOW_MIN.width,
      y: 1080 - CHAT_WINDOW_MIN.height,
      ...CHAT_WINDOW_MIN,
    });
  });
  it('ignores garbage from the settings file', () => {
    expect(restoreChatBounds({ x: 'a' }, screen)).toMatchObject({ width: 400, height: 640 });
    expect(restoreChatBounds(null, [])).toEqual({ width: 400, height: 640 });
  });
});

describe('global shortcut', () => {
  it('is Alt+M, Option+M on macOS', () => {
    expect(chatShortcutAccelerator('linux')).toBe('Alt+M');
    expect(chatShortcutAccelerator('win32')).toBe('Alt+M');
    expect(chatShortcutAccelerator('darwin')).toBe('Option+M');
  });
  it('hides a focused visible window and shows anything else', () => {
    expect(shortcutToggleAction({ visible: true, focused: true, minimized: false })).toBe('hide');
    expect(shortcutToggleAction({ visible: true, focused: false, minimized: false })).toBe('show');
    expect(shortcutToggleAction({ visible: false, focused: false, minimized: false })).toBe('show');
    expect(shortcutToggleAction({ visible: true, focused: true, minimized: true })).toBe('show');
  });
  it('explains a failed registration', () => {
    expect(shortcutStatusAfter('Alt+M', { registered: true })).toEqual({
      accelerator: 'Alt+M',
      registered: true,
      error: null,
    });
    const s = shortcutStatusAfter('Alt+M', { registered: false });
    expect(s.registered).toBe(false);
    expect(s.error).toMatch(/another application/);
  });
});

describe('content security policy', () => {
  it('allows only own scripts: no remote script, no eval, no inline script', () => {
    const csp = contentSecurityPolicy({ connectSrc: ['ws://127.0.0.1:1'] });
    const script = csp.split('; ').find((d) => d.startsWith('script-src'));
    expect(script).toBe("script-src 'self'");
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("connect-src 'self' ws://127.0.0.1:1");
  });
});

describe('renderer files', () => {
  it('maps routes to index.html and refuses escapes', () => {
    expect(resolveRendererFile('/r', '/')).toBe(path.resolve('/r/index.html'));
    expect(resolveRendererFile('/r', '/reports')).toBe(path.resolve('/r/index.html'));
    expect(resolveRendererFile('/r', '/assets/a.js')).toBe(path.resolve('/r/assets/a.js'));
    expect(resolveRendererFile('/r', '/../etc/passwd.txt')).toBeNull();
    expect(resolveRendererFile('/r', '/..%2f..%2fetc/passwd.txt')).toBeNull();
    expect(resolveRendererFile('/r', '/a%00.js')).toBeNull();
    expect(resolveRendererFile('/r', '/%E0%A4%A')).toBeNull();
  });
});

describe('saving a received attachment', () => {
  it('keeps a plain name and never writes outside Downloads', async () => {
    const { safeDownloadName } = await import('../../main/shell-policy/download-name');
    expect(safeDownloadName('photo.jpg')).toBe('photo.jpg');
    expect(safeDownloadName('../../.bashrc')).toBe('bashrc');
    expect(safeDownloadName('C:\\Windows\\evil.exe')).toBe('evil.exe');
    expect(safeDownloadName('a\u0000b<c>.pdf')).toBe('a_b_c_.pdf');
    expect(safeDownloadName('CON.txt')).toBe('attachment-CON.txt');
    expect(safeDownloadName('...')).toBe('attachment');
  });
  it('never overwrites an existing file', async () => {
    const { uniqueDownloadName } = await import('../../main/shell-policy/download-name');
    const taken = new Set(['photo.jpg', 'photo (1).jpg']);
    expect(uniqueDownloadName('photo.jpg', (n) => taken.has(n))).toBe('photo (2).jpg');
    expect(uniqueDownloadName('notes', (n) => n === 'notes')).toBe('notes (1)');
  });
});

describe('launch at login on Linux', () => {
  it('writes an XDG autostart entry that starts hidden, quoting odd paths', async () => {
    const { linuxAutostartEntry } = await import('../../main/shell-policy/linux-autostart');
    const entry = linuxAutostartEntry({ name: 'Converse Desktop', exec: '/opt/Converse Desktop/converse' });
    expect(entry).toContain('[Desktop Entry]');
    expect(entry).toContain('Exec="/opt/Converse Desktop/converse" --hidden');
    expect(linuxAutostartEntry({ name: 'X', exec: '/usr/bin/converse' })).toContain('Exec=/usr/bin/converse --hidden');
  });
});

describe('page permissions', () => {
  it('lets the app page copy to the clipboard and nothing else', async () => {
    const { permissionAllowed } = await import('../../main/shell-policy/permissions');
    expect(permissionAllowed('clipboard-sanitized-write', 'app://converse/index.html', 'app://converse')).toBe(true);
    expect(permissionAllowed('media', 'app://converse/index.html', 'app://converse')).toBe(false);
    expect(permissionAllowed('notifications', 'app://converse/index.html', 'app://converse')).toBe(false);
    expect(permissionAllowed('clipboard-sanitized-write', 'https://evil.example/', 'app://converse')).toBe(false);
  });
});
