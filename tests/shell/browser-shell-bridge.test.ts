// The browser shell's bridge, for real: a started startBrowserShell (fake core, real HTTP and
// WebSocket on 127.0.0.1) is knocked on with right and wrong tokens, origins and calls.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserShell } from '../../main/browser-shell/index';
import { BRIDGE_CHECK_PATH, BRIDGE_SCRIPT_PATH, MAX_BRIDGE_BYTES, TOKEN_HEADER } from '../../preload/bridge-protocol';
import { startShellWithFakeCore, type FakeCore } from './fake-core';
import { connectBridge, type BridgeClient } from './bridge-client';

let shell: BrowserShell;
let core: FakeCore;
const clients: BridgeClient[] = [];
const open = async (o: Parameters<typeof connectBridge>[1]) => {
  const c = await connectBridge(shell.origin, o);
  clients.push(c);
  return c;
};

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'converse-shell-'));
  const rendererDir = path.join(dir, 'renderer');
  mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(
    path.join(rendererDir, 'index.html'),
    '<!doctype html><html><head><title>Converse</title><script type="module" src="/assets/app.js"></script></head><body></body></html>',
  );
  writeFileSync(path.join(rendererDir, 'assets/app.js'), 'console.log("app")');
  writeFileSync(path.join(dir, 'secret.txt'), 'do not serve');
  ({ shell, core } = await startShellWithFakeCore(rendererDir, path.join(dir, 'data')));
});
afterAll(async () => {
  for (const c of clients) c.close();
  await shell?.close();
});

