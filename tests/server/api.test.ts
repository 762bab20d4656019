// The HTTP API over real HTTP: auth, errors, search and visibility, pagination, uploads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, signIn, startTestServer, type TestServer } from './support';

let server: TestServer;
let rita: string;
let ada: string;
let sam: string;

beforeAll(async () => {
  server = await startTestServer();
  [rita, ada, sam] = await Promise.all(['rita', 'admin', 'sam'].map((n) => signIn(server, `${n}@converse.demo`)));
});
afterAll(async () => {
  await server?.stop();
});

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);

async function upload(
  token: string,
  channel: string,
  name: string,
  bytes: Buffer | Uint8Array,
  type = 'application/octet-stream',
) {
  const res = await fetch(`${server.url}/api/v1/attachments?channel=${channel}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': type, 'x-file-name': encodeURIComponent(name) },
    body: new Uint8Array(bytes),
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe('auth', () => {
  it('signs in, answers /me, refuses bad credentials and tokens with clear errors', async () => {
    expect((await api(server, 'GET', '/health')).body).toMatchObject({ ok: true, service: 'converse' });
    expect((await api(server, 'GET', '/nope', rita)).body.error.code).toBe('not_found');
    expect((await api(server, 'GET', '/me', rita)).body).toMatchObject({ name: 'Rita Rep', role: 'sales' });
    const wrong = await api(server, 'POST', '/auth/sign-in', null, { email: 'rita@converse.demo', password: 'nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('unauthorized');
    expect((await api(server, 'GET', '/me', 'garbage')).body.error.code).toBe('unauthorized');
    expect((await api(server, 'GET', '/me')).status).toBe(401);
    const bad = await api(server, 'POST', '/auth/sign-in', null, '{"email":');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_request');
    const invalid = await api(server, 'POST', '/auth/sign-in', null, { email: 'not-an-email', password: 'x' });
    expect(invalid.body.error.message).toMatch(/email/);
  });

  it('rate-limits sign-in attempts per email', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 12; i++)
      codes.push(
        (
          await api(server, 'POST', '/auth/sign-in', null, {
            email: 'nobody@converse.demo',
            password: 'wrong-password',
          })
        ).status,
      );
    expect(codes.slice(0, 10).every((c) => c === 401)).toBe(true);
    const limited = await api(server, 'POST', '/auth/sign-in', null, {
      email: 'nobody@converse.demo',
      password: 'wrong-password',
    });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
  });

  it('keeps admin endpoints for admins', async () => {
    expect((await api(server, 'GET', '/admin/users', rita)).status).toBe(403);
    expect((await api(server, 'GET', '/admin/users', ada)).body.users).toHaveLength(3);
  });
});

describe('lead search', () => {
  it('finds by first or last name in full, case- and accent-insensitively, and by prefix while typing', async () => {
    const names = async (q: string, token = rita) =>
      (await api(server, 'GET', `/leads?q=${encodeURIComponent(q)}`, token)).body.leads.map(
        (l: any) => `${l.firstName} ${l.lastName}`,
      );
    expect(await names('maria')).toEqual(['Maria Garcia']);
    expect(await names('GARCIA')).toEqual(['Maria Garcia']);
    expect(await names('jose')).toEqual(['José Núñez']);
    expect(await names('NUNEZ')).toEqual(['José Núñez']);
    expect(await names('núñez josé')).toEqual(['José Núñez']);
    expect(await names('Gar')).toEqual(['Maria Garcia']);
    expect(await names('arcia')).toEqual([]);
    expect(await names('%')).toEqual([]);
  });

  it('shows sales users only their own leads and leads whose conversations are assigned to them', async () => {
    // Olivia Johnson belongs to Sam: Rita cannot find her, the admin can.
    expect((await api(server, 'GET', '/leads?q=olivia', rita)).body.leads).toEqual([]);
    expect((await api(server, 'GET', '/leads?q=olivia', ada)).body.leads).toHaveLength(1);
    // Noah Williams is Ada's; his WhatsApp conversation is assigned to Sam in the demo.
    expect((await api(server, 'GET', '/leads?q=noah', sam)).body.leads).toHaveLength(1);
    expect((await api(server, 'GET', '/leads?q=noah', rita)).body.leads).toEqual([]);
    const maria = (await api(server, 'GET', '/leads?q=maria', rita)).body.leads[0];
    expect((await api(server, 'GET', `/leads/${maria.id}`, sam)).status).toBe(404);
    const details = await api(server, 'GET', `/leads/${maria.id}`, rita);
    expect(details.body.conversations.map((c: any) => c.channel).sort()).toEqual(['sms', 'whatsapp']);
    const wa = details.body.conversations.find((c: any) => c.channel === 'whatsapp');
    expect(Date.parse(wa.windowClosesAt)).toBeGreaterThan(Date.now());
    expect(details.body.activity.length).toBeGreaterThan(0);
  });
});

describe('messages', () => {
  it('pages a conversation oldest first with a cursor', async () => {
    const maria = (await api(server, 'GET', '/leads?q=maria', rita)).body.leads[0];
    const conv = encodeURIComponent(`${maria.id}:whatsapp`);
    const all = (await api(server, 'GET', `/conversations/${conv}/messages?limit=100`, rita)).body;
    // Four texts and the two files Maria sent (server/demo/seed.ts).
    expect(all.messages.length).toBe(6);
    expect(all.before).toBeNull();
    const page1 = (await api(server, 'GET', `/conversations/${conv}/messages?limit=4`, rita)).body;
    expect(page1.messages.map((m: any) => m.id)).toEqual(all.messages.slice(2).map((m: any) => m.id));
    const page2 = (await api(server, 'GET', `/conversations/${conv}/messages?limit=4&before=${page1.before}`, rita))
      .body;
    expect(page2.messages.map((m: any) => m.id)).toEqual(all.messages.slice(0, 2).map((m: any) => m.id));
    expect(page2.before).toBeNull();
    expect((await api(server, 'GET', `/conversations/${conv}/messages?before=abc`, rita)).status).toBe(400);
    expect((await api(server, 'GET', `/conversations/${conv}/messages`, sam)).status).toBe(404);
  });

  it('offers only approved WhatsApp templates available in Converse', async () => {
    const names = (await api(server, 'GET', '/templates?channel=whatsapp', rita)).body.templates
      .map((t: any) => t.name)
      .sort();
    expect(names).toEqual(['follow_up', 'welcome_lead']);
  });
});

describe('attachments', () => {
  it('sniffs the type from the bytes, enforces the policy and serves the file to who may see it', async () => {
    const ok = await upload(rita, 'whatsapp', 'photo named wrong "x".pdf', PNG, 'application/pdf');
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ mimeType: 'image/png', kind: 'image', size: PNG.length });
    const exe = await upload(
      rita,
      'whatsapp',
      'virus.jpg',
      Buffer.concat([Buffer.from('MZ'), Buffer.alloc(5000, 0x90)]),
      'image/jpeg',
    );
    expect(exe.status).toBe(415);
    expect(exe.body.error.code).toBe('attachment_type_not_allowed');
    expect(exe.body.error.message).toMatch(/Allowed: .*jpg/);
    // SMS (sandbox as RingCentral): 1.5 MB at most, enforced while streaming.
    const big = Buffer.concat([PNG, Buffer.alloc(2 * 1024 * 1024)]);
    const tooBig = await upload(rita, 'sms', 'big.png', big, 'image/png');
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error.code).toBe('attachment_too_large');
    // WhatsApp takes documents up to 100 MB but images up to 5 MB: the image's own limit applies.
    const bigImage = await upload(
      rita,
      'whatsapp',
      'big.png',
      Buffer.concat([PNG, Buffer.alloc(6 * 1024 * 1024)]),
      'image/png',
    );
    expect(bigImage.status).toBe(413);
    expect(bigImage.body.error.message).toMatch(/image files up to 5 MB/);
    const noName = await fetch(`${server.url}/api/v1/attachments?channel=sms`, {
      method: 'POST',
      headers: { authorization: `Bearer ${rita}` },
      body: PNG,
    });
    expect(noName.status).toBe(400);

    const dl = await fetch(`${server.url}/api/v1/attachments/${ok.body.id}`, {
      headers: { authorization: `Bearer ${rita}` },
    });
    expect(dl.status).toBe(200);
    expect(Buffer.from(await dl.arrayBuffer()).equals(PNG)).toBe(true);
    const cd = dl.headers.get('content-disposition')!;
    expect(cd).toMatch(/^attachment; filename="photo named wrong _x_.pdf"; filename\*=UTF-8''/);
    expect(dl.headers.get('x-content-type-options')).toBe('nosniff');
    expect(
      (await fetch(`${server.url}/api/v1/attachments/${ok.body.id}`, { headers: { authorization: `Bearer ${sam}` } }))
        .status,
    ).toBe(404);
    expect((await fetch(`${server.url}/api/v1/attachments/${ok.body.id}`)).status).toBe(401);
  });
});
