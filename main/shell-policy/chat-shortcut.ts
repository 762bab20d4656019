// The global chat shortcut: alt+m, which macOS calls option+m (product.md). Pure decisions only;
// main/global-shortcut.ts does the registering.
import type { ShortcutStatus } from '../../shared/ipc';

export function chatShortcutAccelerator(platform: string): string {
  return platform === 'darwin' ? 'Option+M' : 'Alt+M';
}

/** What a press does: a visible, focused chat window hides; otherwise it is shown and focused. */
export function shortcutToggleAction(win: { visible: boolean; focused: boolean; minimized: boolean }): 'hide' | 'show' {
  return win.visible && win.focused && !win.minimized ? 'hide' : 'show';
}

/** The status the UI shows after a registration attempt, with a reason the rep can act on. */
export function shortcutStatusAfter(
  accelerator: string,
  outcome: { registered: true } | { registered: false; thrown?: unknown },
): ShortcutStatus {
  if (outcome.registered) return { accelerator, registered: true, error: null };
  const detail = outcome.thrown instanceof Error && outcome.thrown.message ? ` (${outcome.thrown.message})` : '';
  return {
    accelerator,
    registered: false,
    error: `${accelerator} could not be registered: another application or the desktop already uses it${detail}. The shortcut still works inside the chat window.`,
  };
}
