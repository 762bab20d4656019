// Stream frames are bounded by bytes, not by count: a backlog of ordinary texting travels in
// frames no larger than EVENTS_FRAME_TARGET_BYTES, one large event travels alone, and every event
// the server can produce (the largest lead its inputs allow) fits a frame the desktop accepts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EVENTS_FRAME_TARGET_BYTES,
  MAX_EVENTS_PER_FRAME,
  MAX_SERVER_FRAME_BYTES,
  ServerFrame,
  type SequencedEvent,
} from '../../shared/stream-protocol';
import { LEAD_LIMITS, type LeadView } from '../../shared/domain';
import { packEventFrames, type SerialisedEvent } from '../../server/stream/event-frames';
import { parseLeadsCsv } from '../../server/operator/import-leads';
import { DEMO_LEADS } from '../../server/demo/accounts';
import { api, connect, signIn, startTestServer, type TestServer } from './support';

const serialised = (seq: number, body: string): SerialisedEvent => ({
  seq,
  json: JSON.stringify({ seq, at: '2026-11-29T10:00:00.000Z', event: { type: 'template.removed', templateId: body } }),
});
const eventsOf = (frames: string[]) =>
  frames.flatMap((f) =>
    ServerFrame.parse(JSON.parse(f)).type === 'events' ? (JSON.parse(f) as { events: SequencedEvent[] }).events : [],
  );

describe('packing events into frames', () => {
  it('fills frames up to the byte target, keeps seq order, and loses nothing', () => {
    const events = Array.from({ length: 300 }, (_, i) => serialised(i + 1, 'é'.repeat(1000 + (i % 7) * 300)));
    const { frames, tooLarge } = packEventFrames(events, { targetBytes: 32 * 1024 });
    expect(tooLarge).toEqual([]);
    expect(frames.length).toBeGreaterThan(10);
    for (const f of frames) expect(Buffer.byteLength(f)).toBeLessThanOrEqual(32 * 1024);
    // Each frame but the last is full: the next event would have taken it over the target.
    for (let i = 0; i < frames.length - 1; i++) {
      const next = events[eventsOf(frames.slice(0, i + 1)).length];
      expect(Buffer.byteLength(frames[i]) + Buffer.byteLength(next.json) + 1).toBeGreaterThan(32 * 1024);
    }
    expect(eventsOf(frames).map((e) => e.seq)).toEqual(events.map((e) => e.seq));
  });

  it('caps small events at MAX_EVENTS_PER_FRAME a frame', () => {
    const events = Array.from({ length: 1200 }, (_, i) => serialised(i + 1, 't'));
    const { frames } = packEventFrames(events);
    expect(frames.map((f) => (JSON.parse(f) as { events: unknown[] }).events.length)).toEqual([
      MAX_EVENTS_PER_FRAME,
      MAX_EVENTS_PER_FRAME,
      200,
    ]);
  });

  it('sends an event larger than the target alone, and leaves out only one no frame could carry', () => {
    const limits = { targetBytes: 4096, maxFrameBytes: 64 * 1024 };
    const events = [
      serialised(1, 'a'),
      serialised(2, 'b'.repeat(20_000)),
      serialised(3, 'c'),
      serialised(4, 'd'.repeat(70_000)),
      serialised(5, 'e'),
    ];
    const { frames, tooLarge } = packEventFrames(events, limits);
    expect(frames.map((f) => eventsOf([f]).map((e) => e.seq))).toEqual([[1], [2], [3, 5]]);
    expect(tooLarge).toEqual([4]);
    for (const f of frames) expect(Buffer.byteLength(f)).toBeLessThanOrEqual(limits.maxFrameBytes);
  });

  it('fits the largest lead the inputs allow, every character escaped, in one frame the desktop accepts', () => {
    // U+0001 is the costliest character to serialise: JSON escapes it to six bytes.
    const worst = (n: number) => '\u0001'.repeat(n);
    const customFields = Object.fromEntries(
      Array.from({ length: LEAD_LIMITS.customFields }, (_, i) => [
        `${String(i).padStart(3, '0')}${worst(LEAD_LIMITS.customFieldNameChars - 3)}`,
        worst(LEAD_LIMITS.customFieldValueChars),
      ]),
    );
    const lead: LeadView = {
      id: 'lead_0123456789abcdef',
      firstName: worst(LEAD_LIMITS.nameChars),
      lastName: worst(LEAD_LIMITS.nameChars),
      email: worst(LEAD_LIMITS.emailChars),
      ownerId: 'usr_0123456789abcdef',
      ownerName: worst(100),
      phones: Array.from({ length: LEAD_LIMITS.phones }, (_, i) => ({
        handle: `ph_0123456789abcdef${i}`,
        display: '+1 415-555-0134',
        label: worst(40),
        primary: i === 0,
        masked: false,
        smsOptedOut: false,
      })),
      customFields,
      masked: [],
      updatedAt: '2026-11-29T10:00:00.000Z',
    };
    const event = {
      seq: 1,
      json: JSON.stringify({ seq: 1, at: lead.updatedAt, event: { type: 'lead.upserted', lead } }),
    };
    expect(Buffer.byteLength(event.json)).toBeGreaterThan(EVENTS_FRAME_TARGET_BYTES);
    const { frames, tooLarge } = packEventFrames([event]);
    expect(tooLarge).toEqual([]);
    // The README promises under 1.5 MB, well inside MAX_SERVER_FRAME_BYTES.
    expect(Buffer.byteLength(frames[0])).toBeLessThan(1.5 * 1024 * 1024);
    expect(Buffer.byteLength(frames[0])).toBeLessThan(MAX_SERVER_FRAME_BYTES);
  });
});

