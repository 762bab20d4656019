// Attachment previews in the shells: the answer both shells give (types, nosniff, a safe
// Content-Disposition, ranges), the browser shell's per-start capability, and the browser
// shell's /attachments/<id>?cap=… route for real over HTTP on 127.0.0.1 (fake core, real server).
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserShell } from '../../main/browser-shell/index';
import { createPreviewCapability } from '../../main/browser-shell/preview-capability';
import {
  answerAttachment,
  attachmentIdFromPath,
  contentDisposition,
  parseRange,
  servedType,
} from '../../main/shell-policy/attachment-response';
import { startShellWithFakeCore, type FakeCore } from './fake-core';
import { connectBridge, type BridgeClient } from './bridge-client';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4, 5, 6, 7, 8]);

describe('the answer to a preview request', () => {
  it('serves images (not SVG), video and audio inline under their own type; anything else as a download', () => {
    expect(servedType('image/jpeg')).toEqual({ type: 'image/jpeg', inline: true });
    expect(servedType('video/mp4; codecs="avc1"')).toEqual({ type: 'video/mp4', inline: true });
    expect(servedType('audio/mpeg')).toEqual({ type: 'audio/mpeg', inline: true });
    for (const risky of ['text/html', 'image/svg+xml', 'application/pdf', 'application/javascript', 'text/xml', '']) {
      expect(servedType(risky)).toEqual({ type: 'application/octet-stream', inline: false });
    }
  });

  it('names the file in a Content-Disposition no sender-chosen name can break', () => {
    expect(contentDisposition('photo.jpg', true)).toBe(`inline; filename="photo.jpg"; filename*=UTF-8''photo.jpg`);
    const nasty = contentDisposition('a"; filename=evil.html\r\nX-Injected: 1.jpg', false);
    expect(nasty).not.toMatch(/[\r\n]/);
    expect(nasty.startsWith('attachment; filename="')).toBe(true);
    expect(nasty.match(/"/g)).toHaveLength(2);
    expect(contentDisposition('Núñez नमस्ते.png', true)).toBe(
      `inline; filename="N__ez ______.png"; filename*=UTF-8''${encodeURIComponent('Núñez नमस्ते.png')}`,
    );
    expect(contentDisposition('../../etc/passwd', false)).toContain('filename="passwd"');
    expect(contentDisposition(null, false)).toContain('filename="attachment"');
  });

  it('accepts only plain attachment ids in the path', () => {
    expect(attachmentIdFromPath('/attachments/att_0123abc')).toBe('att_0123abc');
    expect(attachmentIdFromPath('/attachments/..%2f..%2fpackage.json')).toBeNull();
    expect(attachmentIdFromPath('/attachments/a/b')).toBeNull();
    expect(attachmentIdFromPath('/attachments/%E0%A4%A')).toBeNull();
    expect(attachmentIdFromPath('/assets/app.js')).toBeNull();
  });

  it('understands one byte range, for seeking in videos', () => {
    expect(parseRange('bytes=0-3', 10)).toEqual({ start: 0, end: 3 });
    expect(parseRange('bytes=4-', 10)).toEqual({ start: 4, end: 9 });
    expect(parseRange('bytes=-3', 10)).toEqual({ start: 7, end: 9 });
    expect(parseRange('bytes=0-99', 10)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=10-', 10)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-1,4-5', 10)).toBeNull();
    expect(parseRange(undefined, 10)).toBeNull();
  });

  it('turns core failures into clear statuses and refuses other methods', async () => {
    const missing = await answerAttachment({ attachmentId: 'att_x', method: 'GET' }, async () => {
      throw Object.assign(new Error('No such attachment.'), { code: 'not_found' });
    });
    expect(missing.status).toBe(404);
    expect(new TextDecoder().decode(missing.body)).toContain('No such attachment.');
    expect(
      (
        await answerAttachment({ attachmentId: 'att_x', method: 'POST' }, async () => ({
          bytes: PNG,
          mimeType: 'image/png',
        }))
      ).status,
    ).toBe(405);
    expect((await answerAttachment({ attachmentId: 'att_x', method: 'GET' }, undefined)).status).toBe(404);
  });
});

describe('the browser shell preview capability', () => {
  it('issues a same-origin URL that only works for that id and that start', () => {
    const cap = createPreviewCapability();
    const url = cap.urlFor('att_1');
    expect(url).toMatch(/^\/attachments\/att_1\?cap=[A-Za-z0-9_-]{43}$/);
    const token = new URL(url, 'http://x').searchParams.get('cap');
    expect(cap.allows('att_1', token)).toBe(true);
    expect(cap.allows('att_2', token)).toBe(false);
    expect(createPreviewCapability().allows('att_1', token)).toBe(false);
    for (const bad of [undefined, null, '', 'x', 'A'.repeat(500), 42]) expect(cap.allows('att_1', bad)).toBe(false);
  });
});

describe('browser shell: /attachments/<id>', () => {
  let shell: BrowserShell;
  let core: FakeCore;
  let client: BridgeClient;

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'converse-previews-'));
    const rendererDir = path.join(dir, 'renderer');
    mkdirSync(rendererDir, { recursive: true });
    writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><html><head></head><body></body></html>');
    ({ shell, core } = await startShellWithFakeCore(rendererDir, path.join(dir, 'data')));
    core.files.set('att_photo', { bytes: PNG, mimeType: 'image/png', fileName: 'site "visit".png' });
    core.files.set('att_page', {
      bytes: new TextEncoder().encode('<script>alert(1)</script>'),
      mimeType: 'text/html',
      fileName: 'offer.html',
    });
    client = await connectBridge(shell.origin, { token: shell.token });
  });
  afterAll(async () => {
    client?.close();
    await shell?.close();
  });

  const previewUrl = async (attachmentId: string): Promise<string> => {
    const answer = await client.call('attachments.preview', { attachmentId });
    expect(answer.ok).toBe(true);
    return answer.result.url as string;
  };

  it('answers attachments.preview with a loopback URL, and serves the bytes there with nosniff', async () => {
    const url = await previewUrl('att_photo');
    expect(url).toMatch(/^\/attachments\/att_photo\?cap=/);
    const res = await fetch(shell.origin + url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-disposition')).toBe(
      `inline; filename="site _visit_.png"; filename*=UTF-8''site%20_visit_.png`,
    );
    expect(res.headers.get('content-security-policy')).toContain('sandbox');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(PNG);
  });

  it('serves a byte range', async () => {
    const res = await fetch(shell.origin + (await previewUrl('att_photo')), { headers: { Range: 'bytes=8-11' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes 8-11/${PNG.length}`);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(PNG.subarray(8, 12));
  });

  it('never serves lead content as a page of this origin', async () => {
    const res = await fetch(shell.origin + (await previewUrl('att_page')));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; /);
  });

  it('refuses a missing, wrong or borrowed capability, and says what is missing', async () => {
    const good = await previewUrl('att_photo');
    const cap = new URL(good, 'http://x').searchParams.get('cap');
    expect((await fetch(`${shell.origin}/attachments/att_photo`)).status).toBe(403);
    expect((await fetch(`${shell.origin}/attachments/att_photo?cap=${'A'.repeat(43)}`)).status).toBe(403);
    expect((await fetch(`${shell.origin}/attachments/att_page?cap=${cap}`)).status).toBe(403);
    expect((await fetch(`${shell.origin}/attachments/..%2f..%2fsecret?cap=${cap}`)).status).toBe(400);
    const gone = await fetch(shell.origin + (await previewUrl('att_gone')));
    expect(gone.status).toBe(404);
    expect(await gone.text()).toContain('No such attachment.');
  });

  it('checks the Host like every other request', async () => {
    const url = await previewUrl('att_photo');
    const res = await new Promise<number>((resolve, reject) => {
      import('node:http').then(({ request }) => {
        const r = request(shell.origin + url, { headers: { Host: 'evil.example' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        r.on('error', reject);
        r.end();
      }, reject);
    });
    expect(res).toBe(421);
  });
});
