// Which pre-rendered tray image shows an unread count (assets/tray/, rendered once by
// assets/render-icons.mjs): 0–9 exactly, then "9+". Drawing digits at run time would need a
// canvas in the main process; eleven small PNGs are sharper and cost nothing.
export const TRAY_IMAGE_NAMES = [
  'tray-0',
  'tray-1',
  'tray-2',
  'tray-3',
  'tray-4',
  'tray-5',
  'tray-6',
  'tray-7',
  'tray-8',
  'tray-9',
  'tray-9plus',
] as const;
export type TrayImageName = (typeof TRAY_IMAGE_NAMES)[number];

export function trayImageFor(unread: number): TrayImageName {
  const n = Number.isFinite(unread) ? Math.max(0, Math.floor(unread)) : 0;
  return n > 9 ? 'tray-9plus' : (`tray-${n}` as TrayImageName);
}

/** The tray tooltip, in the rep's words. */
export function trayTooltipFor(unread: number, doNotDisturb: boolean): string {
  const n = Number.isFinite(unread) ? Math.max(0, Math.floor(unread)) : 0;
  const count = n === 0 ? 'no unread messages' : n === 1 ? '1 unread message' : `${n} unread messages`;
  return `Converse — ${count}${doNotDisturb ? ' (do not disturb)' : ''}`;
}
