// Whether the PostgreSQL and Redis of the scale-out suites answer (tests/support/services.ts uses
// the same addresses). npm test prints one line either way; with CONVERSE_REQUIRE_SERVICES=1
// (.ci/run) a missing service fails the run instead of skipping its suites.
import net from 'node:net';

export const DATABASE_URL =
  process.env.CONVERSE_TEST_DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/converse_test';
export const REDIS_URL = process.env.CONVERSE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function answers(url, defaultPort) {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = net.connect({ host: u.hostname, port: Number(u.port || defaultPort), timeout: 1000 });
    const done = (ok) => {
      s.destroy();
      resolve(ok);
    };
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
    s.once('timeout', () => done(false));
  });
}

const redacted = (url) => url.replace(/\/\/[^@/]*@/, '//');

/** One line for npm test's output, whether the run may go on, and which service answers. */
export async function checkServices() {
  const pg = await answers(DATABASE_URL, 5432);
  const redis = await answers(REDIS_URL, 6379);
  const required = process.env.CONVERSE_REQUIRE_SERVICES === '1';
  const missing = [!pg && `PostgreSQL (${redacted(DATABASE_URL)})`, !redis && `Redis (${redacted(REDIS_URL)})`].filter(
    Boolean,
  );
  if (missing.length === 0)
    return {
      ok: true,
      postgres: pg,
      redis,
      line: 'scale-out suites: PostgreSQL and Redis reachable; the PostgreSQL, cluster and kill suites run',
    };
  if (required)
    return {
      ok: false,
      postgres: pg,
      redis,
      line: `scale-out suites: ${missing.join(' and ')} not reachable, and CONVERSE_REQUIRE_SERVICES=1 (bash .ci/services.sh starts them)`,
    };
  return {
    ok: true,
    postgres: pg,
    redis,
    line: `scale-out suites: SKIPPED the suites that need ${missing.join(' and ')} (not reachable; bash .ci/services.sh starts them)`,
  };
}
