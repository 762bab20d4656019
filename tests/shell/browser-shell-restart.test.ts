// `npm run web` a second time on the same data dir: the rep signed in the first time is still
// signed in and reaches the embedded demo server, because it listens again where the saved
// session says (it took a new free port every start, and the rep was left with "server unreachable").
import { mkdtempSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startBrowserShell, type BrowserShell } from '../../main/browser-shell/index';
import { connectBridge, type BridgeClient } from './bridge-client';

const freePort = () =>
  new Promise<number>((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });

const notifier = { show: async () => ({ status: 'shown' as const }) };
const connected = (client: BridgeClient) =>
  expect
    .poll(async () => ((await client.call('connection.get', {})).result as { status: string }).status, {
      timeout: 15_000,
      interval: 100,
    })
    .toBe('connected');

let shell: BrowserShell | null = null;
let client: BridgeClient | null = null;
afterEach(async () => {
  client?.close();
  await shell?.close();
});

it('keeps a signed-in rep connected across a restart', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'converse-shell-restart-'));
  const embeddedPort = await freePort();
  shell = await startBrowserShell({ dataDir, embeddedPort, notifier });
  client = await connectBridge(shell.origin, { token: shell.token });
  const first = shell.serverUrl;
  expect(first).toBe(`http://127.0.0.1:${embeddedPort}`);
  const signedIn = await client.call('session.signIn', {
    serverUrl: first,
    email: 'rita@converse.demo',
    password: 'converse-demo',
  });
  expect(signedIn.ok).toBe(true);
  await connected(client);
  client.close();
  await shell.close();

  shell = await startBrowserShell({ dataDir, embeddedPort, notifier });
  client = await connectBridge(shell.origin, { token: shell.token });
  expect(shell.serverUrl).toBe(first);
  expect((await client.call('session.get', {})).result).toMatchObject({ signedIn: true, serverUrl: first });
  await connected(client);
});
