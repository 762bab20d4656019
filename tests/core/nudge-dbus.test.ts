// A nudge travels from the real server through the core and node-notifier (notify-send) to a
// real notification daemon over D-Bus; dbus-monitor shows the Notify call the rep would see.
import { rmSync } from 'node:fs';
import { startRealServer, type RealServer } from './support/real-server';
import { makeCore, type Harness } from './support/core-harness';
import { eventually } from '../support/eventually';
import { createNodeNotifier } from '../../main/core/notifiers/node-notifier';
import { NotificationWatch } from '../e2e/support/notifications';
import { canWatchNotifications as canRun, ensureDesktopSession } from './support/notification-daemon';

describe.skipIf(!canRun)('nudge over D-Bus', () => {
  let stopSession: (() => void) | null = null;
  let rs: RealServer;
  let h: Harness | null = null;
  let watch: NotificationWatch | null = null;

  beforeAll(async () => {
    stopSession = await ensureDesktopSession();
    rs = await startRealServer();
  });
  afterAll(async () => {
    watch?.stop();
    if (h) {
      await h.core.stop();
      rmSync(h.dataDir, { recursive: true, force: true });
    }
    await rs?.stop();
    stopSession?.();
  });

  it('shows "new message" from Maria Garcia through notify-send, and reports it shown', async () => {
    watch = new NotificationWatch();
    await watch.ready();
    h = makeCore({ serverUrl: rs.url, token: rs.token, notifier: createNodeNotifier(), coalesceWindowMs: 50 });
    await h.core.start();
    await eventually(() => h!.of('connection.changed').at(-1)?.status === 'connected', {
      timeoutMs: 10_000,
      what: 'connected',
    });
    await rs.mariaWrites('Are you free at 3 pm for a call?');
    const seen = await watch.waitFor((n) => n.body.includes('free at 3 pm') || n.summary.includes('Maria'), 15_000);
    expect(`${seen.summary} ${seen.body}`).toMatch(/Maria/);
    const result = await eventually(
      () =>
        h!.nudgeResults.find(
          (r) => r.nudge.kind === 'message' && r.nudge.leadId === rs.maria.id && r.result.status === 'shown',
        ),
      { timeoutMs: 5_000, what: 'nudge result' },
    );
    expect(result.result).toEqual({ status: 'shown' });
  });
});
