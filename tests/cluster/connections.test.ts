// The kill test cuts the nodes' links to the shared Redis and PostgreSQL by process: this proves
// the cut reaches the given process's connections and nobody else's.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually';
import { pgUp, redisUp, TEST_DATABASE_URL, TEST_REDIS_URL } from '../support/services';
import { killRedisConnectionsOf, localPortsOf, terminatePostgresConnectionsOf } from './support/connections';

// A process holding one Redis and one PostgreSQL connection, printing each loss of either.
const HOLDER = `
import Redis from 'ioredis';
import pg from 'pg';
const redis = new Redis(process.env.R, { maxRetriesPerRequest: null });
redis.on('close', () => console.log('redis-closed'));
redis.on('ready', () => console.log('redis-ready'));
const db = new pg.Client({ connectionString: process.env.P });
db.on('error', (e) => console.log('pg-error ' + e.message));
await db.connect();
console.log('pg-ready');
`;

interface Holder {
  child: ChildProcess;
  out: string[];
}

const holders: Holder[] = [];
function hold(): Holder {
  const child = spawn(process.execPath, ['--input-type=module', '-e', HOLDER], {
    env: { ...process.env, R: TEST_REDIS_URL, P: TEST_DATABASE_URL },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const h = { child, out: [] as string[] };
  child.stdout!.on('data', (d: Buffer) => h.out.push(...d.toString().trim().split('\n')));
  holders.push(h);
  return h;
}
const count = (h: Holder, line: string) => h.out.filter((l) => l.startsWith(line)).length;

afterEach(() => {
  for (const h of holders.splice(0)) h.child.kill('SIGKILL');
});

describe.skipIf(!pgUp || !redisUp)('cutting one process off Redis and PostgreSQL', () => {
  it('kills only that process’s connections', async () => {
    const [a, b] = [hold(), hold()];
    const ready = (h: Holder) => count(h, 'redis-ready') >= 1 && count(h, 'pg-ready') === 1;
    await eventually(() => ready(a) && ready(b), { what: 'both holders connected' });
    expect(localPortsOf(a.child.pid!).size).toBeGreaterThanOrEqual(2);

    expect(await killRedisConnectionsOf(TEST_REDIS_URL, [a.child.pid!])).toBe(1);
    expect(await terminatePostgresConnectionsOf(TEST_DATABASE_URL, [a.child.pid!])).toBe(1);
    await eventually(() => count(a, 'redis-closed') >= 1 && count(a, 'pg-error') >= 1, { what: 'a cut off' });
    // ioredis reconnects by itself; the other process never noticed anything.
    await eventually(() => count(a, 'redis-ready') >= 2, { what: 'a back on Redis' });
    expect(count(b, 'redis-closed')).toBe(0);
    expect(count(b, 'pg-error')).toBe(0);
  }, 30_000);
});
