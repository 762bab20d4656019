// Registers alt+m (option+m on macOS) to toggle the chat window from any application. When the
// OS or another app holds the combination, the status says so and the rep is told once; the
// shortcut is released on quit.
import { globalShortcut } from 'electron';
import type { ShortcutStatus } from '../shared/ipc';
import { chatShortcutAccelerator, shortcutStatusAfter } from './shell-policy/chat-shortcut';

export interface ChatShortcut {
  status(): ShortcutStatus;
  unregister(): void;
}

export function registerChatShortcut(
  onPress: () => void,
  onFailed: (status: ShortcutStatus) => void,
  platform: string = process.platform,
): ChatShortcut {
  const accelerator = chatShortcutAccelerator(platform);
  let status: ShortcutStatus;
  try {
    status = shortcutStatusAfter(
      accelerator,
      globalShortcut.register(accelerator, onPress) ? { registered: true } : { registered: false },
    );
  } catch (thrown) {
    status = shortcutStatusAfter(accelerator, { registered: false, thrown });
  }
  if (!status.registered) onFailed(status);
  return {
    status: () => status,
    unregister() {
      if (status.registered) globalShortcut.unregister(accelerator);
      status = { accelerator, registered: false, error: null };
    },
  };
}
