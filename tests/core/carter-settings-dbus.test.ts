// Carter settings on the real notification daemon (issue 13): with "new message" nudges turned
// off, a lead's message raises no notification while a new task still does; the setting is saved
// on the server and a second desktop of the same rep follows it. A nudge names the lead and the
// channel and carries the app's icon. Real server, real cores, notify-send over D-Bus, and
// dbus-monitor to see exactly what reached the daemon.
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { startRealServer, type RealServer } from './support/real-server';
import { makeCore, type Harness } from './support/core-harness';
import { eventually } from './support/fixtures';
import { createNodeNotifier } from '../../main/core/notifiers/node-notifier';
import { NotificationWatch } from '../e2e/support/notifications';
import type { Settings } from '../../shared/ipc';
import { canWatchNotifications as canRun, ensureDesktopSession } from './support/notification-daemon';
const ICON = path.resolve(__dirname, '../../assets/icons/256x256.png');

describe.skipIf(!canRun)('Carter settings on the notification daemon', () => {
  let stopSession: (() => void) | null = null;
  let rs: RealServer;
  const cores: Harness[] = [];
  let watch: NotificationWatch | null = null;

  beforeAll(async () => {
    stopSession = await ensureDesktopSession();
    rs = await startRealServer();
  });
  afterAll(async () => {
    watch?.stop();
    for (const h of cores) {
      await h.core.stop();
      rmSync(h.dataDir, { recursive: true, force: true });
    }
    await rs?.stop();
    stopSession?.();
  });

  const started = async (h: Harness) => {
    cores.push(h);
    await h.core.start();
    await eventually(() => h.of('connection.changed').at(-1)?.status === 'connected', 10_000, 'connected');
    return h;
  };
  const adminToken = async () => {
    const r = await fetch(`${rs.server.url}/api/v1/auth/sign-in`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'admin@converse.demo', password: 'converse-demo' }),
    });
    return ((await r.json()) as { token: string }).token;
  };

  it('names lead and channel with the app icon, then suppresses new-message nudges but not task nudges once turned off', async () => {
    expect(existsSync(ICON)).toBe(true);
    watch = new NotificationWatch();
    await watch.ready();
    const desk = await started(
      makeCore({
        serverUrl: rs.url,
        token: rs.token,
        notifier: createNodeNotifier({ icon: ICON }),
        coalesceWindowMs: 50,
      }),
    );
    const laptop = await started(makeCore({ serverUrl: rs.url, token: rs.token, coalesceWindowMs: 50 }));

    // All kinds on (the defaults): a message nudge names Maria and SMS and carries the icon.
    await rs.mariaWrites('Before the change: can we talk pricing?');
    const first = await watch.waitFor((n) => n.body.includes('Before the change'), 15_000);
    expect(first.summary).toBe('Maria Garcia · SMS');
    expect(first.appName).toBe('Converse Desktop');
    expect(first.appIcon).not.toBe('');

    // The rep turns "new message" nudges off on the desk; the server keeps it.
    const now = await desk.call<Settings>('settings.get');
    await desk.call('settings.set', { nudges: { ...now.nudges, kinds: { ...now.nudges.kinds, message: false } } });
    await eventually(
      async () => {
        const r = await fetch(`${rs.url}/api/v1/me/nudge-settings`, {
          headers: { Authorization: `Bearer ${rs.token}` },
        });
        return ((await r.json()) as Settings['nudges']).kinds.message === false;
      },
      5_000,
      'saved on the server',
    );
    // The laptop follows without anyone touching it.
    await eventually(
      () => laptop.of('settings.changed').some((s) => s.nudges.kinds.message === false),
      5_000,
      'laptop follows',
    );

    await rs.mariaWrites('After the change: are you there?');
    const suppressed = await eventually(
      () => desk.nudgeResults.find((r) => r.nudge.kind === 'message' && r.nudge.body.includes('After the change')),
      10_000,
      'message nudge decided',
    );
    expect(suppressed.result).toEqual({ status: 'suppressed', reason: 'kind-off' });
    expect(
      (
        await eventually(
          () => laptop.nudgeResults.find((r) => r.nudge.body.includes('After the change')),
          10_000,
          'laptop decided',
        )
      ).result,
    ).toEqual({ status: 'suppressed', reason: 'kind-off' });

    // Another kind still reaches the daemon.
    const me = (await (
      await fetch(`${rs.url}/api/v1/me`, { headers: { Authorization: `Bearer ${rs.token}` } })
    ).json()) as { id: string };
    const task = await fetch(`${rs.server.url}/api/v1/admin/tasks`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${await adminToken()}` },
      body: JSON.stringify({
        title: 'Call Maria back about pricing',
        leadId: rs.maria.id,
        ownerId: me.id,
        dueAt: new Date(Date.now() + 86_400_000).toISOString(),
      }),
    });
    expect(task.status).toBe(201);
    const shown = await watch.waitFor((n) => n.body.includes('Call Maria back about pricing'), 15_000);
    expect(shown.summary).toBe('New task');
    expect(
      (await eventually(() => desk.nudgeResults.find((r) => r.nudge.kind === 'task'), 5_000, 'task result')).result,
    ).toEqual({ status: 'shown' });
    // The message after the change never reached the daemon.
    expect(watch.seen.some((n) => n.body.includes('After the change'))).toBe(false);
  });
});
