// The desktop core against the real Converse server: a file chosen while the server cannot be
// reached waits in the outbox with its message and goes out on reconnect, never lost; a send the
// shared rules refuse is refused at once and never queued.
import { rmSync } from 'node:fs';
import { startRealServer, type RealServer } from './support/real-server';
import { makeCore, type Harness } from './support/core-harness';
import { eventually } from './support/fixtures';
import type { ConnectionState } from '../../shared/ipc';
import type { MessageView } from '../../shared/domain';

let rs: RealServer;
const harnesses: Harness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) {
    await h.core.stop().catch(() => {});
    rmSync(h.dataDir, { recursive: true, force: true });
  }
  await rs.stop();
});

// A 1×1 PNG: the server sniffs the bytes, so the file must be a real image.
const PNG = Uint8Array.from(
  Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
    'base64',
  ),
);

describe('outbox: files chosen offline', () => {
  it('keeps an attachment send while the server is unreachable and sends it, with its caption, on reconnect', async () => {
    rs = await startRealServer();
    const media: { fileName: string | undefined; caption: string | undefined }[] = [];
    const sms = rs.server.internals.sandbox.sms!;
    const send = sms.send.bind(sms);
    sms.send = (msg) => {
      media.push({ fileName: msg.media?.fileName, caption: msg.caption });
      return send(msg);
    };

    rs.proxy.setAccepting(false);
    const h = makeCore({ serverUrl: rs.url, token: rs.token });
    harnesses.push(h);
    await h.core.start();
    const queued = await h.call<MessageView>('messages.send', {
      clientId: 'offline-file-0001',
      leadId: rs.maria.id,
      channel: 'sms',
      to: null,
      body: '',
      caption: 'Our office',
      file: { fileName: 'office.png', bytes: PNG },
    });
    expect(queued).toMatchObject({
      status: 'pending',
      caption: 'Our office',
      attachment: { fileName: 'office.png', kind: 'image', size: PNG.byteLength },
    });
    expect((await h.call<ConnectionState>('connection.get')).outboxSize).toBe(1);
    // The rep sees the picture before it is uploaded.
    const preview = await h.core.fetchAttachment(queued.attachment!.id);
    expect(Buffer.from(preview.bytes).equals(Buffer.from(PNG))).toBe(true);
    // …and can save it again, while the server is still unreachable.
    const saved = await h.call<{ url: string | null; savedTo: string | null }>('attachments.download', {
      attachmentId: queued.attachment!.id,
    });
    expect(saved.url ?? saved.savedTo).toBeTruthy();

    rs.proxy.setAccepting(true);
    h.core.wake('test: network back');
    const sent = await eventually(
      async () => {
        const page = await h.call<{ messages: MessageView[] }>('messages.page', {
          conversationId: `${rs.maria.id}:sms`,
          limit: 50,
        });
        const m = page.messages.find((x) => x.id === queued.id);
        return m && (m.status === 'sent' || m.status === 'delivered') ? m : null;
      },
      15_000,
      'the file sent',
    );
    expect(sent.attachment?.id).not.toMatch(/^local/);
    expect(sent.attachment).toMatchObject({ fileName: 'office.png', mimeType: 'image/png' });
    expect(media).toEqual([{ fileName: 'office.png', caption: 'Our office' }]);
    expect((await h.call<ConnectionState>('connection.get')).outboxSize).toBe(0);
  });

  it('refuses a 1,001-character SMS before queueing it', async () => {
    rs = await startRealServer();
    rs.proxy.setAccepting(false);
    const h = makeCore({ serverUrl: rs.url, token: rs.token });
    harnesses.push(h);
    await h.core.start();
    await expect(
      h.call('messages.send', {
        clientId: 'too-long-0001',
        leadId: rs.maria.id,
        channel: 'sms',
        to: null,
        body: 'a'.repeat(1001),
      }),
    ).rejects.toMatchObject({ code: 'body_too_long' });
    expect((await h.call<ConnectionState>('connection.get')).outboxSize).toBe(0);
    expect(rs.providerSends).toEqual([]);
  });
});
