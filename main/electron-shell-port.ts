// The ShellPort of the Electron app: what the core may ask of the window chrome, mapped onto
// the chat window, the tray, the shortcut, the OS browser, Downloads and the login item.
import { app, shell } from 'electron';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ShellPort } from './core/ports';
import type { ChatWindow } from './chat-window';
import type { TrayIcon } from './tray-icon';
import type { ChatShortcut } from './global-shortcut';
import { isAllowedExternalUrl } from './shell-policy/external-url';
import { uniqueDownloadName } from './shell-policy/download-name';
import { setLaunchAtLogin } from './login-item';
import { appPreviewUrl } from './app-protocol';

/** Parts are created after the core (they need it), so the port reads them late. */
export interface ShellParts {
  chat: ChatWindow | null;
  tray: TrayIcon | null;
  shortcut: ChatShortcut | null;
}

export function createElectronShellPort(parts: ShellParts): ShellPort {
  return {
    async setExpanded(expanded) {
      return parts.chat ? parts.chat.setExpanded(expanded) : false;
    },
    async toggle() {
      return parts.chat ? parts.chat.setExpanded(!parts.chat.isExpanded()) : false;
    },
    showWindow() {
      parts.chat?.show();
    },
    async openExternal(url) {
      if (!isAllowedExternalUrl(url)) return false;
      await shell.openExternal(url);
      return true;
    },
    shortcutStatus() {
      return (
        parts.shortcut?.status() ?? { accelerator: '', registered: false, error: 'The shortcut is not set up yet.' }
      );
    },
    setUnreadCount(total) {
      parts.tray?.setUnread(total);
    },
    setLaunchAtLogin(enabled) {
      void setLaunchAtLogin(enabled).catch((err) => console.error('converse: could not change launch at login:', err));
    },
    // Served by the app:// handler through core.fetchAttachment: no base64 over IPC for previews.
    previewUrl: appPreviewUrl,
    async saveDownload(fileName, bytes) {
      const dir = app.getPath('downloads');
      const file = path.join(
        dir,
        uniqueDownloadName(fileName, (n) => existsSync(path.join(dir, n))),
      );
      await writeFile(file, bytes, { flag: 'wx' });
      return file;
    },
  };
}
