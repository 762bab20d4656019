// What a window does when its page tries to go somewhere. The chat window only ever shows the
// app's own pages: any navigation away is cancelled, and a web link is handed to the OS browser
// instead (Element's rule), so a message can never turn the app window into someone's site.
import { isAllowedExternalUrl } from './external-url';

export type NavigationDecision = { action: 'allow' } | { action: 'deny' } | { action: 'open-external'; url: string };

/** `will-navigate`: stay inside the app origin; send allowed links to the browser; drop the rest. */
export function decideNavigation(targetUrl: string, appOrigin: string): NavigationDecision {
  if (sameOrigin(targetUrl, appOrigin)) return { action: 'allow' };
  if (isAllowedExternalUrl(targetUrl)) return { action: 'open-external', url: targetUrl };
  return { action: 'deny' };
}

/** `window.open` / target=_blank: never a new app window; an allowed link opens in the browser. */
export function decideWindowOpen(targetUrl: string): NavigationDecision {
  if (isAllowedExternalUrl(targetUrl)) return { action: 'open-external', url: targetUrl };
  return { action: 'deny' };
}

/** True when `url` is served by `appOrigin` (e.g. `app://converse`). */
export function sameOrigin(url: string, appOrigin: string): boolean {
  try {
    const u = new URL(url);
    const o = new URL(appOrigin);
    return u.protocol === o.protocol && u.host === o.host;
  } catch {
    return false;
  }
}
