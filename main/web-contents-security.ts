// The Electron security baseline for every web contents the app ever creates: no navigation
// away from the app, no new windows (web links go to the OS browser, other schemes nowhere),
// no <webview>, and no permissions (camera, geolocation…) for page content beyond the clipboard.
import { app, session, shell, type WebContents } from 'electron';
import { decideNavigation, decideWindowOpen, type NavigationDecision } from './shell-policy/navigation';
import { APP_ORIGIN } from './app-paths';
import { permissionAllowed } from './shell-policy/permissions';

export function hardenAllWebContents(): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    const onNavigate = (event: { preventDefault(): void }, url: string) => {
      const decision = decideNavigation(url, APP_ORIGIN);
      if (decision.action === 'allow') return;
      event.preventDefault();
      act(decision);
    };
    contents.on('will-navigate', onNavigate);
    contents.on('will-redirect', onNavigate);
    contents.on('will-frame-navigate', (event) => {
      if (!event.isMainFrame) {
        const decision = decideNavigation(event.url, APP_ORIGIN);
        if (decision.action !== 'allow') event.preventDefault();
      }
    });
    contents.setWindowOpenHandler(({ url }) => {
      act(decideWindowOpen(url));
      return { action: 'deny' };
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
}

/** Must run after ready: page content gets only what shell-policy/permissions.ts allows. */
export function limitPermissions(): void {
  session.defaultSession.setPermissionRequestHandler((wc, permission, callback, details) =>
    callback(permissionAllowed(permission, details.requestingUrl || wc.getURL(), APP_ORIGIN)),
  );
  session.defaultSession.setPermissionCheckHandler((_wc, permission, requestingOrigin) =>
    permissionAllowed(permission, requestingOrigin, APP_ORIGIN),
  );
}

function act(decision: NavigationDecision): void {
  if (decision.action === 'open-external') void shell.openExternal(decision.url).catch(() => {});
}
