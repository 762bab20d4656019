// Unread you cannot miss: the window title reads "(3) Converse" (Electron shows it in the
// taskbar, a browser on the tab), the browser shell's tab icon carries the count as a badge
// (the Electron shell badges the tray and taskbar itself), and a nudge the rep's Carter
// settings want heard plays the app's chime.
import nudgeSoundUrl from '../../assets/sounds/nudge.wav';
import { converse } from '../converse';
import { i18n } from '../i18n';
import { useChat } from './chatStore';

/** The window title for an unread total, in the interface language. */
export function unreadTitle(total: number): string {
  const title = i18n.t('app.title');
  return total > 0 ? i18n.t('unreadTitle', { count: total, title }) : title;
}

/** What the badge on the tab icon says: up to 99, then "99+". */
export const badgeText = (total: number): string => (total > 99 ? '99+' : String(total));

const FAVICON_SIZE = 32;

/** Draw the app icon with a red count in its corner; null where the page cannot draw (jsdom). */
export async function badgedFavicon(baseUrl: string, total: number): Promise<string | null> {
  const canvas = document.createElement('canvas');
  canvas.width = FAVICON_SIZE;
  canvas.height = FAVICON_SIZE;
  let ctx: CanvasRenderingContext2D | null = null;
  try {
    ctx = canvas.getContext('2d');
  } catch {
    return null;
  }
  if (!ctx) return null;
  const icon = await new Promise<HTMLImageElement | null>((resolve) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => resolve(null);
    img.src = baseUrl;
  });
  if (icon) ctx.drawImage(icon, 0, 0, FAVICON_SIZE, FAVICON_SIZE);
  if (total > 0) {
    const text = badgeText(total);
    const r = text.length > 1 ? 11 : 9;
    const cx = FAVICON_SIZE - r;
    const cy = r;
    ctx.fillStyle = '#d93025';
    ctx.beginPath();
    ctx.arc(cx, cy, r, 0, Math.PI * 2);
    ctx.fill();
    ctx.fillStyle = '#ffffff';
    ctx.font = `bold ${text.length > 2 ? 10 : 14}px sans-serif`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(text, cx, cy + 1);
  }
  return canvas.toDataURL('image/png');
}

function faviconLink(): HTMLLinkElement {
  let link = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
  if (!link) {
    link = document.createElement('link');
    link.rel = 'icon';
    link.type = 'image/png';
    document.head.appendChild(link);
  }
  return link;
}

/** Play the nudge chime; a page the browser will not let play sound yet stays quiet. */
export function playNudgeSound(): void {
  try {
    const audio = new Audio(nudgeSoundUrl);
    audio.volume = 0.6;
    void audio.play()?.catch(() => undefined);
  } catch {
    /* no audio here (jsdom, a muted tab) */
  }
}

/** Keep the title, the tab's badge and the chime in step with the app. Returns the unsubscribe. */
export function startUnreadSignals(): () => void {
  const web = converse().shell === 'web';
  // The browser shell serves the app icon as /favicon.ico; its badge is drawn over it.
  const baseIcon = new URL('/favicon.ico', window.location.href).toString();
  let drawn = -1;
  let drawing = Promise.resolve();
  const apply = () => {
    const total = useChat.getState().unread.total;
    document.title = unreadTitle(total);
    if (!web || total === drawn) return;
    drawn = total;
    drawing = drawing.then(async () => {
      const url = await badgedFavicon(baseIcon, total);
      // Only the newest count is shown, however the drawings interleave.
      if (url && drawn === total) faviconLink().href = url;
    });
  };
  apply();
  const offStore = useChat.subscribe((s, prev) => {
    if (s.unread.total !== prev.unread.total) apply();
  });
  const onLanguage = () => apply();
  i18n.on('languageChanged', onLanguage);
  const offSound = converse().on('nudge.sound', () => playNudgeSound());
  return () => {
    offStore();
    offSound();
    i18n.off('languageChanged', onLanguage);
  };
}
