// Launch at login: the OS login item on macOS and Windows, the XDG autostart entry on Linux.
// The app then starts hidden in the tray: --hidden on Windows and Linux; on macOS, where login
// items get no arguments and openAsHidden is gone since macOS 13, wasOpenedAtLogin says so.
import { app } from 'electron';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { linuxAutostartEntry } from './shell-policy/linux-autostart';

export async function setLaunchAtLogin(enabled: boolean): Promise<void> {
  if (process.platform === 'linux') {
    const dir = path.join(process.env.XDG_CONFIG_HOME || path.join(homedir(), '.config'), 'autostart');
    const file = path.join(dir, 'converse-desktop.desktop');
    if (!enabled) {
      await rm(file, { force: true });
      return;
    }
    await mkdir(dir, { recursive: true });
    // An AppImage runs from a temporary mount: start the AppImage file itself.
    await writeFile(
      file,
      linuxAutostartEntry({ name: 'Converse Desktop', exec: process.env.APPIMAGE || process.execPath }),
    );
    return;
  }
  app.setLoginItemSettings(
    process.platform === 'darwin' ? { openAtLogin: enabled } : { openAtLogin: enabled, args: ['--hidden'] },
  );
}

export function startedAtLogin(argv: string[] = process.argv): boolean {
  if (argv.includes('--hidden')) return true;
  return process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin === true;
}
