// The application menu (macOS) and the chat window's right-click menu, built from the models in
// shell-policy/app-menu.ts and shell-policy/context-menu.ts.
import { Menu, clipboard, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import { appMenuModel } from './shell-policy/app-menu';
import { contextMenuModel } from './shell-policy/context-menu';

export function setAppMenu(platform: string = process.platform): void {
  const model = appMenuModel(platform);
  Menu.setApplicationMenu(model ? Menu.buildFromTemplate(model as MenuItemConstructorOptions[]) : null);
}

export function attachContextMenu(win: BrowserWindow): void {
  const contents = win.webContents;
  contents.on('context-menu', (_event, params) => {
    const items = contextMenuModel(params);
    if (items.length === 0) return;
    const template: MenuItemConstructorOptions[] = items.map((item) => {
      switch (item.kind) {
        case 'suggestion':
          return { label: item.label, click: () => contents.replaceMisspelling(item.label) };
        case 'learn':
          return { label: item.label, click: () => contents.session.addWordToSpellCheckerDictionary(item.word) };
        case 'copy-link':
          return { label: item.label, click: () => clipboard.writeText(item.url) };
        case 'role':
          return { role: item.role, label: item.label, enabled: item.enabled };
        case 'separator':
          return { type: 'separator' };
      }
    });
    Menu.buildFromTemplate(template).popup({ window: win });
  });
}
