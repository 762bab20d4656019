// The tray icon: the unread count as one of the pre-rendered images, the tooltip, and the menu
// (Open chat, Do not disturb, Quit). The same count shows where each OS shows a badge
// (shell-policy/badge.ts): the macOS dock, the Unity launcher, the Windows taskbar overlay. On
// macOS the menu bar gets the monochrome template image with the count as its title, as
// macOS apps do; elsewhere the count is drawn into the tray image.
import { app, Menu, Tray, nativeImage, type BrowserWindow, type NativeImage } from 'electron';
import path from 'node:path';
import { trayImageFor, trayTooltipFor, type TrayImageName } from './shell-policy/tray-image';
import { trayMenuModel, type TrayAction } from './shell-policy/tray-menu';
import { badgePlan } from './shell-policy/badge';

export interface TrayIcon {
  setUnread(total: number): void;
  setDoNotDisturb(on: boolean): void;
  state(): { unread: number; doNotDisturb: boolean; image: TrayImageName };
  destroy(): void;
}

export function createTrayIcon(opts: {
  assetsDir: string;
  window: () => BrowserWindow | null;
  onAction: (a: TrayAction) => void;
}): TrayIcon {
  const images = new Map<TrayImageName, NativeImage>();
  // nativeImage picks tray-N@2x.png by itself on high-density screens.
  const imageFor = (name: TrayImageName) => {
    let img = images.get(name);
    if (!img) {
      img = nativeImage.createFromPath(path.join(opts.assetsDir, 'tray', `${name}.png`));
      images.set(name, img);
    }
    return img;
  };
  let unread = 0;
  let doNotDisturb = false;
  let image: TrayImageName = 'tray-0';
  const plan = badgePlan(process.platform, process.platform === 'linux' && app.isUnityRunning());
  const template = plan.templateTray
    ? nativeImage.createFromPath(path.join(opts.assetsDir, 'tray', 'trayTemplate.png'))
    : null;
  template?.setTemplateImage(true);
  const tray = new Tray(template ?? imageFor(image));

  const render = () => {
    image = trayImageFor(unread);
    if (template) tray.setTitle(unread > 0 ? String(unread) : '');
    else tray.setImage(imageFor(image));
    tray.setToolTip(trayTooltipFor(unread, doNotDisturb));
    tray.setContextMenu(
      Menu.buildFromTemplate(
        trayMenuModel({ doNotDisturb, unread }).map((item) =>
          item.kind === 'separator'
            ? { type: 'separator' as const }
            : item.kind === 'checkbox'
              ? {
                  label: item.label,
                  type: 'checkbox' as const,
                  checked: item.checked,
                  click: () => opts.onAction(item.id),
                }
              : { label: item.label, click: () => opts.onAction(item.id) },
        ),
      ),
    );
    if (plan.setBadgeCount) app.setBadgeCount(unread);
    const win = opts.window();
    if (plan.overlayIcon && win && !win.isDestroyed()) {
      win.setOverlayIcon(unread > 0 ? imageFor(image) : null, unread > 0 ? trayTooltipFor(unread, false) : '');
    }
  };
  // A click on the icon opens the chat, as users expect on Windows and Linux.
  tray.on('click', () => opts.onAction('open-chat'));
  render();

  return {
    setUnread(total) {
      const n = Math.max(0, Math.floor(total));
      if (n !== unread) {
        unread = n;
        render();
      }
    },
    setDoNotDisturb(on) {
      if (on !== doNotDisturb) {
        doNotDisturb = on;
        render();
      }
    },
    state: () => ({ unread, doNotDisturb, image }),
    destroy: () => tray.destroy(),
  };
}
