// Files from leads go through the attachment policy: the whole server behind the WhatsApp Graph
// fake, a lead sends documents whose bytes say something else than their name and type. What
// could harm the rep's computer is kept in the conversation but blocked (no preview, no
// download, a reason); names lose bidi controls and MIME parameters; voice notes get a name.
import { createHash } from 'node:crypto';
import { api, signIn, startTestServer, type TestServer } from '../server/support';
import {
  startFakeWhatsApp,
  waMediaMessage,
  WA_APP_SECRET,
  WA_PHONE_NUMBER_ID,
  WA_TOKEN,
  WA_VERIFY_TOKEN,
  type FakeWhatsApp,
} from '../fakes/whatsapp-graph';
import { conversationIdOf } from '../../shared/domain';
import { exeBytes, htmlBytes, oggOpusBytes, pdfBytes, plainSvg, svgWithScript } from './lead-file-bytes';

let server: TestServer;
let wa: FakeWhatsApp;
let admin: string;
let seq = 0;

beforeAll(async () => {
  wa = await startFakeWhatsApp();
  server = await startTestServer({
    env: {
      CONVERSE_WHATSAPP_CONNECTOR: 'whatsapp',
      WHATSAPP_API_BASE_URL: wa.url,
      WHATSAPP_PHONE_NUMBER_ID: WA_PHONE_NUMBER_ID,
      WHATSAPP_ACCESS_TOKEN: WA_TOKEN,
      WHATSAPP_APP_SECRET: WA_APP_SECRET,
      WHATSAPP_VERIFY_TOKEN: WA_VERIFY_TOKEN,
    },
  });
  admin = await signIn(server, 'admin@converse.demo');
});
afterAll(async () => {
  await server?.stop();
  await wa?.close();
});

/** A lead (a new number each time) sends one file on WhatsApp; answers the message as the admin sees it. */
async function leadSends(
  bytes: Uint8Array,
  o: { type: 'document' | 'audio' | 'image'; mimeType: string; filename?: string },
) {
  const n = ++seq;
  const from = `1415555${String(1000 + n)}`;
  const mediaId = wa.addMedia(bytes, o.mimeType);
  const name = `Filer${'abcdefghij'[n % 10]} Lead${n}`;
  const res = await wa.sendWebhook(
    `${server.url}/webhooks/whatsapp`,
    waMediaMessage({
      from,
      id: `wamid.file${n}`,
      type: o.type,
      mediaId,
      mimeType: o.mimeType,
      sha256: createHash('sha256').update(bytes).digest('base64'),
      filename: o.filename,
      name,
    }),
  );
  expect(res.status).toBe(200);
  await server.internals.webhooksIdle();
  const lead = (await server.internals.store.leadByPhone(`+${from}`))!;
  const msgs = (
    await api(
      server,
      'GET',
      `/conversations/${encodeURIComponent(conversationIdOf(lead.id, 'whatsapp'))}/messages`,
      admin,
    )
  ).body.messages;
  expect(msgs).toHaveLength(1);
  return msgs[0];
}

const download = (id: string) =>
  fetch(`${server.url}/api/v1/attachments/${id}`, { headers: { authorization: `Bearer ${admin}` } });

describe('files from leads', () => {
  it('keeps an EXE sent as a "PDF" document, blocked: never offered for download', async () => {
    const m = await leadSends(exeBytes(), { type: 'document', mimeType: 'application/pdf', filename: 'invoice.pdf' });
    expect(m.attachment).toMatchObject({
      fileName: 'invoice.pdf',
      mimeType: 'application/x-msdownload',
      kind: 'document',
      blocked: 'executable',
    });
    const res = await download(m.attachment.id);
    expect(res.status).toBe(403);
    expect(((await res.json()) as any).error).toMatchObject({
      code: 'attachment_blocked',
      message: expect.stringContaining('program or script'),
    });
  });

  it('keeps an SVG with script named report.pdf as a blocked document, not an image', async () => {
    const m = await leadSends(svgWithScript(), {
      type: 'document',
      mimeType: 'application/pdf',
      filename: 'report.pdf',
    });
    expect(m.attachment).toMatchObject({ mimeType: 'image/svg+xml', kind: 'document', blocked: 'scripted_svg' });
    expect((await download(m.attachment.id)).status).toBe(403);
  });

  it('blocks an HTML page whatever it is called', async () => {
    const m = await leadSends(htmlBytes(), {
      type: 'document',
      mimeType: 'application/pdf',
      filename: 'statement.pdf',
    });
    expect(m.attachment).toMatchObject({ mimeType: 'text/html', kind: 'document', blocked: 'html' });
    expect((await download(m.attachment.id)).status).toBe(403);
  });

  it('removes the right-to-left override that disguises invoice\u202Efdp.exe as "invoiceexe.pdf", and blocks the .exe', async () => {
    const m = await leadSends(pdfBytes(), {
      type: 'document',
      mimeType: 'application/pdf',
      filename: 'invoice\u202Efdp.exe',
    });
    expect(m.attachment.fileName).toBe('invoicefdp.exe');
    expect(m.attachment.blocked).toBe('executable');
    expect((await download(m.attachment.id)).status).toBe(403);
  });

  it('names a voice note voice-note.ogg, with its type without parameters, and serves it', async () => {
    const bytes = oggOpusBytes();
    const m = await leadSends(bytes, { type: 'audio', mimeType: 'audio/ogg; codecs=opus' });
    expect(m.attachment).toMatchObject({ fileName: 'voice-note.ogg', mimeType: 'audio/ogg', kind: 'audio' });
    expect(m.attachment.blocked).toBeUndefined();
    const res = await download(m.attachment.id);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/ogg');
    expect(res.headers.get('content-disposition')).toContain('filename="voice-note.ogg"');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
  });

  it('offers a real PDF and a plain SVG as before', async () => {
    const pdf = await leadSends(pdfBytes(), { type: 'document', mimeType: 'application/pdf', filename: 'offer.pdf' });
    expect(pdf.attachment).toMatchObject({ fileName: 'offer.pdf', mimeType: 'application/pdf', kind: 'document' });
    expect(pdf.attachment.blocked).toBeUndefined();
    expect((await download(pdf.attachment.id)).status).toBe(200);
    const svg = await leadSends(plainSvg(), { type: 'document', mimeType: 'image/svg+xml', filename: 'logo.svg' });
    expect(svg.attachment).toMatchObject({ mimeType: 'image/svg+xml', kind: 'image' });
    expect(svg.attachment.blocked).toBeUndefined();
  });
});
