// The resumable stream over a real WebSocket: replay, resume after cuts, dedupe of resends,
// malformed input, heartbeats — with another client working throughout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode, FrameErrorCode, MAX_FRAME_BYTES, MAX_EVENTS_PER_FRAME } from '../../shared/stream-protocol';
import { DEMO_LEADS } from '../../server/demo/accounts';
import { api, clientId, connect, signIn, startTestServer, StreamClient, type TestServer } from './support';
import { until } from '../support/eventually';

let server: TestServer;
let rita: string;
let mariaId: string;

beforeAll(async () => {
  server = await startTestServer({ stream: { heartbeatMs: 150, helloTimeoutMs: 1000, maxBadFrames: 5 } });
  rita = await signIn(server, 'rita@converse.demo');
  const found = await api(server, 'GET', '/leads?q=maria%20garcia', rita);
  mariaId = found.body.leads[0].id;
});
afterAll(async () => {
  await server?.stop();
});

describe('stream', () => {
  it('replays a complete state from seq 0 in bounded frames', async () => {
    const c = await connect(server, rita);
    const welcome = c.frames.find((f) => f.type === 'welcome')!;
    await c.until(() => c.lastSeq >= (welcome as any).headSeq, 5000, 'replay');
    const seqs = c.events.map((e) => e.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    for (const f of c.frames)
      if (f.type === 'events') expect(f.events.length).toBeLessThanOrEqual(MAX_EVENTS_PER_FRAME);
    const leads = c.events.filter((e) => e.event.type === 'lead.upserted').map((e) => (e.event as any).lead);
    expect(leads.some((l) => l.firstName === DEMO_LEADS.maria.firstName && l.phones.length === 2)).toBe(true);
    expect(c.events.some((e) => e.event.type === 'message.upserted')).toBe(true);
    expect(c.events.some((e) => e.event.type === 'template.upserted')).toBe(true);
    c.close();
  });

  it('a client cut off N times mid-burst ends with every event exactly once', async () => {
    const sandbox = server.internals.sandbox.sms!;
    // `received` is what this desktop committed: every seq it got, over every connection.
    const received: number[] = [];
    const track = (c: StreamClient) => {
      let n = 0;
      const harvest = () => {
        for (; n < c.events.length; n++) received.push(c.events[n].seq);
      };
      c.ws.on('message', harvest);
      harvest();
    };
    let client = await connect(server, rita, 0, 'cut-device');
    track(client);
    const welcome = client.frames.find((f) => f.type === 'welcome') as any;
    await client.until(() => received.length >= welcome.headSeq, 5000, 'initial replay');
    const bodies = new Set<string>();
    const BURST = 240;
    const CUTS = 6;
    let cutsDuringBurst = 0;
    let burstDone = false;
    let cuts = 0;
    // In chunks, in step with the cutter: a chunk starts only once the cut during the one before
    // is made, so every cut lands mid-burst by construction rather than by timing.
    const CHUNK = BURST / 8;
    const burst = (async () => {
      for (let i = 0; i < BURST; i++) {
        if (i % CHUNK === 0) await until(() => cuts >= Math.min(i / CHUNK, CUTS), { what: `cut ${i / CHUNK}` });
        await sandbox.inbound(DEMO_LEADS.maria.phones[0], `burst ${i}`);
      }
      burstDone = true;
    })();
    for (let cut = 0; cut < CUTS; cut++) {
      // Cut while events flow: once this connection has received some of the burst.
      const seen = received.length;
      await client.until(() => received.length > seen, 5000, `events before cut ${cut}`);
      if (!burstDone) cutsDuringBurst++;
      client.ws.terminate();
      await client.waitClose();
      client = await connect(server, rita, received.length ? received[received.length - 1] : 0, 'cut-device');
      track(client);
      cuts++;
    }
    expect(cutsDuringBurst).toBe(CUTS);
    await burst;
    const head = await server.internals.store.headSeq((await api(server, 'GET', '/me', rita)).body.id);
    await client.until(() => received[received.length - 1] >= head, 10000, 'catch-up');
    // Exactly once: strictly consecutive, no gaps, no repeats.
    expect(received).toEqual(Array.from({ length: received.length }, (_, i) => i + 1));
    expect(received[received.length - 1]).toBe(head);
    // And every inbound message of the burst arrived.
    const all = await server.internals.store.eventsAfter((await api(server, 'GET', '/me', rita)).body.id, 0, 100_000);
    for (const e of all)
      if (e.event.type === 'message.upserted' && e.event.message.body.startsWith('burst '))
        bodies.add(e.event.message.body);
    expect(bodies.size).toBe(BURST);
    client.close();
  });

  it('a resend after a reconnect is deduplicated and never reaches the provider twice', async () => {
    const sandbox = server.internals.sandbox.sms!;
    let calls = 0;
    const original = sandbox.send.bind(sandbox);
    sandbox.send = async (m) => {
      calls++;
      return original(m);
    };
    try {
      const id = clientId();
      const send = {
        type: 'send',
        send: { clientId: id, leadId: mariaId, channel: 'sms', to: null, body: 'Hello once' },
      };
      const a = await connect(server, rita, 0, 'dedupe');
      a.send(send);
      const first = await a.frame('send.accepted', (f) => f.clientId === id);
      a.ws.terminate();
      const b = await connect(server, rita, 0, 'dedupe');
      b.send(send);
      const second = await b.frame('send.accepted', (f) => f.clientId === id);
      expect(second.messageId).toBe(first.messageId);
      // The status reaches delivered exactly once and the provider saw one send.
      await b.until(
        () =>
          b.events.some(
            (e) =>
              e.event.type === 'message.upserted' &&
              e.event.message.id === first.messageId &&
              e.event.message.status === 'delivered',
          ),
        5000,
        'delivered',
      );
      expect(calls).toBe(1);
      b.close();
    } finally {
      sandbox.send = original;
    }
  });

  it('answers malformed, unknown and oversize frames and bad tokens clearly while another client keeps working', async () => {
    const good = await connect(server, rita, 0, 'good');
    const bad = await connect(server, rita, 0, 'bad');
    bad.send('{not json');
    expect((await bad.frame('error', (f) => f.code === FrameErrorCode.MALFORMED_JSON)).message).toMatch(/JSON/);
    bad.send({ type: 'teleport', to: 'mars' });
    expect((await bad.frame('error', (f) => /Unknown frame type "teleport"/.test(f.message))).code).toBe(
      FrameErrorCode.INVALID_FRAME,
    );
    bad.send({ type: 'ack', seq: -4 });
    await bad.frame('error', (f) => /ack/.test(f.message));
    bad.send({ type: 'ping', t: 1 });
    await bad.frame('pong');
    // Oversize: the socket closes with FRAME_TOO_LARGE.
    bad.send(JSON.stringify({ type: 'ping', t: 1, pad: 'x'.repeat(MAX_FRAME_BYTES + 10) }));
    expect((await bad.waitClose()).code).toBe(CloseCode.FRAME_TOO_LARGE);

    const noToken = new StreamClient(server.url, 'not-a-token');
    await noToken.opened;
    expect((await noToken.waitClose()).code).toBe(CloseCode.UNAUTHORIZED);

    // Before hello, nothing but ping is accepted; no hello at all closes HELLO_TIMEOUT.
    const silent = new StreamClient(server.url, rita);
    await silent.opened;
    silent.send({ type: 'ack', seq: 1 });
    await silent.frame('error', (f) => f.code === FrameErrorCode.HELLO_REQUIRED);
    expect((await silent.waitClose(3000)).code).toBe(CloseCode.HELLO_TIMEOUT);

    // Abuse: too many bad frames in a row.
    const abusive = await connect(server, rita, 0, 'abusive');
    for (let i = 0; i < 6; i++) abusive.send('nope');
    expect((await abusive.waitClose()).code).toBe(CloseCode.PROTOCOL_ABUSE);

    // The good client still gets live events.
    const before = good.lastSeq;
    await server.internals.sandbox.sms!.inbound(DEMO_LEADS.maria.phones[0], 'still here?');
    await good.until(
      () =>
        good.events.some(
          (e) => e.seq > before && e.event.type === 'message.upserted' && e.event.message.body === 'still here?',
        ),
      5000,
      'live event',
    );
    good.send({ type: 'ping', t: 42 });
    expect((await good.frame('pong', (f) => f.t === 42)).t).toBe(42);
    good.close();
  });

  it('reaps a connection that stops answering pings', async () => {
    const c = await connect(server, rita, 0, 'dead');
    // Stop reading: pings go unanswered.
    c.ws.pause();
    const before = server.internals.gateway.connectionCount;
    expect(before).toBeGreaterThan(0);
    await until(() => server.internals.gateway.connectionCount < before, {
      timeoutMs: 3000,
      what: 'the silent connection reaped',
    });
    c.ws.terminate();
  });

  it("sign-out closes that session's streams with SESSION_REVOKED", async () => {
    const token = await signIn(server, 'rita@converse.demo');
    const c = await connect(server, token, 0, 'signout');
    expect((await api(server, 'POST', '/auth/sign-out', token)).status).toBe(200);
    expect((await c.waitClose()).code).toBe(CloseCode.SESSION_REVOKED);
    expect((await api(server, 'GET', '/me', token)).status).toBe(401);
  });
});
