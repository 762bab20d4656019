// The application menu. On macOS an app without an Edit menu has no copy, paste, undo or select
// all (those keys are menu accelerators there), and without a Window menu no ⌘W or ⌘M; so macOS
// gets the standard roles. Windows and Linux keep no menu bar: the chat window is a pop-up, and
// their edit keys work without one.
export type MenuRoleItem = { role: string } | { type: 'separator' };
export interface MenuModel {
  label?: string;
  role?: string;
  submenu: MenuRoleItem[];
}

export function appMenuModel(platform: string): MenuModel[] | null {
  if (platform !== 'darwin') return null;
  return [
    {
      role: 'appMenu',
      submenu: [
        { role: 'about' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    {
      role: 'editMenu',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'pasteAndMatchStyle' },
        { role: 'delete' },
        { role: 'selectAll' },
      ],
    },
    {
      role: 'viewMenu',
      submenu: [
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu', submenu: [{ role: 'minimize' }, { role: 'zoom' }, { role: 'close' }] },
  ];
}
