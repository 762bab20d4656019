// The PostgreSQL and Redis the scale-out suites run against: `.ci/run` starts both on loopback.
// Where one is not reachable those suites are skipped (scripts/test.mjs says so in one line), so
// a laptop without them still runs everything else.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { answers, DATABASE_URL, REDIS_URL } from '../../scripts/services-check.mjs';

/** CONVERSE_TEST_DATABASE_URL, else the database `.ci/run` creates; CONVERSE_TEST_REDIS_URL, else
 * the Redis it starts (the addresses and the check are npm test's own, scripts/services-check.mjs). */
export const TEST_DATABASE_URL = DATABASE_URL;
export const TEST_REDIS_URL = REDIS_URL;
const portOpen = (url: string) => answers(url, url.startsWith('redis') ? 6379 : 5432);

let postgresChecked: Promise<boolean> | null = null;
/** Whether the test database accepts a connection (checked once per test file). */
export function postgresReachable(): Promise<boolean> {
  postgresChecked ??= (async () => {
    if (!(await portOpen(TEST_DATABASE_URL))) return false;
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return postgresChecked;
}

let redisChecked: Promise<boolean> | null = null;
/** Whether the test Redis accepts a connection (checked once per test file). */
export function redisReachable(): Promise<boolean> {
  redisChecked ??= portOpen(TEST_REDIS_URL);
  return redisChecked;
}

/** Where the services must run (.ci/run), a suite that cannot reach one fails instead of skipping. */
async function required(name: string, up: boolean): Promise<boolean> {
  if (!up && process.env.CONVERSE_REQUIRE_SERVICES === '1')
    throw new Error(`${name} is not reachable and CONVERSE_REQUIRE_SERVICES=1: bash .ci/services.sh starts it.`);
  return up;
}

/** Top-level await in a suite: `describe.skipIf(!pgUp)`. */
export const pgUp = await required(`PostgreSQL (${TEST_DATABASE_URL})`, await postgresReachable());
export const redisUp = await required(`Redis (${TEST_REDIS_URL})`, await redisReachable());

/**
 * A schema of its own for one test file (or one cluster), dropped by the returned `drop`: suites
 * share the database but never each other's tables.
 */
export async function freshSchema(label: string): Promise<{ schema: string; drop(): Promise<void> }> {
  const schema = `t_${label
    .replace(/[^a-z0-9]/gi, '_')
    .toLowerCase()
    .slice(0, 30)}_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA "${schema}"`);
  } finally {
    await client.end();
  }
  return {
    schema,
    async drop() {
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      try {
        await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await c.end();
      }
    },
  };
}

/** A prefix for one test file's Redis channels and keys. */
export const redisPrefix = (label: string) => `t:${label}:${randomBytes(4).toString('hex')}:`;
