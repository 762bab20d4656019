// startBrowserShell as `npm run web` and the end-to-end suites run it: the real desktop core and
// the embedded demo server, reached through the bridge socket. Proves the wiring (core, server,
// tab shell, event fan-out) and a clean stop, without a browser.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startBrowserShell, type BrowserShell } from '../../main/browser-shell/index';
import type { OsNotification } from '../../main/core/ports';
import { connectBridge, type BridgeClient } from './bridge-client';

let shell: BrowserShell;
let client: BridgeClient;
const nudges: OsNotification[] = [];

beforeAll(async () => {
  shell = await startBrowserShell({
    dataDir: mkdtempSync(path.join(tmpdir(), 'converse-shell-real-')),
    notifier: {
      show: async (n) => {
        nudges.push(n);
        return { status: 'shown' };
      },
    },
  });
  client = await connectBridge(shell.origin, { token: shell.token });
});
afterAll(async () => {
  client?.close();
  await shell?.close();
});

it('starts the embedded demo server and signs a rep in through the bridge', async () => {
  expect(shell.serverUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  const signedIn = await client.call('session.signIn', {
    serverUrl: shell.serverUrl,
    email: 'rita@converse.demo',
    password: 'converse-demo',
  });
  expect(signedIn).toMatchObject({ ok: true, result: { signedIn: true, user: { name: 'Rita Rep' } } });
  expect(await client.waitForEvent('session.changed', 10_000)).toMatchObject({ signedIn: true });
});

it('answers a wrong password with the server’s code, not a crash', async () => {
  const a = await client.call('session.signIn', {
    serverUrl: shell.serverUrl,
    email: 'rita@converse.demo',
    password: 'wrong',
  });
  expect(a.ok).toBe(false);
  expect(a.error?.code).toBeTruthy();
  expect(a.error?.message).toBeTruthy();
});

it('finds the demo lead Maria Garcia through the core', async () => {
  await client.call('session.signIn', {
    serverUrl: shell.serverUrl,
    email: 'rita@converse.demo',
    password: 'converse-demo',
  });
  // Search is local (FTS5 over the synced store), so a fresh session finds leads once the stream
  // has delivered them: poll briefly rather than bet on sync timing.
  const names = async () => {
    const a = await client.call('leads.search', { query: 'Maria' });
    expect(a.ok).toBe(true);
    return a.result.map((l: { firstName: string; lastName: string }) => `${l.firstName} ${l.lastName}`);
  };
  await expect.poll(names, { timeout: 10_000, interval: 100 }).toContain('Maria Garcia');
});

it('stops everything on close: page, bridge and embedded server', async () => {
  const { origin, serverUrl } = shell;
  await shell.close();
  await expect(fetch(`${origin}/`)).rejects.toThrow();
  await expect(fetch(`${serverUrl}/api/v1/me`)).rejects.toThrow();
});