describe('lead bounds', () => {
  let server: TestServer;
  let admin: string;
  beforeAll(async () => {
    server = await startTestServer();
    admin = await signIn(server, 'admin@converse.demo');
  });
  afterAll(async () => {
    await server?.stop();
  });

  const fields = (n: number, value: string) =>
    Object.fromEntries(Array.from({ length: n }, (_, i) => [`Field ${i}`, value]));

  it('refuses a lead over the custom field limits with a 400 naming the limit, and keeps one at the limits', async () => {
    const tooMany = await api(server, 'POST', '/admin/leads', admin, {
      firstName: 'Many',
      customFields: fields(LEAD_LIMITS.customFields + 1, 'x'),
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toMatch(/at most 200 custom fields/);
    const tooLong = await api(server, 'POST', '/admin/leads', admin, {
      firstName: 'Long',
      customFields: { Notes: 'x'.repeat(LEAD_LIMITS.customFieldValueChars + 1) },
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.message).toMatch(/at most 1000 characters/);
    const ok = await api(server, 'POST', '/admin/leads', admin, {
      firstName: 'Full',
      customFields: fields(LEAD_LIMITS.customFields, 'x'.repeat(LEAD_LIMITS.customFieldValueChars)),
    });
    expect(ok.status).toBe(201);
    const patched = await api(server, 'PATCH', `/admin/leads/${ok.body.id}`, admin, {
      customFields: fields(LEAD_LIMITS.customFields + 1, 'y'),
    });
    expect(patched.status).toBe(400);
    expect(patched.body.error.message).toMatch(/at most 200 custom fields/);
  });

  it('reports CSV rows over the limits by line and keeps the others', () => {
    const header = [
      'First Name',
      'Phone',
      ...Array.from({ length: LEAD_LIMITS.customFields + 1 }, (_, i) => `F${i}`),
    ].join(',');
    const full = ['Ann', '+14155550111', ...Array.from({ length: LEAD_LIMITS.customFields + 1 }, () => 'v')].join(',');
    const fewer = ['Bo', '+14155550112', 'v'].join(',');
    const longValue = ['Cy', '+14155550113', 'x'.repeat(LEAD_LIMITS.customFieldValueChars + 1)].join(',');
    const { rows, problems } = parseLeadsCsv([header, full, fewer, longValue].join('\n'));
    expect(rows.map((r) => r.lead.firstName)).toEqual(['Bo']);
    expect(problems).toEqual([
      { line: 2, message: 'a lead has at most 200 custom fields' },
      { line: 4, message: 'a custom field value is at most 1000 characters' },
    ]);
  });
});

describe('frames on the wire', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('replays a backlog of 200-character texts and pushes a large lead live, every frame within its bound', async () => {
    const rita = await signIn(server, 'rita@converse.demo');
    const admin = await signIn(server, 'admin@converse.demo');
    for (let i = 0; i < 200; i++)
      await server.internals.sandbox.sms!.inbound(
        DEMO_LEADS.maria.phones[0],
        `${String(i).padStart(3, '0')} ${'b'.repeat(196)}`,
      );
    const c = await connect(server, rita);
    const head = (c.frames.find((f) => f.type === 'welcome') as { headSeq: number }).headSeq;
    await c.until(() => c.lastSeq >= head, 10_000, 'replay');
    expect(c.events.map((e) => e.seq)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    const eventFrames = c.raw.filter((r) => r.startsWith('{"type":"events"'));
    expect(Math.max(...eventFrames.map((r) => Buffer.byteLength(r)))).toBeLessThanOrEqual(EVENTS_FRAME_TARGET_BYTES);

    // Live: Maria gets 200 custom fields of 1,000 two-byte characters (≈ 400 KB as one event).
    const maria = (await api(server, 'GET', '/leads?q=maria%20garcia', rita)).body.leads[0];
    const customFields = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`Field ${i}`, 'é'.repeat(1000)]));
    expect((await api(server, 'PATCH', `/admin/leads/${maria.id}`, admin, { customFields })).status).toBe(200);
    const upserted = await c.until(
      () =>
        c.events.find((e) => e.event.type === 'lead.upserted' && Object.keys(e.event.lead.customFields).length === 200),
      10_000,
      'the large lead',
    );
    const carried = c.raw.find((r) => r.includes(`"seq":${upserted.seq},`))!;
    expect(Buffer.byteLength(carried)).toBeGreaterThan(EVENTS_FRAME_TARGET_BYTES);
    expect(Buffer.byteLength(carried)).toBeLessThanOrEqual(MAX_SERVER_FRAME_BYTES);
    c.close();
  }, 30_000);

  it('leaves out an event stored before the bounds that no frame could carry, and delivers everything after it', async () => {
    const { store } = server.internals;
    const sam = (await store.getUserByEmail('sam@converse.demo'))!;
    const token = await signIn(server, 'sam@converse.demo');
    const at = new Date().toISOString();
    const huge = {
      type: 'lead.upserted' as const,
      lead: {
        id: 'lead_legacy',
        firstName: 'Legacy',
        lastName: 'Import',
        email: null,
        phones: [],
        ownerId: sam.id,
        customFields: { Notes: 'n'.repeat(MAX_SERVER_FRAME_BYTES) },
        masked: [],
        updatedAt: at,
      },
    };
    const [big] = await store.appendEvents([{ userId: sam.id, event: huge }], at);
    const [after] = await store.appendEvents(
      [{ userId: sam.id, event: { type: 'template.removed', templateId: 'tpl_after' } }],
      at,
    );
    const c = await connect(server, token);
    await c.until(() => c.lastSeq >= after.seq, 10_000, 'the event after the oversize one');
    expect(c.events.some((e) => e.seq === big.seq)).toBe(false);
    expect(c.events.filter((e) => e.seq > big.seq).map((e) => e.seq)).toEqual([after.seq]);
    expect(Math.max(...c.raw.map((r) => Buffer.byteLength(r)))).toBeLessThanOrEqual(MAX_SERVER_FRAME_BYTES);
    c.close();
  }, 30_000);
});
