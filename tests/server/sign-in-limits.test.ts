// Sign-in limits stop guessing without locking out the owner: failures count per account and
// address (that pair is refused), per account from other addresses (attempts wait longer), and
// per address on other accounts (attempts wait longer) — a right password from a new address,
// or another user's from a busy address, still signs in. Clients connect from 127.0.0.1 and
// 127.0.0.2, two real addresses on the loopback network.
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../server/demo/accounts';
import { startTestServer, type TestServer } from './support';

const A = '127.0.0.1';
const B = '127.0.0.2';
const RITA = 'rita@converse.demo';

function signInFrom(
  server: { url: string },
  address: string,
  email: string,
  password: string,
): Promise<{ status: number; body: any; retryAfter: string | undefined }> {
  const body = JSON.stringify({ email, password });
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
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
            retryAfter: res.headers['retry-after'] as string | undefined,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A server whose clock the test moves, and whose sign-in waits are recorded instead of spent. */
async function startWithClock() {
  let t = Date.parse('2026-11-20T10:00:00Z');
  const waits: number[] = [];
  const server = await startTestServer({
    now: () => new Date(t),
    signInLimits: {
      wait: async (ms) => {
        waits.push(ms);
      },
    },
  });
  return {
    server,
    waits,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

let server: TestServer | null = null;
afterEach(async () => {
  await server?.stop();
  server = null;
});

describe('sign-in limits', () => {
  it('refuses the guessing address after 10 wrong passwords, while the owner signs in from another address', async () => {
    const s = await startWithClock();
    server = s.server;
    for (let i = 0; i < 10; i++) expect((await signInFrom(server, A, RITA, `guess-${i}`)).status).toBe(401);

    const fromA = await signInFrom(server, A, RITA, DEMO_PASSWORD);
    expect(fromA.status).toBe(429);
    expect(fromA.body.error.code).toBe('rate_limited');
    expect(fromA.body.error.message).toMatch(/try again in 15 minutes/);
    expect(Number(fromA.retryAfter)).toBe(15 * 60);

    s.waits.length = 0;
    const fromB = await signInFrom(server, B, RITA, DEMO_PASSWORD);
    expect(fromB.status).toBe(200);
    expect(fromB.body.user.email).toBe(RITA);
    // Ten failures from elsewhere: the owner's attempt waited (the longest wait), and was not refused.
    expect(s.waits).toEqual([10_000]);

    // The window slides: a quarter of an hour later address A is heard again.
    s.advance(15 * 60_000 + 1);
    expect((await signInFrom(server, A, RITA, DEMO_PASSWORD)).status).toBe(200);
  });

  it('makes attempts on an account wait longer as failures from other addresses grow, and only then', async () => {
    const s = await startWithClock();
    server = s.server;
    for (let i = 0; i < 7; i++) await signInFrom(server, A, RITA, `guess-${i}`);
    // Address A's own failures never make A wait (the pair limit is its bound).
    expect(s.waits).toEqual([]);
    await signInFrom(server, B, RITA, 'guess-b');
    expect(s.waits).toEqual([4000]); // 7 failures from elsewhere: 1 s doubled twice past the fifth
    // The owner's own typos are forgiven on success: they no longer make other addresses wait.
    expect((await signInFrom(server, A, RITA, DEMO_PASSWORD)).status).toBe(200);
    s.waits.length = 0;
    expect((await signInFrom(server, B, RITA, DEMO_PASSWORD)).status).toBe(200);
    expect(s.waits).toEqual([]);
  });

  it('100 failures from one address on several accounts do not stop another user there from signing in', async () => {
    const s = await startWithClock();
    server = s.server;
    const targets = [
      'sam@converse.demo',
      'admin@converse.demo',
      ...Array.from({ length: 8 }, (_, i) => `nobody${i}@converse.demo`),
    ];
    for (const email of targets) {
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) => signInFrom(server!, A, email, `spray-${i}`)),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(10).fill(401));
    }
    // Each sprayed account is refused from A now...
    expect((await signInFrom(server, A, 'sam@converse.demo', DEMO_PASSWORD)).status).toBe(429);
    // ...but Rita, at the same office address, signs in (after the address's wait).
    s.waits.length = 0;
    const rita = await signInFrom(server, A, RITA, DEMO_PASSWORD);
    expect(rita.status).toBe(200);
    expect(s.waits).toEqual([1000]);
    // And Sam signs in from home.
    expect((await signInFrom(server, B, 'sam@converse.demo', DEMO_PASSWORD)).status).toBe(200);
  });
});
