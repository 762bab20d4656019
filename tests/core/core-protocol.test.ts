// The core against a scriptable stream server (tests/core/support/stream-server.ts) for what
// the real server cannot be made to do on cue: refuse a send, close with a chosen code, log a
// nudge an hour ago. Exactly-once, restarts and the outbox run against the real server in
// core-real-server.test.ts.
import { rmSync } from 'node:fs';
import { StreamServer } from './support/stream-server';
import { makeCore, type Harness } from './support/core-harness';
import { lead, nudge, RecordingNotifier } from './support/fixtures';
import { eventually } from '../support/eventually';
import { CloseCode } from '../../shared/stream-protocol';
import type { ConnectionState } from '../../shared/ipc';
import type { MessageView } from '../../shared/domain';

let server: StreamServer;
const harnesses: Harness[] = [];
const track = (h: Harness) => {
  harnesses.push(h);
  return h;
};

beforeEach(async () => {
  server = await new StreamServer().start();
});
afterEach(async () => {
  for (const h of harnesses.splice(0)) {
    await h.core.stop().catch(() => {});
    rmSync(h.dataDir, { recursive: true, force: true });
  }
  await server.stop();
});

const recent = () => new Date().toISOString();

describe('desktop core over a live stream', () => {
  it('shows why a refused send failed, and retries it', async () => {
    let refuse = true;
    await server.stop();
    server = await new StreamServer({
      judge: () => (refuse ? { code: 'whatsapp_window_closed', message: 'The 24-hour window is closed.' } : null),
    }).start();
    const h = track(makeCore({ serverUrl: server.url, token: server.token }));
    await h.core.start();
    await eventually(() => server.connections === 1, { timeoutMs: 5_000, what: 'link' });
    await h.call('messages.send', {
      clientId: 'client-0002-refused',
      leadId: 'maria',
      channel: 'whatsapp',
      to: null,
      body: 'Hi',
    });
    const failed = await eventually(
      async () => {
        const m = (await h.call<{ messages: MessageView[] }>('messages.page', { conversationId: 'maria:whatsapp' }))
          .messages[0];
        return m?.status === 'failed' ? m : null;
      },
      { timeoutMs: 5_000, what: 'failed status' },
    );
    expect(failed.error).toEqual({ code: 'whatsapp_window_closed', message: 'The 24-hour window is closed.' });
    refuse = false;
    const retried = await h.call<MessageView>('messages.retry', { clientId: 'client-0002-refused' });
    expect(retried).toMatchObject({ id: failed.id, status: 'pending', error: null });
    expect(retried.clientId).not.toBe('client-0002-refused');
    await eventually(
      async () =>
        (await h.call<{ messages: MessageView[] }>('messages.page', { conversationId: 'maria:whatsapp' })).messages[0]
          ?.status === 'sent',
      { timeoutMs: 5_000, what: 'sent after retry' },
    );
    expect(server.deliveries.size).toBe(1);
    await expect(h.call('messages.retry', { clientId: 'nope-nope-nope' })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('stops retrying and asks the rep to sign in when the server refuses the session', async () => {
    const h = track(makeCore({ serverUrl: server.url, token: 'expired-token' }));
    await h.core.start();
    await eventually(() => h.of('session.changed').some((s) => !s.signedIn), { timeoutMs: 5_000, what: 'signed out' });
    expect(h.of('notice').map((n) => n.kind)).toContain('signed-out');
    expect((await h.call<ConnectionState>('connection.get')).status).toBe('signed-out');
    expect(h.credentials.value).toBeNull();
    // Stopped retrying: no reconnect is scheduled, and a wake (which reconnects at once when retrying) does not start one.
    const hellosBefore = server.hellos.length;
    expect((await h.call<ConnectionState>('connection.get')).retryAt ?? null).toBeNull();
    h.core.wake('resume');
    expect(await h.call<ConnectionState>('connection.get')).toMatchObject({ status: 'signed-out' });
    expect((await h.call<ConnectionState>('connection.get')).retryAt ?? null).toBeNull();
    expect(server.hellos.length).toBe(hellosBefore);
  });

  it('signs out on a revoked session close code', async () => {
    const h = track(makeCore({ serverUrl: server.url, token: server.token }));
    await h.core.start();
    await eventually(() => server.connections === 1, { timeoutMs: 5_000, what: 'link' });
    server.closeAll(CloseCode.SESSION_REVOKED, 'signed out elsewhere');
    await eventually(() => h.of('connection.changed').some((s) => s.status === 'signed-out'), {
      timeoutMs: 5_000,
      what: 'signed-out state',
    });
  });

  it('reconnects with backoff after a server restart and announces the wait', async () => {
    const h = track(makeCore({ serverUrl: server.url, token: server.token }));
    await h.core.start();
    await eventually(() => server.connections === 1, { timeoutMs: 5_000, what: 'link' });
    server.closeAll(CloseCode.GOING_AWAY, 'restarting');
    await eventually(() => h.of('connection.changed').some((s) => s.status === 'connecting' && s.retryAt), {
      timeoutMs: 5_000,
      what: 'connecting with retryAt',
    });
    await eventually(() => server.hellos.length === 2, { timeoutMs: 5_000, what: 'second hello' });
  });

  it('nudges for a live message, opens the conversation on click, and folds a burst', async () => {
    const notifier = new RecordingNotifier();
    server.append({ type: 'lead.upserted', lead: lead('maria', 'Maria', 'Garcia') });
    const h = track(makeCore({ serverUrl: server.url, token: server.token, notifier, coalesceWindowMs: 100 }));
    await h.core.start();
    await eventually(() => server.acks.includes(server.headSeq), { timeoutMs: 5_000, what: 'synced' });
    for (let i = 1; i <= 3; i++)
      server.append({ type: 'nudge', nudge: nudge(`n${i}`, 'message', 'maria', recent(), { body: `text ${i}` }) });
    await eventually(() => notifier.shown.length === 1, { timeoutMs: 5_000, what: 'one notification' });
    expect(notifier.shown[0]).toMatchObject({ title: '3 new messages from Maria Garcia · SMS', body: 'text 3' });
    expect(h.nudgeResults.map((r) => r.result.status)).toEqual(['suppressed', 'suppressed', 'shown']);
    notifier.clicks[0]();
    expect(h.shell.shown).toBe(1);
    expect(h.of('navigate')).toEqual([{ conversationId: 'maria:sms', leadId: 'maria', taskId: null }]);
    // an old nudge replayed after a long time offline stays quiet
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    server.appendAt(hourAgo, { type: 'nudge', nudge: nudge('old', 'task', null, hourAgo) });
    await eventually(() => h.nudgeResults.length === 4, { timeoutMs: 5_000, what: 'result of the old nudge' });
    expect(h.nudgeResults[3].result).toEqual({ status: 'suppressed', reason: 'stale' });
    // the conversation open in a focused window stays quiet too
    await h.call('conversations.focus', { conversationId: 'maria:sms', windowFocused: true });
    server.append({ type: 'nudge', nudge: nudge('n9', 'message', 'maria', recent()) });
    await eventually(() => h.nudgeResults.length === 5, { timeoutMs: 5_000, what: 'result of the focused one' });
    expect(h.nudgeResults[4].result).toEqual({ status: 'suppressed', reason: 'conversation-focused' });
  });

  it('answers an invalid call with a coded error and acts on nothing', async () => {
    const h = track(makeCore({ serverUrl: server.url, token: server.token }));
    await h.core.start();
    await expect(
      h.call('messages.send', { clientId: 'short', leadId: 'maria', channel: 'fax', to: null }),
    ).rejects.toMatchObject({ code: 'invalid_arguments' });
    await expect(h.call('no.such.call', {})).rejects.toMatchObject({ code: 'unknown_call' });
    await expect(
      h.call('messages.send', { clientId: 'client-0003-empty', leadId: 'maria', channel: 'sms', to: null, body: '  ' }),
    ).rejects.toMatchObject({ code: 'empty_message' });
    expect((await h.call<ConnectionState>('connection.get')).outboxSize).toBe(0);
  });
});
