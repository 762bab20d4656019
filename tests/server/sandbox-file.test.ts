// Issue 13, item 9: a sandbox reply can carry a file, and the demo shows files a lead sent — a
// picture and a PDF in Maria's WhatsApp conversation — typed from their bytes, downloadable.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { api, signIn, startTestServer, type TestServer } from './support';
import { conversationIdOf } from '../../shared/domain';
import { demoFloorPlanPng, demoRequirementsPdf } from '../../server/demo/sample-files';
import { SANDBOX_FILE_MAX_BYTES, SandboxReplyRequest, sandboxFileOf } from '../../server/channels/sandbox';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

const download = async (id: string, token: string) => {
  const res = await fetch(`${server.url}/api/v1/attachments/${id}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, type: res.headers.get('content-type'), bytes: new Uint8Array(await res.arrayBuffer()) };
};
const messagesOf = async (leadId: string, channel: 'sms' | 'whatsapp', token: string) =>
  (
    await api(
      server,
      'GET',
      `/conversations/${encodeURIComponent(conversationIdOf(leadId, channel))}/messages?limit=50`,
      token,
    )
  ).body.messages as any[];

describe('files from sandbox leads', () => {
  it('seeds the demo with a picture and a PDF Maria sent, which download as they were', async () => {
    const rita = await signIn(server, 'rita@converse.demo');
    const maria = (await api(server, 'GET', '/leads?q=maria', rita)).body.leads[0];
    const withFiles = (await messagesOf(maria.id, 'whatsapp', rita)).filter((m) => m.attachment);
    expect(
      withFiles.map((m) => [m.direction, m.attachment.fileName, m.attachment.mimeType, m.attachment.kind]),
    ).toEqual([
      ['inbound', 'office-floor-plan.png', 'image/png', 'image'],
      ['inbound', 'team-requirements.pdf', 'application/pdf', 'document'],
    ]);
    expect(withFiles[0].caption).toBe('Our office, so you can see the setup.');
    const png = await download(withFiles[0].attachment.id, rita);
    expect(png.status).toBe(200);
    expect(Buffer.from(png.bytes).equals(Buffer.from(demoFloorPlanPng()))).toBe(true);
    const pdf = await download(withFiles[1].attachment.id, rita);
    expect(pdf.status).toBe(200);
    expect(Buffer.from(pdf.bytes).equals(Buffer.from(demoRequirementsPdf()))).toBe(true);
  });

  it('delivers a sandbox reply with a file through the sink: typed from its bytes, the text as its caption', async () => {
    const admin = await signIn(server, 'admin@converse.demo');
    const jose = (await api(server, 'GET', '/leads?q=jose', admin)).body.leads[0];
    const e164 = '+' + (await server.internals.store.getLead(jose.id))!.phones[0].e164.replace(/^\+/, '');
    const { messageId } = await server.internals.sandbox.sms!.inbound(e164, 'Here is the plan', null, {
      fileName: 'plan',
      bytes: demoFloorPlanPng(),
    });
    const m = (await messagesOf(jose.id, 'sms', admin)).find((x) => x.id === messageId);
    expect(m).toMatchObject({
      direction: 'inbound',
      body: '',
      caption: 'Here is the plan',
      attachment: { mimeType: 'image/png', kind: 'image' },
    });
  });

  it('checks a sandbox reply request: text, a file or both; base64 only; bounded', () => {
    expect(SandboxReplyRequest.safeParse({ leadId: 'l', channel: 'sms' }).success).toBe(false);
    expect(SandboxReplyRequest.safeParse({ leadId: 'l', channel: 'sms', body: '  ' }).success).toBe(false);
    expect(SandboxReplyRequest.safeParse({ leadId: 'l', channel: 'sms', body: 'Hi' }).success).toBe(true);
    const onlyFile = SandboxReplyRequest.safeParse({
      leadId: 'l',
      channel: 'whatsapp',
      file: { fileName: 'a.pdf', dataBase64: Buffer.from('%PDF-1.4').toString('base64') },
    });
    expect(onlyFile.success).toBe(true);
    expect(Buffer.from(sandboxFileOf(onlyFile.data!.file!).bytes).toString()).toBe('%PDF-1.4');
    expect(
      SandboxReplyRequest.safeParse({ leadId: 'l', channel: 'sms', file: { fileName: 'a', dataBase64: 'not base64!' } })
        .success,
    ).toBe(false);
    const tooBig = Buffer.alloc(SANDBOX_FILE_MAX_BYTES + 3).toString('base64');
    expect(
      SandboxReplyRequest.safeParse({ leadId: 'l', channel: 'sms', file: { fileName: 'a', dataBase64: tooBig } })
        .success,
    ).toBe(false);
  });
});

describe('sandbox-reply --file (CLI)', () => {
  const run = promisify(execFile);
  const cli = (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'server/cli.ts', ...args], {
      cwd: path.resolve(__dirname, '../..'),
      timeout: 20_000,
    }).then(
      (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
      (e) => ({ code: e.code as number, out: e.stdout as string, err: e.stderr as string }),
    );

  it('refuses a reply with nothing in it, and a file it cannot read, before asking the server', async () => {
    expect((await cli('sandbox-reply', '--lead', 'Maria', '--server', server.url)).err).toMatch(
      /--body <text>, --file <path>, or both/,
    );
    expect(
      (await cli('sandbox-reply', '--lead', 'Maria', '--file', '/nonexistent/plan.png', '--server', server.url)).err,
    ).toMatch(/cannot read \/nonexistent\/plan\.png: no such file/);
  });

  it('sends a file as the lead, and says what it arrived as', async () => {
    const file = path.join(server.dataDir, 'brochure.pdf');
    writeFileSync(file, demoRequirementsPdf());
    const r = await cli(
      'sandbox-reply',
      '--lead',
      'Maria',
      '--channel',
      'whatsapp',
      '--file',
      file,
      '--body',
      'Our brochure',
      '--server',
      server.url,
    );
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^delivered inbound whatsapp message \S+ with brochure\.pdf \(application\/pdf\)$/m);
  });
});
