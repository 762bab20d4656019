// OS notifications outside Electron, through node-notifier: notify-send (→ D-Bus) on Linux,
// Notification Center on macOS, toasts on Windows. Electron's own Notification lives in the
// Electron shell behind the same Notifier interface.
//
// Clicks: notify-send as node-notifier drives it cannot report a click, so on Linux a nudge
// opens nothing when clicked (the browser shell's in-page nudge list covers that). On macOS and
// Windows node-notifier waits for the click with a bounded timeout; `show` never waits for it:
// it resolves as soon as the notification was handed to the OS.
import notifier from 'node-notifier';
import type { Notifier, NudgeResult, OsNotification } from '../ports';

export interface NodeNotifierOptions {
  appName?: string;
  /** The app's icon (a PNG path), shown beside the nudge so the rep knows it is Converse. */
  icon?: string;
  /** Seconds the OS keeps waiting for a click (macOS/Windows); bounded so nothing hangs. */
  clickTimeoutSeconds?: number;
  /** How long to wait for the OS to take the notification before calling it failed. */
  postTimeoutMs?: number;
  platform?: NodeJS.Platform;
}

export function createNodeNotifier(opts: NodeNotifierOptions = {}): Notifier {
  const platform = opts.platform ?? process.platform;
  const canClick = platform === 'darwin' || platform === 'win32';
  const postTimeoutMs = opts.postTimeoutMs ?? 5_000;
  return {
    show(n: OsNotification, onClick: () => void): Promise<NudgeResult> {
      return new Promise<NudgeResult>((resolve) => {
        let settled = false;
        const done = (r: NudgeResult) => {
          if (!settled) {
            settled = true;
            clearTimeout(guard);
            resolve(r);
          }
        };
        const guard = setTimeout(
          () =>
            done({ status: 'failed', reason: `the notification service did not answer within ${postTimeoutMs} ms` }),
          postTimeoutMs,
        );
        const options = {
          title: n.title,
          message: n.body || ' ',
          appName: opts.appName ?? 'Converse Desktop',
          ...(opts.icon ? { icon: opts.icon } : {}),
          // Linux: no wait (notify-send returns at once); elsewhere wait for a click, bounded.
          wait: canClick,
          timeout: canClick ? (opts.clickTimeoutSeconds ?? 30) : false,
          // The daemon plays no sound of its own: the window plays the app's chime when the rep's
          // Carter settings want one (desktop-core's nudge.sound), so "sound off" is silent.
          ...(platform === 'linux'
            ? {
                'app-name': opts.appName ?? 'Converse Desktop',
                category: 'im.received',
                urgency: 'normal',
                hint: 'boolean:suppress-sound:true',
              }
            : {}),
        } as Parameters<typeof notifier.notify>[0];
        try {
          if (canClick) {
            // On these platforms the callback fires after the click or the timeout; the
            // notification is up as soon as notify() returned without throwing.
            notifier.notify(options, (err, response) => {
              if (err) {
                done({ status: 'failed', reason: err.message });
                return;
              }
              if (String(response).toLowerCase().includes('click') || response === 'activate') onClick();
            });
            done({ status: 'shown' });
          } else {
            notifier.notify(options, (err) => {
              done(err ? { status: 'failed', reason: err.message } : { status: 'shown' });
            });
          }
        } catch (err) {
          done({ status: 'failed', reason: (err as Error).message });
        }
      });
    },
  };
}
