// Where the unread count shows besides the tray, per OS (Electron 41's app.setBadgeCount works on
// macOS and on Linux only under the Unity launcher; Windows has the taskbar overlay icon instead):
//   macOS    the dock badge (app.setBadgeCount) and the count beside the menu-bar template image
//   Windows  the taskbar overlay icon only
//   Linux    app.setBadgeCount only where Unity runs; elsewhere the tray image carries the count
export interface BadgePlan {
  setBadgeCount: boolean;
  overlayIcon: boolean;
  /** macOS: a monochrome template image in the menu bar, the count as the tray's title. */
  templateTray: boolean;
}

export function badgePlan(platform: string, unityRunning: boolean): BadgePlan {
  if (platform === 'darwin') return { setBadgeCount: true, overlayIcon: false, templateTray: true };
  if (platform === 'win32') return { setBadgeCount: false, overlayIcon: true, templateTray: false };
  return { setBadgeCount: platform === 'linux' && unityRunning, overlayIcon: false, templateTray: false };
}
