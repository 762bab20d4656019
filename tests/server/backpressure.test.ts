// A client that stops reading cannot grow server memory: once its queued bytes pass the bound
// the server closes it with SLOW_CONSUMER, and it resumes from its last sequence without loss.
// Also: several devices of one user, and read marks shared between them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../../shared/stream-protocol';
import { DEMO_LEADS } from '../../server/demo/accounts';
import { parseLeadsCsv } from '../../server/operator/import-leads';
import { api, connect, signIn, startTestServer, type TestServer } from './support';

let server: TestServer;
let rita: string;

beforeAll(async () => {
  server = await startTestServer({ stream: { maxBufferedBytes: 16 * 1024, slowConsumerMs: 800 } });
  rita = await signIn(server, 'rita@converse.demo');
});
afterAll(async () => {
  await server?.stop();
});

describe('backpressure and devices', () => {
  it('closes a client that stops reading with SLOW_CONSUMER, and it resumes without loss', async () => {
    const slow = await connect(server, rita, 0, 'slow');
    const welcome = slow.frames.find((f) => f.type === 'welcome') as any;
    await slow.until(() => slow.lastSeq >= welcome.headSeq, 5000, 'replay');
    const committed = slow.lastSeq;
    slow.ws.pause(); // stops reading the socket: the server's writes queue up
    const big = 'x'.repeat(3500);
    const started = Date.now();
    for (let i = 0; i < 4000 && server.internals.gateway.connectionCount > 0; i++) {
      await server.internals.sandbox.sms!.inbound(DEMO_LEADS.maria.phones[0], `${i} ${big}`);
      // A turn of the event loop, so the gateway can write and see its queue grow (not a timed wait).
      if (i % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    expect(server.internals.gateway.connectionCount).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
    slow.ws.resume();
    expect((await slow.waitClose(10_000)).code).toBe(CloseCode.SLOW_CONSUMER);
    // Resume from what was committed before: everything arrives, in order, once.
    const again = await connect(server, rita, committed, 'slow');
    const head = (again.frames.find((f) => f.type === 'welcome') as any).headSeq;
    await again.until(() => again.lastSeq >= head, 10_000, 'resume');
    const seqs = again.events.map((e) => e.seq);
    expect(seqs).toEqual(Array.from({ length: head - committed }, (_, i) => committed + 1 + i));
    again.close();
  }, 30_000);

  it('delivers live events to every device of a user and shares read marks', async () => {
    const a = await connect(server, rita, 0, 'laptop');
    const b = await connect(server, rita, 0, 'desktop');
    const res = await server.internals.sandbox.sms!.inbound(DEMO_LEADS.jose.phones[0], 'to both devices');
    for (const c of [a, b])
      await c.until(
        () => c.events.some((e) => e.event.type === 'message.upserted' && e.event.message.id === res.messageId),
        5000,
        'live on each device',
      );
    const jose = (await api(server, 'GET', '/leads?q=jose', rita)).body.leads[0];
    const at = new Date().toISOString();
    a.send({ type: 'read', conversationId: `${jose.id}:sms`, readUpTo: at });
    await b.until(
      () => b.events.some((e) => e.event.type === 'conversation.read' && e.event.readUpTo === at),
      5000,
      'read mark on the other device',
    );
    a.send({ type: 'read', conversationId: 'lead_nope:sms', readUpTo: at });
    expect((await a.frame('error', (f) => f.code === 'not_found')).message).toMatch(/not visible/);
    a.close();
    b.close();
  });
});

describe('CSV lead import', () => {
  it('keeps good rows and reports bad ones with their line numbers', () => {
    const csv =
      'First Name,Last Name,Email,Phone,Phone 2,Owner,Company\n' +
      'Anna,Ek,anna@example.com,+1 415 555 0111,,rita@converse.demo,Acme\n' +
      ',Nameless,,,,,\n' +
      'Bob,Bad,not-an-email,+14155550112,,,\n' +
      '"Cara, Jr.",Multi,,415 555 0113;+447700900555,646 555 0114,,Globex\n' +
      'Dan,Digits,,12,,,\n';
    const { rows, problems } = parseLeadsCsv(csv);
    expect(rows.map((r) => [r.line, r.lead.firstName])).toEqual([
      [2, 'Anna'],
      [5, 'Cara, Jr.'],
    ]);
    expect(rows[1].lead.phones.map((p) => p.e164)).toEqual(['+14155550113', '+447700900555', '+16465550114']);
    expect(rows[0].lead.customFields).toEqual({ Company: 'Acme' });
    expect(rows[0].ownerEmail).toBe('rita@converse.demo');
    expect(problems).toEqual([
      { line: 3, message: 'first name is empty' },
      { line: 4, message: '"not-an-email" is not an email address' },
      { line: 6, message: '"12" is not a valid phone number.' },
    ]);
  });
});
