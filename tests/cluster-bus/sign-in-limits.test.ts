// Sign-in limits shared by every node through Redis: failures on one server count on another
// (over real HTTP), the Redis count follows the same rule as the in-memory one, and a Redis
// that does not answer leaves each node counting in its own memory, logged.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { DEMO_PASSWORD } from '../../server/demo/accounts';
import { memoryAttemptLog, type AttemptLog } from '../../server/auth/rate-limit';
import { redisAttempts } from '../../server/cluster/redis-attempts';
import { startTestServer, type TestServer } from '../server/support';
import { redisPrefix, redisUp, TEST_REDIS_URL } from '../support/services';
import { RecordingLog, testCluster, type TestCluster } from './harness';

const RITA = 'rita@converse.demo';

function signInFrom(server: { url: string }, address: string, password: string): Promise<number> {
  const body = JSON.stringify({ email: RITA, password });
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${server.url}/api/v1/auth/sign-in`,
      {
        method: 'POST',
        localAddress: address,
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe.skipIf(!redisUp)('cluster bus: sign-in limits shared by the nodes', () => {
  let cluster: TestCluster;
  let one: TestServer;
  let two: TestServer;

  beforeAll(async () => {
    cluster = await testCluster(redisPrefix('sign-in'));
    const a = await cluster.node('node-a');
    const b = await cluster.node('node-b');
    const limits = (attempts: typeof a.runtime.signInAttempts) => ({ perPair: 3, attempts, wait: async () => {} });
    one = await startTestServer({ signInLimits: limits(a.runtime.signInAttempts) });
    two = await startTestServer({ signInLimits: limits(b.runtime.signInAttempts) });
  });
  afterAll(async () => {
    await one?.stop();
    await two?.stop();
    await cluster?.close();
  });

  it('wrong passwords on one server refuse that account and address on the other, not the owner elsewhere', async () => {
    for (let i = 0; i < 3; i++) expect(await signInFrom(one, '127.0.0.1', 'wrong password')).toBe(401);
    expect(await signInFrom(two, '127.0.0.1', DEMO_PASSWORD)).toBe(429);
    expect(await signInFrom(one, '127.0.0.1', DEMO_PASSWORD)).toBe(429);
    expect(await signInFrom(two, '127.0.0.2', DEMO_PASSWORD)).toBe(200);
  });
});

describe.skipIf(!redisUp)('cluster bus: the Redis count follows the in-memory rule', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL);
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('counts, leaves out a tag, slides the window, keeps its bound and resets like AttemptLimiter', async () => {
    const max = 4;
    const windowMs = 1000;
    const shared = redisAttempts(redis, redisPrefix('attempts'), new RecordingLog())('t', max, windowMs);
    const local = memoryAttemptLog(max, windowMs);
    const both = async <T>(op: (l: AttemptLog) => Promise<T>): Promise<[T, T]> => [await op(shared), await op(local)];
    const t0 = 1_800_000_000_000;
    const answers: [unknown, unknown][] = [];
    for (const [at, tag] of [
      [t0, 'x'],
      [t0 + 100, 'y'],
      [t0 + 200, 'x'],
      [t0 + 300, 'z'],
      [t0 + 400, 'y'],
    ] as const) {
      await both((l) => l.failed('k', at, tag));
      answers.push(await both((l) => l.count('k', at, 'x')), await both((l) => l.retryAfterMs('k', at)));
    }
    answers.push(await both((l) => l.count('k', t0 + 400)));
    answers.push(await both((l) => l.count('k', t0 + 1150))); // the first two left the window
    answers.push(await both((l) => l.retryAfterMs('k', t0 + 1150)));
    await both((l) => l.reset('k', 'y'));
    answers.push(await both((l) => l.count('k', t0 + 500)));
    await both((l) => l.reset('k'));
    answers.push(await both((l) => l.count('k', t0 + 500)));
    for (const [fromRedis, fromMemory] of answers) expect(fromRedis).toBe(fromMemory);
    // The bound held (max 4 of 5 failures kept) and the wait was computed from the kept ones.
    expect(answers.map(([r]) => r)).toEqual([0, 0, 1, 0, 1, 0, 2, 700, 3, 700, 4, 3, 0, 2, 0]);
  });

  it('a Redis that does not answer leaves this node counting alone, logged once', async () => {
    const gone = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    const log = new RecordingLog();
    const attempts = redisAttempts(gone, 'x:', log)('pairs', 2, 60_000);
    await attempts.failed('k', 1000);
    await attempts.failed('k', 1001);
    expect(await attempts.retryAfterMs('k', 1002)).toBe(59_998);
    expect(log.lines.filter((l) => l.includes('this node counts them alone'))).toHaveLength(1);
    gone.disconnect();
  });
});