describe('browser shell: serving the page', () => {
  it('listens on 127.0.0.1 and gives a URL carrying the token in its fragment', () => {
    expect(shell.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]{64}$/);
    expect(shell.url.endsWith(shell.token)).toBe(true);
    expect(core.started).toBe(true);
    expect(core.deps?.defaultServerUrl).toBe('http://127.0.0.1:9');
  });

  it('serves index.html with the bridge injected before the app and a strict CSP', async () => {
    const res = await fetch(`${shell.origin}/`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await res.text();
    expect(html.indexOf(BRIDGE_SCRIPT_PATH)).toBeGreaterThan(0);
    expect(html.indexOf(BRIDGE_SCRIPT_PATH)).toBeLessThan(html.indexOf('/assets/app.js'));
  });

  it('serves the bundled web bridge script', async () => {
    const res = await fetch(`${shell.origin}${BRIDGE_SCRIPT_PATH}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('javascript');
    expect(await res.text()).toContain('converse');
  });

  it('never serves a file outside the renderer folder', async () => {
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const res = await fetch(`${shell.origin}${p}`);
      expect(await res.text()).not.toContain('do not serve');
    }
  });

  it('refuses a request naming another Host (DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${shell.origin}/`, { headers: { host: 'evil.example:80' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(421);
  });

  it('answers the token check 204 for the token and 401 otherwise', async () => {
    expect(
      (await fetch(`${shell.origin}${BRIDGE_CHECK_PATH}`, { headers: { [TOKEN_HEADER]: shell.token } })).status,
    ).toBe(204);
    expect(
      (await fetch(`${shell.origin}${BRIDGE_CHECK_PATH}`, { headers: { [TOKEN_HEADER]: 'f'.repeat(64) } })).status,
    ).toBe(401);
    expect((await fetch(`${shell.origin}${BRIDGE_CHECK_PATH}`)).status).toBe(401);
  });
});

describe('browser shell: who may open the bridge', () => {
  it('refuses a socket without the token, with a wrong token, or from another origin', async () => {
    await expect(open({ token: null })).rejects.toMatchObject({ status: 401 });
    await expect(open({ token: shell.token.replace(/.$/, (c) => (c === '0' ? '1' : '0')) })).rejects.toMatchObject({
      status: 401,
    });
    await expect(open({ token: shell.token, originHeader: 'http://evil.example' })).rejects.toMatchObject({
      status: 403,
    });
    await expect(open({ token: shell.token, originHeader: 'http://127.0.0.1:1' })).rejects.toMatchObject({
      status: 403,
    });
    expect(core.calls).toEqual([]);
  });

  it('accepts its own origin with the token', async () => {
    const c = await open({ token: shell.token });
    expect(await c.call('session.get', {})).toEqual({
      id: 1,
      ok: true,
      result: { signedIn: false, user: null, serverUrl: 'http://127.0.0.1:9' },
    });
  });
});

describe('browser shell: calls', () => {
  let c: BridgeClient;
  beforeAll(async () => {
    c = await open({ token: shell.token });
  });

  it('answers an unknown call with a clear error and does not reach the core', async () => {
    const before = core.calls.length;
    const a = await c.call('fs.readFile', { path: '/etc/passwd' });
    expect(a).toMatchObject({ ok: false, error: { code: 'unknown_call', message: 'Unknown call "fs.readFile".' } });
    expect(core.calls.length).toBe(before);
  });

  it('answers invalid arguments with the field that is wrong', async () => {
    const a = await c.call('leads.search', { query: 42 });
    expect(a.ok).toBe(false);
    expect(a.error).toMatchObject({ code: 'invalid_arguments' });
    expect(a.error!.message).toContain('(query)');
  });

  it('answers a malformed frame instead of dropping it', async () => {
    c.sendRaw('not json');
    expect(await c.nextFrame()).toMatchObject({ id: null, ok: false, error: { code: 'invalid_frame' } });
    c.sendRaw(JSON.stringify({ id: 77, args: {} }));
    expect(await c.nextFrame()).toMatchObject({ id: 77, ok: false, error: { code: 'invalid_frame' } });
  });

  it('passes the core error code through', async () => {
    expect(await c.call('messages.retry', { clientId: 'abc' })).toMatchObject({
      ok: false,
      error: { code: 'not_found', message: 'Nothing to retry with that id.' },
    });
  });

  it('carries attachment bytes as base64 and hands the core a Uint8Array', async () => {
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 250]);
    const a = await c.call('attachments.upload', {
      uploadId: 'u1',
      channel: 'sms',
      fileName: 'a.png',
      bytes: { $bytes: bytes.toString('base64') },
    });
    expect(a).toMatchObject({ ok: true, result: { size: 8, fileName: 'a.png' } });
    const seen = core.calls.at(-1)!.args as { bytes: Uint8Array };
    expect(seen.bytes).toBeInstanceOf(Uint8Array);
    expect(Array.from(seen.bytes)).toEqual(Array.from(bytes));
  });

  it('refuses bytes larger than any channel accepts before decoding them', async () => {
    const tooBig = 'A'.repeat(Math.ceil(((MAX_BRIDGE_BYTES + 1024) * 4) / 3));
    const a = await c.call('attachments.upload', {
      uploadId: 'u2',
      channel: 'sms',
      fileName: 'big.pdf',
      bytes: { $bytes: tooBig },
    });
    expect(a).toMatchObject({ ok: false, error: { code: 'attachment_too_large' } });
  });

  it('tracks tab focus from conversations.focus and tells the core', async () => {
    await c.call('conversations.focus', { conversationId: null, windowFocused: true });
    expect(core.focused.at(-1)).toBe(true);
    expect(shell.shell.state().focused).toBe(true);
  });

  it('openExternal answers opened:false (the tab opens links) and refuses other schemes', async () => {
    expect(await c.call('shell.openExternal', { url: 'https://example.com' })).toMatchObject({
      ok: true,
      result: { opened: false },
    });
    const refused = shell.shell.state().refusedLinks;
    expect(await c.call('shell.openExternal', { url: 'file:///etc/passwd' })).toMatchObject({
      ok: true,
      result: { opened: false },
    });
    expect(shell.shell.state().refusedLinks).toBe(refused + 1);
  });

  it('reports that the global shortcut is Electron-only', async () => {
    const a = await c.call('shortcut.status', {});
    expect(a.result).toMatchObject({ registered: false });
    expect(a.result.error).toMatch(/desktop app/);
  });
});

describe('browser shell: events', () => {
  it('pushes core events to every connected tab', async () => {
    const a = await open({ token: shell.token });
    const b = await open({ token: shell.token });
    core.emit('unread.changed', { total: 3, byConversation: { 'lead-1:sms': 3 } });
    expect(await a.waitForEvent('unread.changed')).toEqual({ total: 3, byConversation: { 'lead-1:sms': 3 } });
    expect(await b.waitForEvent('unread.changed')).toEqual({ total: 3, byConversation: { 'lead-1:sms': 3 } });
  });

  it('keeps one expanded state for all tabs: a toggle in one shows in the other', async () => {
    const a = await open({ token: shell.token });
    const b = await open({ token: shell.token });
    const before = shell.shell.state().expanded;
    expect(await a.call('window.toggle', {})).toMatchObject({ ok: true, result: { expanded: !before } });
    expect(shell.shell.state().expanded).toBe(!before);
    expect(await b.waitForEvent('window.changed')).toMatchObject({ expanded: !before });
  });

  it('announces a tab focus change itself (the core does not)', async () => {
    const a = await open({ token: shell.token });
    await a.call('conversations.focus', { conversationId: null, windowFocused: false });
    await a.call('conversations.focus', { conversationId: null, windowFocused: true });
    expect(a.events.filter((e) => e.event === 'window.changed').map((e) => e.payload.focused)).toEqual([false, true]);
  });
});
