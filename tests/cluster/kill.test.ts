// The kill test: desktops spread over the nodes, a burst of signed inbound webhooks and sends,
// and in the middle of it a node dies (SIGKILL), or its Redis or PostgreSQL links are cut.
// Afterwards every promise is checked against the log the backend holds: each desktop has every
// event once, in contiguous sequence; each webhook answered 2xx is one message; each send reached
// the provider at most once and was reported; each reminder due in the burst fired once; usage
// counts are exact. On SQLite the one node is killed and restarted on its file; on PostgreSQL +
// Redis three nodes run and the killed one stays down (the others take over its work).
import { describe, expect, it } from 'vitest';
import { pgUp, redisUp } from '../support/services';
import { killRedisConnectionsOf, terminatePostgresConnectionsOf } from './support/connections';
import { burst, KEPT, settle, useRun, verify, type Run } from './support/scenario';

const TUNING = { SANDBOX_AUTO_REPLY: 'off' };
// A dead node's work waits for its leases to run out (server/settings.ts NODE_LEASES: webhooks
// 10 s, swept every 2 s; sends 30 s, swept every 10 s), so the kill case waits longer than that.
const AFTER_KILL_MS = 80_000;

describe('one node on SQLite, SIGKILLed mid-burst and restarted', () => {
  const runOf = useRun({
    label: 'sqlite-kill',
    kind: 'sqlite',
    nodes: 1,
    reps: 4,
    leads: 8,
    devicesPerRep: 2,
    env: TUNING,
  });

  it('keeps every promise across the crash', async () => {
    const run = runOf();
    const node = run.cluster.nodes[0];
    await burst(run, {
      tag: 'sqlite',
      webhooks: 150,
      sends: 50,
      seconds: 3,
      reminders: 4,
      disrupt: {
        at: 0.4,
        run: async () => {
          await node.stop('SIGKILL');
          await node.start();
        },
      },
    });
    await settle(run);
    expect(await verify(run)).toEqual(KEPT);
    // The crash was real: every desktop lost its link and came back.
    expect(run.clients.every((c) => c.client.connections >= 2)).toBe(true);
  }, 90_000);
});

describe.skipIf(!pgUp || !redisUp)('three nodes on PostgreSQL + Redis', () => {
  const runOf = useRun({
    label: 'pg-kill',
    kind: 'postgres',
    nodes: 3,
    reps: 6,
    leads: 12,
    devicesPerRep: 2,
    env: TUNING,
  });

  it('a node SIGKILLed mid-burst: the others deliver everything, once', async () => {
    const run = runOf();
    const victim = run.cluster.nodes[1];
    const orphans = () => run.clients.filter((c) => c.client.connections >= 2).length;
    await burst(run, {
      tag: 'kill',
      webhooks: 300,
      sends: 100,
      seconds: 3,
      reminders: 6,
      disrupt: { at: 0.4, run: () => victim.stop('SIGKILL') },
    });
    await settle(run, AFTER_KILL_MS);
    expect(await verify(run)).toEqual(KEPT);
    expect(victim.alive).toBe(false);
    // The victim held a third of the desktops; they resumed elsewhere.
    expect(orphans()).toBeGreaterThan(0);
    // The webhooks the victim answered before it died were processed by the others.
    expect([...run.provider.deliveries.values()].some((d) => d.acceptedBy === victim.url)).toBe(true);
  }, 120_000);

  it('Redis links cut mid-burst: desktops still get everything', async () => {
    const run = runOf();
    const killed = await burstCutting(run, 'redis', (pids) => killRedisConnectionsOf(run.backend.redisUrl!, pids));
    expect(killed).toBeGreaterThan(0);
    expect(await verify(run)).toEqual(KEPT);
  }, 60_000);

  it('PostgreSQL connections terminated mid-burst: clear errors, recovery without a restart', async () => {
    const run = runOf();
    const live = run.cluster.nodes.filter((n) => n.alive);
    const pids = live.map((n) => n.pid);
    const terminated = await burstCutting(run, 'pg', (nodePids) =>
      terminatePostgresConnectionsOf(run.backend.databaseUrl!, nodePids),
    );
    expect(terminated).toBeGreaterThan(0);
    // The same processes, still serving.
    expect(live.map((n) => n.pid)).toEqual(pids);
    expect(live.every((n) => n.alive)).toBe(true);
    expect(await verify(run)).toEqual(KEPT);
  }, 60_000);
});

/** A short burst (150 webhooks, 30 sends over 2 s) that runs `cut` on the live nodes' processes
 * 30% of the way in, then settles; how many connections `cut` ended. */
async function burstCutting(run: Run, tag: string, cut: (pids: number[]) => Promise<number>): Promise<number> {
  const pids = run.cluster.nodes.filter((n) => n.alive).map((n) => n.pid!);
  let ended = 0;
  await burst(run, {
    tag,
    webhooks: 150,
    sends: 30,
    seconds: 2,
    reminders: 0,
    disrupt: {
      at: 0.3,
      run: async () => {
        ended = await cut(pids);
      },
    },
  });
  await settle(run, 30_000);
  return ended;
}
