// The server's send pipeline applies the shared send rules (shared/send-rules.ts) over a real
// WebSocket, and every lead view says which channels cannot reach each number, so the desktop
// can refuse the same sends before they are made.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, clientId, connect, signIn, startTestServer, type StreamClient, type TestServer } from './support';

let server: TestServer;
let rita: string;
let ada: string;
let c: StreamClient;
let mariaId: string;

beforeAll(async () => {
  server = await startTestServer({ retryDelaysMs: [10, 10] });
  rita = await signIn(server, 'rita@converse.demo');
  ada = await signIn(server, 'admin@converse.demo');
  mariaId = (await api(server, 'GET', '/leads?q=maria', rita)).body.leads[0].id;
  c = await connect(server, rita, 0, 'send-rules-tests');
});
afterAll(async () => {
  c?.close();
  await server?.stop();
});

async function send(s: Record<string, unknown>) {
  const id = clientId();
  c.send({ type: 'send', send: { clientId: id, to: null, body: '', ...s } });
  return c.until(
    () => c.frames.find((f) => (f.type === 'send.accepted' || f.type === 'send.rejected') && f.clientId === id),
    5000,
    'send answer',
  ) as Promise<any>;
}

describe('server send rules', () => {
  it('refuses a 1,001-character SMS with the limit and the length, and accepts 1,000', async () => {
    const refused = await send({ leadId: mariaId, channel: 'sms', body: 'a'.repeat(1001) });
    expect(refused.type).toBe('send.rejected');
    expect(refused.error).toMatchObject({
      code: 'body_too_long',
      message: expect.stringContaining('at most 1000 characters; this one has 1001'),
    });
    expect((await send({ leadId: mariaId, channel: 'sms', body: 'a'.repeat(1000) })).type).toBe('send.accepted');
  });

  it('says in every lead view which channels cannot reach each number, the primary UK number included', async () => {
    const me = (await api(server, 'GET', '/me', rita)).body.id;
    const lead = (
      await api(server, 'POST', '/admin/leads', ada, {
        firstName: 'Lucas',
        lastName: 'Ruiz',
        ownerId: me,
        phones: [{ number: '+447700900998', primary: true }, { number: '+12125550198' }],
      })
    ).body;
    expect(lead.id, JSON.stringify(lead)).toBeTruthy();
    const view = (await api(server, 'GET', `/leads/${lead.id}`, rita)).body.lead;
    const byDigits = (d: string) => view.phones.find((p: any) => p.display.replace(/\D/g, '').endsWith(d));
    expect(byDigits('7700900998')).toMatchObject({ primary: true, cannotReach: ['sms'] });
    expect(byDigits('2125550198')).toMatchObject({ primary: false, cannotReach: [] });
    // The primary number is the server's default for `to: null`: refused for SMS, fine for WhatsApp's rules.
    expect((await send({ leadId: lead.id, channel: 'sms', body: 'hola' })).error.code).toBe('not_us_number');
    const us = byDigits('2125550198');
    expect((await send({ leadId: lead.id, channel: 'sms', to: us.handle, body: 'hola' })).type).toBe('send.accepted');
  });
});
