// A reviewer saw the Nudges panel list the same nudges more than once ("one batch per browser
// tab that connected"). The browser shell subscribes once and fans out to its tabs; here the
// core is checked end to end against the real server: several subscribers (tabs), links cut
// and replayed, a restart, and the same rep signing in again must store, emit and show each
// nudge exactly once.
import { rmSync } from 'node:fs';
import { startRealServer, type RealServer } from './support/real-server';
import { makeCore, type Harness } from './support/core-harness';
import { MemoryCredentials, RecordingNotifier } from './support/fixtures';
import { eventually } from '../support/eventually';
import { nudgesDrained, settled } from './support/settled';
import type { NudgeView } from '../../shared/domain';
import type { Session } from '../../shared/ipc';

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

const listed = (h: Harness) => h.call<NudgeView[]>('nudges.list', { limit: 100 });
const fromMaria = (list: NudgeView[]) => list.filter((n) => n.kind === 'message' && n.body.startsWith('tab burst'));

describe('nudges reach the rep once', () => {
  it('stores, emits and shows each nudge once through cuts, replays and a second sign-in', async () => {
    const notifier = new RecordingNotifier();
    const credentials = new MemoryCredentials();
    const h = makeCore({ credentials, notifier, coalesceWindowMs: 5 });
    harnesses.push(h);
    // Three "tabs" listening, as the browser shell's clients would through its one subscription each.
    const perTab: string[][] = [[], [], []];
    for (const tab of perTab) h.core.on('nudges.changed', ({ nudge }) => tab.push(nudge.id));
    await h.core.start();
    await h.call<Session>('session.signIn', {
      serverUrl: rs.url,
      email: 'rita@converse.demo',
      password: 'converse-demo',
    });
    await eventually(() => h.of('connection.changed').at(-1)?.status === 'connected', {
      timeoutMs: 10_000,
      what: 'connected',
    });

    for (let i = 1; i <= 6; i++) {
      await rs.mariaWrites(`tab burst ${i}`);
      if (i % 2 === 0) rs.proxy.cut(); // the replay after each cut carries nudges already stored
    }
    await eventually(async () => fromMaria(await listed(h)).length >= 6 || null, {
      timeoutMs: 10_000,
      what: 'six nudges stored',
    });
    await eventually(() => h.of('connection.changed').at(-1)?.status === 'connected', {
      timeoutMs: 10_000,
      what: 'reconnected',
    });
    await settled(h, rs);

    // The same rep signs out and in again (a second "tab" signing in): no wipe, no replay into the list.
    await h.call('session.signOut', {});
    await h.call<Session>('session.signIn', {
      serverUrl: `${rs.url}/`,
      email: 'rita@converse.demo',
      password: 'converse-demo',
    });
    await eventually(() => h.of('connection.changed').at(-1)?.status === 'connected', {
      timeoutMs: 10_000,
      what: 'connected again',
    });
    // Everything replayed after the sign-in is applied and offered before this marker nudge is.
    await nudgesDrained(h, rs);

    const stored = fromMaria(await listed(h));
    expect(stored.map((n) => n.body).sort()).toEqual([1, 2, 3, 4, 5, 6].map((i) => `tab burst ${i}`));
    expect(new Set(stored.map((n) => n.id)).size).toBe(6);
    const ids = new Set(stored.map((n) => n.id));
    for (const tab of perTab) {
      const mine = tab.filter((id) => ids.has(id));
      expect(mine.sort()).toEqual([...ids].sort());
    }
    // Each nudge is offered to the policy once: shown, or folded into a burst, never twice.
    const offered = h.nudgeResults.filter((r) => ids.has(r.nudge.id)).map((r) => r.nudge.id);
    expect(offered.sort()).toEqual([...ids].sort());
    const shownText = notifier.shown.map((n) => `${n.title}|${n.body}`);
    expect(shownText.length).toBe(new Set(shownText).size);
  });

  it("does not nudge again when a rep comes back after another rep's wipe (replay from 0) or after a restart", async () => {
    const notifier = new RecordingNotifier();
    const credentials = new MemoryCredentials();
    const h = makeCore({ credentials, notifier, coalesceWindowMs: 5 });
    harnesses.push(h);
    const emitted: string[] = [];
    h.core.on('nudges.changed', ({ nudge }) => emitted.push(nudge.id));
    await h.core.start();
    const signIn = (who: string) =>
      h.call<Session>('session.signIn', {
        serverUrl: rs.url,
        email: `${who}@converse.demo`,
        password: 'converse-demo',
      });
    await signIn('rita');
    await eventually(() => h.of('connection.changed').at(-1)?.status === 'connected', {
      timeoutMs: 10_000,
      what: 'connected',
    });
    await rs.mariaWrites('tab burst once');
    const first = await eventually(async () => fromMaria(await listed(h))[0] ?? null, {
      timeoutMs: 10_000,
      what: 'nudge stored',
    });
    await eventually(() => h.nudgeResults.some((r) => r.nudge.id === first.id) || null, {
      timeoutMs: 5_000,
      what: 'offered',
    });
    await h.call('session.signOut', {});

    await signIn('sam'); // another rep: the store is wiped
    await eventually(() => h.of('connection.changed').at(-1)?.status === 'connected', {
      timeoutMs: 10_000,
      what: 'sam connected',
    });
    expect(fromMaria(await listed(h))).toEqual([]);
    await h.call('session.signOut', {});

    await signIn('rita'); // Rita's log replays from 0, her nudge included
    await eventually(async () => fromMaria(await listed(h)).length === 1 || null, {
      timeoutMs: 10_000,
      what: 'nudge stored again',
    });
    await nudgesDrained(h, rs);
    await h.core.stop();

    const again = makeCore({ dataDir: h.dataDir, credentials, notifier, coalesceWindowMs: 5 });
    harnesses.push(again);
    await again.core.start();
    await eventually(() => again.of('connection.changed').at(-1)?.status === 'connected', {
      timeoutMs: 10_000,
      what: 'restarted',
    });
    await rs.mariaWrites('tab burst after');
    await eventually(async () => fromMaria(await listed(again)).length === 2 || null, {
      timeoutMs: 10_000,
      what: 'new nudge',
    });
    await eventually(() => again.nudgeResults.length > 0 || null, { timeoutMs: 5_000, what: 'new nudge offered' });

    expect(emitted.filter((id) => id === first.id)).toHaveLength(1);
    expect(h.nudgeResults.filter((r) => r.nudge.id === first.id)).toHaveLength(1);
    expect(again.nudgeResults.map((r) => r.nudge.body)).toEqual(['tab burst after']);
    expect(notifier.shown.filter((n) => n.body.includes('tab burst once'))).toHaveLength(1);
  });
});
