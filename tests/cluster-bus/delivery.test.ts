// Live events across nodes over the real Redis, with one SQLite file as the log both nodes
// share: an event appended on A reaches B's connection once; a large one goes as a doorbell and
// B reads it from the log; a lost doorbell is caught by the head check; after B's subscription
// is cut, B reads the log for its connections when Redis is back; a malformed message is
// dropped and logged; revoked sessions close on every node; a Redis that is not there at start
// is a clear error naming CONVERSE_REDIS_URL.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { CloseCode } from '../../shared/stream-protocol';
import { startClusterRuntime } from '../../server/cluster/runtime';
import { Hub } from '../../server/stream/hub';
import { until } from '../support/eventually';
import { redisPrefix, redisUp } from '../support/services';
import { adminRedis, killConnection, readEvent, RecordingLog, testCluster, type TestCluster } from './harness';

describe.skipIf(!redisUp)('cluster bus: live delivery across nodes', () => {
  let cluster: TestCluster;
  let prefix: string;
  let admin: Redis;

  beforeAll(() => {
    admin = adminRedis();
  });
  afterAll(async () => {
    await admin.quit();
  });
  afterEach(async () => {
    await cluster?.close();
  });

  async function start(opts: Parameters<TestCluster['node']>[1] = {}) {
    prefix = redisPrefix('cluster-bus');
    cluster = await testCluster(prefix);
    const a = await cluster.node('node-a', opts);
    const b = await cluster.node('node-b', opts);
    return { a, b, userId: cluster.userId };
  }

  it('an event appended on A reaches the connections on A and on B once, with its payload', async () => {
    const { a, b, userId } = await start();
    const onA = a.connect(userId);
    const onB = b.connect(userId);
    const e1 = await a.append(userId, readEvent(1));
    const e2 = await a.append(userId, readEvent(2));
    await until(() => onB.received.length === 2, { what: 'both events on B' });
    expect(onB.received).toEqual([e1.seq, e2.seq]);
    expect(onB.offers.flat().map((e) => e.event)).toEqual([readEvent(1), readEvent(2)]);
    expect(onB.logReads).toBe(0); // the payload came with the doorbell
    // A delivered its own events once; its own doorbells coming back are not offered again.
    const e3 = await b.append(userId, readEvent(3));
    await until(() => onA.received.length === 3, { what: 'B’s event on A' });
    expect(onA.received).toEqual([e1.seq, e2.seq, e3.seq]);
    expect(onA.offers).toHaveLength(3);
    expect(onB.offers).toHaveLength(3);
  });

  it('a payload too large for a doorbell goes as a ring, and B reads the event from the log', async () => {
    const { a, b, userId } = await start();
    const onB = b.connect(userId);
    const big = { type: 'lead.removed' as const, leadId: `led_${'x'.repeat(9000)}` };
    const e = await a.append(userId, big);
    await until(() => onB.received.length === 1, { what: 'the large event on B' });
    expect(onB.rings).toEqual([e.seq]);
    expect(onB.offers).toEqual([]);
    expect(onB.logReads).toBe(1);
    expect((await b.store.eventsAfter(userId, 0, 10))[0].event).toEqual(big);
  });

  it('a doorbell that never went out is caught by the periodic head check', async () => {
    const { a, b, userId } = await start({ headCheckMs: 50 });
    const onB = b.connect(userId);
    // Appended and committed on A, but the doorbell is lost (as when A's publish failed).
    const [lost] = await a.store.appendEvents([{ userId, event: readEvent(1) }], new Date().toISOString());
    await until(() => onB.received.length === 1, { what: 'the head check to bring the event to B' });
    expect(onB.received).toEqual([lost.seq]);
    expect(onB.offers).toEqual([]);
    expect(b.log.has('head check: 1 connection(s) read events they had missed')).toBe(true);
  });

  it('a check asked for while one is reading runs again after it, so it sees what came since', async () => {
    prefix = redisPrefix('cluster-bus');
    cluster = await testCluster(prefix);
    const shared = cluster;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let reads = 0;
    // The real store's heads, held back after the read: the first check's heads are then stale.
    const b = await shared.node('node-b', {
      store: {
        headSeqs: async (ids) => {
          const heads = await b.store.headSeqs(ids);
          if (++reads === 1) await gate;
          return heads;
        },
      },
    });
    const onB = b.connect(shared.userId);
    const first = b.runtime.checkHeads();
    await until(() => reads === 1, { what: 'the first check to read the heads' });
    const [e] = await b.store.appendEvents([{ userId: shared.userId, event: readEvent(1) }], new Date().toISOString());
    const second = b.runtime.checkHeads();
    release();
    expect(await first).toBe(0);
    expect(await second).toBe(1);
    await until(() => onB.received.length === 1, { what: 'the event the second check found' });
    expect(onB.received).toEqual([e.seq]);
  });

  it('after B’s subscription is cut, B reads the log for its connections when Redis is back', async () => {
    const { a, b, userId } = await start(); // no head check: only the resync can bring the event
    const onB = b.connect(userId);
    await killConnection(admin, `${prefix}sub:node-b`);
    await until(() => b.log.has('the Redis subscribing connection'), { what: 'B to notice the drop' });
    const e = await a.append(userId, readEvent(1)); // published while B is not subscribed
    await until(() => onB.received.length === 1, { what: 'B to resync after the reconnect' });
    expect(onB.received).toEqual([e.seq]);
    expect(b.log.has('the Redis subscribing connection is back')).toBe(true);
    // Live again afterwards, through the doorbell.
    const e2 = await a.append(userId, readEvent(2));
    await until(() => onB.received.length === 2, { what: 'the next event live on B' });
    expect(onB.received).toEqual([e.seq, e2.seq]);
  });

  it('doorbells A could not publish while its connection was down are published when it is back', async () => {
    const { a, b, userId } = await start();
    const onA = a.connect(userId);
    const onB = b.connect(userId);
    await killConnection(admin, `${prefix}pub:node-a`);
    await until(() => a.log.has('the Redis publishing connection to'), { what: 'A to notice the drop' });
    const e = await a.append(userId, readEvent(1)); // its publish fails at once (no offline queue)
    expect(onA.received).toEqual([e.seq]); // A's own connections do not wait for Redis
    await until(() => onB.received.length === 1, { what: 'the owed doorbell on B' });
    expect(onB.received).toEqual([e.seq]);
    expect(onB.rings).toEqual([e.seq]); // owed doorbells carry seqs only
  });

  it('a malformed bus message is logged and dropped; delivery goes on', async () => {
    const { a, b, userId } = await start();
    const onB = b.connect(userId);
    await admin.publish(`${prefix}bus`, 'not json');
    await admin.publish(`${prefix}bus`, JSON.stringify({ v: 1, kind: 'events', node: 'x', events: [{ seq: -1 }] }));
    await admin.publish(
      `${prefix}bus`,
      JSON.stringify({
        v: 1,
        kind: 'events',
        node: 'x',
        events: [{ userId, seq: 1, at: 'now', event: { type: 'nope' } }],
      }),
    );
    const e = await a.append(userId, readEvent(1));
    await until(() => onB.received.length === 1, { what: 'the event after the garbage' });
    expect(onB.received).toEqual([e.seq]);
    const dropped = b.log.lines.filter((l) => l.includes('a bus message was dropped'));
    expect(dropped).toHaveLength(3);
    expect(dropped[0]).toContain('not JSON');
    expect(onB.closed).toBeNull();
  });

  it('a session revoked on A closes its streams on B (and on A), not other sessions', async () => {
    const { a, b, userId } = await start();
    const revokedOnA = a.connect(userId, 'ses_1');
    const revokedOnB = b.connect(userId, 'ses_1');
    const other = b.connect(userId, 'ses_2');
    a.runtime.revokeSessions(['ses_1']);
    expect(revokedOnA.closed?.code).toBe(CloseCode.SESSION_REVOKED);
    await until(() => revokedOnB.closed !== null, { what: 'the revocation on B' });
    expect(revokedOnB.closed).toEqual({ code: CloseCode.SESSION_REVOKED, reason: 'This session was signed out.' });
    expect(other.closed).toBeNull();
  });
});

describe('cluster bus: Redis not there at start', () => {
  it('is a clear error naming CONVERSE_REDIS_URL, without the password', async () => {
    const started = startClusterRuntime({
      redisUrl: 'redis://user:s3cret@127.0.0.1:1/0',
      nodeId: 'lonely',
      hub: new Hub(),
      store: { headSeqs: async (ids) => new Map(ids.map((id) => [id, 0])) }, // never read: no node starts
      log: new RecordingLog(),
    });
    const error: Error = await started.then(
      () => new Error('started without Redis'),
      (err: Error) => err,
    );
    expect(error.message).toContain('did not answer');
    expect(error.message).toContain('CONVERSE_REDIS_URL');
    expect(error.message).toContain('redis://127.0.0.1:1/0');
    expect(error.message).not.toContain('s3cret');
  });
});
