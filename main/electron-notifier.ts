// Nudges as Electron Notifications. Each attempt resolves to a structured result: shown when the
// OS confirms, failed with the reason otherwise (unsupported, an OS error, or no confirmation in
// time), never a silent drop. Each notification is kept referenced until it is clicked or
// KEEP_FOR_MS pass: one that is garbage collected loses its click handler, and a click must open
// the right conversation. Not until 'close': on Windows 'close' fires when the toast leaves the
// screen for the Action Center, where the rep may still click it (Mattermost keeps them too).
import { Notification } from 'electron';
import type { Notifier, NudgeResult, OsNotification } from './core/ports';

const CONFIRM_WITHIN_MS = 5000;
const MAX_LIVE = 50;
const KEEP_FOR_MS = 4 * 60 * 60_000;

export function createElectronNotifier(icon?: string): Notifier {
  const live = new Set<Notification>();
  return {
    show(n: OsNotification, onClick: () => void): Promise<NudgeResult> {
      if (!Notification.isSupported())
        return Promise.resolve({ status: 'failed', reason: 'This system does not support notifications.' });
      return new Promise<NudgeResult>((resolve) => {
        let settled = false;
        const settle = (r: NudgeResult) => {
          if (!settled) {
            settled = true;
            clearTimeout(timer);
            resolve(r);
          }
        };
        // The AppUserModelID set at start (electron-main.ts) ties a Windows toast to the app.
        // Silent: the window plays the app's own chime when the rep's Carter settings want a
        // sound (the core's nudge.sound event), so "sound off" means no sound at all.
        const note = new Notification({ title: n.title, body: n.body, icon, silent: true });
        let keepTimer: ReturnType<typeof setTimeout> | null = null;
        const forget = () => {
          live.delete(note);
          if (keepTimer) clearTimeout(keepTimer);
        };
        if (live.size >= MAX_LIVE) {
          const oldest = live.values().next().value;
          if (oldest) {
            oldest.close();
            live.delete(oldest);
          }
        }
        live.add(note);
        note.on('show', () => settle({ status: 'shown' }));
        note.on('failed', (_e, error) => {
          forget();
          settle({ status: 'failed', reason: error || 'The OS refused the notification.' });
        });
        note.on('click', () => {
          forget();
          onClick();
        });
        keepTimer = setTimeout(forget, KEEP_FOR_MS);
        keepTimer.unref?.();
        const timer = setTimeout(
          () =>
            settle({
              status: 'failed',
              reason: `The OS did not confirm the notification within ${CONFIRM_WITHIN_MS / 1000} s.`,
            }),
          CONFIRM_WITHIN_MS,
        );
        try {
          note.show();
        } catch (err) {
          forget();
          settle({ status: 'failed', reason: err instanceof Error ? err.message : String(err) });
        }
      });
    },
  };
}
