// Uploads: an oversize file is refused with a 413 the client can read (not a connection reset),
// unsent uploads count against a per-user quota and expire after a day.
import net from 'node:net';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, clientId, connect, signIn, startTestServer, type TestServer } from './support';

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);
const MB = 1024 * 1024;

/**
 * POST a body of `total` bytes over a plain socket, the way a browser or the desktop's fetch
 * does: it keeps sending while the answer comes in, and reads the answer whenever it arrives.
 * `sendError` is what stopped it sending (a reset, a broken pipe), null when all was sent.
 */
function postLarge(
  server: { url: string },
  token: string,
  total: number,
  o: { declareLength: boolean; channel?: string },
): Promise<{ status: number; body: any; sendError: string | null }> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    let received = Buffer.alloc(0);
    let sendError: string | null = null;
    let sentAll = false;
    let answer: { status: number; body: any } | null = null;
    const finish = () => {
      if (answer && (sentAll || sendError)) {
        socket.destroy();
        resolve({ ...answer, sendError });
      }
    };
    socket.on('data', (d: Buffer) => {
      received = Buffer.concat([received, d]);
      const headEnd = received.indexOf('\r\n\r\n');
      if (headEnd < 0 || answer) return;
      const head = received.subarray(0, headEnd).toString('latin1');
      const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? NaN);
      if (received.length < headEnd + 4 + length) return;
      answer = {
        status: Number(head.split(' ')[1]),
        body: JSON.parse(received.subarray(headEnd + 4, headEnd + 4 + length).toString('utf8')),
      };
      finish();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (!answer) {
        reject(new Error(`the connection failed before the answer was read: ${err.code ?? err.message}`));
        return;
      }
      sendError ??= err.code ?? err.message;
      finish();
    });
    socket.on('close', () => {
      if (!answer) reject(new Error('the connection closed before the answer was read'));
    });
    const chunked = !o.declareLength;
    socket.write(
      [
        `POST /api/v1/attachments?channel=${o.channel ?? 'sms'} HTTP/1.1`,
        `Host: ${url.host}`,
        `Authorization: Bearer ${token}`,
        'Content-Type: image/png',
        'X-File-Name: big.png',
        chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${total}`,
        '',
        '',
      ].join('\r\n'),
    );
    const piece = Buffer.alloc(64 * 1024, 7);
    PNG.copy(piece);
    let sent = 0;
    const pump = () => {
      while (sent < total && !socket.destroyed) {
        const n = Math.min(piece.length, total - sent);
        sent += n;
        const bytes = chunked
          ? Buffer.concat([Buffer.from(`${n.toString(16)}\r\n`), piece.subarray(0, n), Buffer.from('\r\n')])
          : piece.subarray(0, n);
        if (!socket.write(bytes)) {
          socket.once('drain', pump);
          return;
        }
      }
      if (socket.destroyed) return;
      socket.write(chunked ? '0\r\n\r\n' : '', () => {
        sentAll = true;
        finish();
      });
    };
    pump();
  });
}

describe('an oversize upload', () => {
  let server: TestServer;
  let rita: string;
  beforeAll(async () => {
    server = await startTestServer({ log: false });
    rita = await signIn(server, 'rita@converse.demo');
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('reads as 413 attachment_too_large, streamed or declared, every time', async () => {
    for (let i = 0; i < 6; i++) {
      for (const declareLength of [false, true]) {
        const r = await postLarge(server, rita, 24 * MB, { declareLength });
        expect(r.status, `attempt ${i} (${declareLength ? 'declared' : 'streamed'})`).toBe(413);
        expect(r.body.error.code).toBe('attachment_too_large');
        expect(r.sendError, 'the client could send its whole body').toBeNull();
      }
    }
    // The server is still answering on fresh connections afterwards.
    expect((await api(server, 'GET', '/me', rita)).status).toBe(200);
  });
});

async function uploadPng(server: { url: string }, token: string, padding: number, name = 'photo.png') {
  const res = await fetch(`${server.url}/api/v1/attachments?channel=sms`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png', 'x-file-name': name },
    body: new Uint8Array(Buffer.concat([PNG, Buffer.alloc(padding)])),
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe('unsent uploads', () => {
  let server: TestServer | null = null;
  afterAll(async () => {
    await server?.stop();
  });

  it('count against a per-user quota of files and bytes, which sending frees', async () => {
    server = await startTestServer({ env: { CONVERSE_UPLOAD_QUOTA_FILES: '3', CONVERSE_UPLOAD_QUOTA_MB: '1' } });
    const [rita, sam] = [await signIn(server, 'rita@converse.demo'), await signIn(server, 'sam@converse.demo')];
    // Bytes: 700 KB held, 400 KB more would pass 1 MB — refused, declared or streamed.
    const first = await uploadPng(server, rita, 700 * 1024);
    expect(first.status).toBe(200);
    const over = await uploadPng(server, rita, 400 * 1024);
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe('upload_quota_exceeded');
    expect(over.body.error.message).toMatch(/uploaded but not sent .*deleted after 24 hours/);
    const streamedOver = await postLarge(server, rita, MB, { declareLength: false });
    expect([streamedOver.status, streamedOver.body.error.code, streamedOver.sendError]).toEqual([
      429,
      'upload_quota_exceeded',
      null,
    ]);
    // Files: two small ones fill the three; a fourth is refused.
    expect((await uploadPng(server, rita, 10)).status).toBe(200);
    expect((await uploadPng(server, rita, 10)).status).toBe(200);
    expect((await uploadPng(server, rita, 10)).body.error?.code).toBe('upload_quota_exceeded');
    // Another rep's quota is their own.
    expect((await uploadPng(server, sam, 10)).status).toBe(200);

    // Sending the big one takes it out of the quota.
    const maria = (await api(server, 'GET', '/leads?q=maria', rita)).body.leads[0];
    const stream = await connect(server, rita);
    stream.send({
      type: 'send',
      send: { clientId: clientId(), leadId: maria.id, channel: 'sms', to: null, body: '', attachmentId: first.body.id },
    });
    await stream.frame('send.accepted');
    stream.close();
    await stream.waitClose();
    expect((await uploadPng(server, rita, 400 * 1024)).status).toBe(200);
  });
});

describe('the unsent-upload sweep', () => {
  let server: TestServer | null = null;
  afterAll(async () => {
    await server?.stop();
  });

  it('deletes, row and file, uploads no message carries once they are 24 hours old, and keeps sent ones', async () => {
    let t = Date.parse('2026-11-20T09:00:00Z');
    server = await startTestServer({ now: () => new Date(t) });
    const rita = await signIn(server, 'rita@converse.demo');
    const unsent = (await uploadPng(server, rita, 10, 'unsent.png')).body;
    const sent = (await uploadPng(server, rita, 10, 'sent.png')).body;
    const maria = (await api(server, 'GET', '/leads?q=maria', rita)).body.leads[0];
    const stream = await connect(server, rita);
    stream.send({
      type: 'send',
      send: { clientId: clientId(), leadId: maria.id, channel: 'sms', to: null, body: '', attachmentId: sent.id },
    });
    await stream.frame('send.accepted');
    stream.close();
    await stream.waitClose();
    const fileOf = async (id: string) => (await server!.internals.store.getAttachment(id))?.path ?? null;
    const download = async (id: string) => {
      const res = await fetch(`${server!.url}/api/v1/attachments/${id}`, {
        headers: { authorization: `Bearer ${rita}` },
      });
      await res.arrayBuffer();
      return res.status;
    };
    const unsentFile = (await fileOf(unsent.id))!;
    expect(existsSync(unsentFile)).toBe(true);

    t += 23 * 3_600_000;
    expect(await server.internals.sweepUploads()).toBe(0);
    expect(await fileOf(unsent.id)).toBe(unsentFile);

    t += 3_600_000 + 1;
    expect(await server.internals.sweepUploads()).toBe(1);
    expect(existsSync(unsentFile)).toBe(false);
    expect(await fileOf(unsent.id)).toBeNull();
    expect(await download(unsent.id)).toBe(404);
    // The sent one stays, however old.
    t += 7 * 24 * 3_600_000;
    expect(await server.internals.sweepUploads()).toBe(0);
    expect(existsSync((await fileOf(sent.id))!)).toBe(true);
  });
});
