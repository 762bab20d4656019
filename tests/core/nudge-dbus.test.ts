// A nudge travels from the real server through the core and node-notifier (notify-send) to a
// real notification daemon over D-Bus; dbus-monitor shows the Notify call the rep would see.
import { rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { startRealServer, type RealServer } from './support/real-server';
import { makeCore, type Harness } from './support/core-harness';
import { eventually } from '../support/eventually';
import { createNodeNotifier } from '../../main/core/notifiers/node-notifier';
import { NotificationWatch } from '../e2e/support/notifications';
// @ts-expect-error plain ESM script without types
import { startDesktopSession } from '../../scripts/desktop-session.mjs';

const has = (cmd: string) => { try { execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }); return true; } catch { return false; } };
const canRun = process.platform === 'linux' && has('notify-send') && has('dbus-monitor') && (!!process.env.DBUS_SESSION_BUS_ADDRESS || has('dbus-launch'));

describe.skipIf(!canRun)('nudge over D-Bus', () => {
  let session: { env: Record<string, string>; stop(): void } | null = null;
  let rs: RealServer;
  let h: Harness | null = null;
  let watch: NotificationWatch | null = null;

  beforeAll(async () => {
    if (!process.env.DBUS_SESSION_BUS_ADDRESS) {
      session = await startDesktopSession();
      Object.assign(process.env, session!.env);
    }
    rs = await startRealServer();
  });
  afterAll(async () => {
    watch?.stop();
    if (h) { await h.core.stop(); rmSync(h.dataDir, { recursive: true, force: true }); }
    await rs?.stop();
    session?.stop();
  });

  it('shows "new message" from Maria Garcia through notify-send, and reports it shown', async () => {
    watch = new NotificationWatch();
    await watch.ready();
    h = makeCore({ serverUrl: rs.url, token: rs.token, notifier: createNodeNotifier(), coalesceWindowMs: 50 });
    await h.core.start();
    await eventually(() => h!.of('connection.changed').at(-1)?.status === 'connected', { timeoutMs: 10_000, what: 'connected' });
    await rs.mariaWrites('Are you free at 3 pm for a call?');
    const seen = await watch.waitFor((n) => n.body.includes('free at 3 pm') || n.summary.includes('Maria'), 15_000);
    expect(`${seen.summary} ${seen.body}`).toMatch(/Maria/);
    const result = await eventually(() => h!.nudgeResults.find((r) => r.nudge.kind === 'message' && r.nudge.leadId === rs.maria.id && r.result.status === 'shown'), { timeoutMs: 5_000, what: 'nudge result' });
    expect(result.result).toEqual({ status: 'shown' });
  });
});
