// The tray menu as data, so its items and their order are tested without Electron; the shell
// turns it into a Menu and routes each click by id.
export type TrayAction = 'open-chat' | 'toggle-do-not-disturb' | 'quit';

export type TrayMenuItem =
  | { kind: 'action'; id: TrayAction; label: string }
  | { kind: 'checkbox'; id: TrayAction; label: string; checked: boolean }
  | { kind: 'separator' };

export function trayMenuModel(state: { doNotDisturb: boolean; unread: number }): TrayMenuItem[] {
  const open = state.unread > 0 ? `Open chat (${state.unread > 99 ? '99+' : state.unread} unread)` : 'Open chat';
  return [
    { kind: 'action', id: 'open-chat', label: open },
    { kind: 'checkbox', id: 'toggle-do-not-disturb', label: 'Do not disturb', checked: state.doNotDisturb },
    { kind: 'separator' },
    { kind: 'action', id: 'quit', label: 'Quit' },
  ];
}
