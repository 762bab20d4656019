// The ShellPort for a browser tab. A tab has no tray, badge, login item or global shortcut; what
// it has is the compact/expanded chat state, which lives here so two tabs never disagree. The
// core announces `window.changed` after a window call; this shell announces the changes the core
// does not make (tab focus, a nudge asking to show the window).
import type { ShellPort } from '../core/ports';
import type { IpcEventName } from '../../shared/ipc';
import { isAllowedExternalUrl } from '../shell-policy/external-url';
import { chatShortcutAccelerator } from '../shell-policy/chat-shortcut';

export type PushEvent = (event: IpcEventName, payload: unknown) => void;

export interface TabShell extends ShellPort {
  /** The renderer reported tab focus (via conversations.focus). */
  setFocused(focused: boolean): void;
  state(): { expanded: boolean; focused: boolean; unread: number; refusedLinks: number };
}

export interface TabShellOptions {
  /** Issues same-origin preview URLs (preview-capability.ts); absent: the core inlines data: URLs. */
  previewUrl?: (attachmentId: string) => string;
}

export function createTabShell(
  push: PushEvent,
  platform: string = process.platform,
  opts: TabShellOptions = {},
): TabShell {
  let expanded = false;
  let focused = false;
  let unread = 0;
  let refusedLinks = 0;
  const announce = () => push('window.changed', { expanded, focused });

  return {
    async setExpanded(next: boolean) {
      expanded = next;
      return expanded;
    },
    async toggle() {
      expanded = !expanded;
      return expanded;
    },
    showWindow() {
      // A server cannot raise a browser tab; re-announcing the state lets the page react (the
      // core sends `navigate` with what to show).
      announce();
    },
    async openExternal(url: string) {
      // The tab opens allowed links itself (target=_blank, rel=noopener); the shell never does,
      // and a refused scheme is counted so a test can see it was refused, not lost.
      if (!isAllowedExternalUrl(url)) refusedLinks++;
      return false;
    },
    shortcutStatus() {
      const accelerator = chatShortcutAccelerator(platform);
      return {
        accelerator,
        registered: false,
        error: `A global ${accelerator} needs the desktop app; in this browser tab ${accelerator.toLowerCase()} works while the tab has focus.`,
      };
    },
    setUnreadCount(total: number) {
      // No tray in a browser: the page shows counts from `unread.changed`; kept for state().
      unread = total;
    },
    setLaunchAtLogin() {
      // A browser tab cannot start at login; the setting takes effect in the desktop app.
    },
    ...(opts.previewUrl ? { previewUrl: opts.previewUrl } : {}),
    setFocused(next: boolean) {
      if (next !== focused) {
        focused = next;
        announce();
      }
    },
    state: () => ({ expanded, focused, unread, refusedLinks }),
  };
}
