// Carter settings between the desktop and the server (issue 13): changed offline, they apply at
// once and reach the server when the link is back, and what the server still holds from before
// never overwrites them meanwhile; a desktop that starts with a rep's saved settings takes the
// server's copy. Plus the Activity History through the core's leads.activity call, online and off.
import { rmSync } from 'node:fs';
import { startRealServer, type RealServer } from './support/real-server';
import { makeCore, type Harness } from './support/core-harness';
import { eventually } from './support/fixtures';
import type { Settings } from '../../shared/ipc';
import { DEFAULT_NUDGE_SETTINGS, type ActivityPage, type NudgeSettings } from '../../shared/domain';

let rs: RealServer;
const harnesses: Harness[] = [];

beforeEach(async () => {
  rs = await startRealServer();
});
afterEach(async () => {
  for (const h of harnesses.splice(0)) {
    await h.core.stop().catch(() => {});
    rmSync(h.dataDir, { recursive: true, force: true });
  }
  await rs.stop();
});

const started = async () => {
  const h = makeCore({ serverUrl: rs.url, token: rs.token });
  harnesses.push(h);
  await h.core.start();
  await eventually(() => h.of('connection.changed').at(-1)?.status === 'connected', 10_000, 'connected');
  return h;
};
const onServer = async (): Promise<NudgeSettings> =>
  (
    await fetch(`${rs.server.url}/api/v1/me/nudge-settings`, { headers: { Authorization: `Bearer ${rs.token}` } })
  ).json() as Promise<NudgeSettings>;

it('keeps a change made offline, applies it at once and sends it when the server is back', async () => {
  const h = await started();
  rs.proxy.setAccepting(false);
  rs.proxy.cut();
  await eventually(() => h.of('connection.changed').at(-1)?.status !== 'connected', 10_000, 'offline');
  const now = await h.call<Settings>('settings.get');
  const quiet = { ...now.nudges, sound: false, quietHours: { enabled: true, from: '21:00', to: '06:30' } };
  await h.call('settings.set', { nudges: quiet });
  // Applied here at once: the policy reads the local copy.
  expect((await h.call<Settings>('settings.get')).nudges).toEqual(quiet);
  expect((await onServer()).sound).toBe(true);

  rs.proxy.setAccepting(true);
  await eventually(
    async () => (await onServer()).quietHours.from === '21:00',
    15_000,
    'sent to the server after reconnecting',
  );
  expect(await onServer()).toEqual(quiet);
  expect((await h.call<Settings>('settings.get')).nudges).toEqual(quiet);
});

it("takes the server's copy from the rep's log when a desktop connects", async () => {
  const saved = {
    kinds: { message: true, assignment: false, task: true, activity: false },
    sound: false,
    quietHours: { enabled: false, from: '20:00', to: '08:00' },
  };
  const put = await fetch(`${rs.server.url}/api/v1/me/nudge-settings`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${rs.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(saved),
  });
  expect(put.status).toBe(200);
  const h = await started();
  await eventually(
    async () => JSON.stringify((await h.call<Settings>('settings.get')).nudges) === JSON.stringify(saved),
    10_000,
    'server copy applied',
  );
});

it("gives a rep new to this desktop their own settings, not the last rep's", async () => {
  const h = await started();
  const now = await h.call<Settings>('settings.get');
  await h.call('settings.set', { nudges: { ...now.nudges, kinds: { ...now.nudges.kinds, message: false } } });
  await eventually(async () => (await onServer()).kinds.message === false, 10_000, 'saved for Rita');
  await h.call('session.signOut', {});
  await h.call('session.signIn', { serverUrl: rs.url, email: 'sam@converse.demo', password: 'converse-demo' });
  await eventually(
    async () => (await h.call<Settings>('settings.get')).nudges.kinds.message === true,
    10_000,
    'Sam starts from the defaults',
  );
  expect((await h.call<Settings>('settings.get')).nudges).toEqual(DEFAULT_NUDGE_SETTINGS);
});

it('reads the Activity History from the server, newest first and paged', async () => {
  const h = await started();
  await rs.mariaWrites('Activity through the core');
  const first = await eventually(
    async () => {
      const page = await h.call<ActivityPage>('leads.activity', { leadId: rs.maria.id, limit: 2 });
      return page.activity[0]?.summary === 'Activity through the core' ? page : null;
    },
    10_000,
    'the new message on top',
  );
  expect(first.activity[0]).toMatchObject({ type: 'message.inbound', channel: 'sms', direction: 'inbound' });
  expect(first.before).not.toBeNull();
  const next = await h.call<ActivityPage>('leads.activity', { leadId: rs.maria.id, before: first.before, limit: 2 });
  expect(next.activity.map((a) => a.id)).not.toContain(first.activity[0].id);
  expect(Date.parse(next.activity[0].at)).toBeLessThanOrEqual(Date.parse(first.activity[1].at));

  // Offline: the conversation as this desktop holds it, said to be so, the same entry on top.
  await eventually(
    async () =>
      (
        await h.call<{ messages: { body: string }[] }>('messages.page', { conversationId: `${rs.maria.id}:sms` })
      ).messages.some((m) => m.body === 'Activity through the core'),
    10_000,
    'synced here',
  );
  rs.proxy.setAccepting(false);
  rs.proxy.cut();
  const offline = await h.call<ActivityPage>('leads.activity', { leadId: rs.maria.id, limit: 5 });
  expect(offline.fromThisDevice).toBe(true);
  expect(offline.activity[0]).toMatchObject({
    id: first.activity[0].id,
    type: 'message.inbound',
    summary: 'Activity through the core',
    channel: 'sms',
  });
  expect(offline.before).toBeNull();
});
