// Nudges as Electron Notifications. Each attempt resolves to a structured result: shown when the
// OS confirms, failed with the reason otherwise (unsupported, an OS error, or no confirmation in
// time), never a silent drop. Live notifications are kept referenced: one that is garbage
// collected loses its click handler, and a click must open the right conversation.
import { Notification } from 'electron';
import type { Notifier, NudgeResult, OsNotification } from './core/ports';

const CONFIRM_WITHIN_MS = 5000;
const MAX_LIVE = 50;

export function createElectronNotifier(icon?: string): Notifier {
  const live = new Set<Notification>();
  return {
    show(n: OsNotification, onClick: () => void): Promise<NudgeResult> {
      if (!Notification.isSupported()) return Promise.resolve({ status: 'failed', reason: 'This system does not support notifications.' });
      return new Promise<NudgeResult>((resolve) => {
        let settled = false;
        const settle = (r: NudgeResult) => { if (!settled) { settled = true; clearTimeout(timer); resolve(r); } };
        const note = new Notification({ title: n.title, body: n.body, icon, silent: false });
        const forget = () => live.delete(note);
        if (live.size >= MAX_LIVE) { const oldest = live.values().next().value; if (oldest) { oldest.close(); live.delete(oldest); } }
        live.add(note);
        note.on('show', () => settle({ status: 'shown' }));
        note.on('failed', (_e, error) => { forget(); settle({ status: 'failed', reason: error || 'The OS refused the notification.' }); });
        note.on('click', () => { forget(); onClick(); });
        note.on('close', forget);
        const timer = setTimeout(() => settle({ status: 'failed', reason: `The OS did not confirm the notification within ${CONFIRM_WITHIN_MS / 1000} s.` }), CONFIRM_WITHIN_MS);
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
