// The send pipeline and the channel sink: the rules enforced at send time, statuses by rank,
// early statuses, opt-out keywords, unknown WhatsApp senders.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_LEADS } from '../../server/demo/accounts';
import { api, clientId, connect, signIn, startTestServer, type StreamClient, type TestServer } from './support';

let server: TestServer;
let rita: string;
let ada: string;
let c: StreamClient;
let mariaId: string;
let joseId: string;

beforeAll(async () => {
  server = await startTestServer({ retryDelaysMs: [10, 10] });
  rita = await signIn(server, 'rita@converse.demo');
  ada = await signIn(server, 'admin@converse.demo');
  mariaId = (await api(server, 'GET', '/leads?q=maria', rita)).body.leads[0].id;
  joseId = (await api(server, 'GET', '/leads?q=jose', rita)).body.leads[0].id;
  c = await connect(server, rita, 0, 'send-tests');
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
const latest = (messageId: string) =>
  [...c.events].reverse().find((e) => e.event.type === 'message.upserted' && e.event.message.id === messageId)
    ?.event as any;

describe('send rules', () => {
  it('sends SMS through the sandbox: pending, then sent, then delivered', async () => {
    const r = await send({ leadId: mariaId, channel: 'sms', body: 'Hi Maria' });
    expect(r.type).toBe('send.accepted');
    await c.until(() => latest(r.messageId)?.message.status === 'delivered', 5000, 'delivered');
    const statuses = c.events
      .filter((e) => e.event.type === 'message.upserted' && e.event.message.id === r.messageId)
      .map((e: any) => e.event.message.status);
    expect(statuses[0]).toBe('pending');
    expect(statuses).toContain('delivered');
  });

  it('sends to a chosen number by its handle, and refuses handles of other leads', async () => {
    const maria = (await api(server, 'GET', `/leads/${mariaId}`, rita)).body.lead;
    const second = maria.phones.find((p: any) => !p.primary);
    const ok = await send({ leadId: mariaId, channel: 'sms', to: second.handle, body: 'to work' });
    expect(ok.type).toBe('send.accepted');
    const jose = (await api(server, 'GET', `/leads/${joseId}`, rita)).body.lead;
    const bad = await send({ leadId: mariaId, channel: 'sms', to: jose.phones[0].handle, body: 'x' });
    expect(bad.error.code).toBe('no_phone');
  });

  it('enforces the WhatsApp window and template availability', async () => {
    // José never wrote on WhatsApp: the window is closed.
    const closed = await send({ leadId: joseId, channel: 'whatsapp', body: 'hello' });
    expect(closed.error.code).toBe('whatsapp_window_closed');
    const templates = (await api(server, 'GET', '/admin/templates', ada)).body.templates;
    const pending = templates.find((t: any) => t.name === 'seasonal_offer');
    const hidden = templates.find((t: any) => t.name === 'internal_only');
    const welcome = templates.find((t: any) => t.name === 'welcome_lead');
    expect((await send({ leadId: joseId, channel: 'whatsapp', templateId: pending.id })).error.code).toBe(
      'template_not_available',
    );
    expect((await send({ leadId: joseId, channel: 'whatsapp', templateId: hidden.id })).error.code).toBe(
      'template_not_available',
    );
    const tpl = await send({ leadId: joseId, channel: 'whatsapp', templateId: welcome.id });
    expect(tpl.type).toBe('send.accepted');
    await c.until(
      () =>
        latest(tpl.messageId)?.message.body ===
        'Hello José! Thanks for your interest. Rita Rep will help you from here.',
      3000,
      'filled template',
    );
    // Maria wrote on WhatsApp recently: free text is fine.
    expect((await send({ leadId: mariaId, channel: 'whatsapp', body: 'Here is the pricing 😊' })).type).toBe(
      'send.accepted',
    );
  });

  it('refuses SMS to non-US numbers, empty messages and captions without image or video', async () => {
    const lead = (
      await api(server, 'POST', '/admin/leads', ada, {
        firstName: 'Lars',
        lastName: 'Berg',
        ownerId: (await api(server, 'GET', '/me', rita)).body.id,
        phones: [{ number: '+447700900999' }],
      })
    ).body;
    expect((await send({ leadId: lead.id, channel: 'sms', body: 'hej' })).error.code).toBe('not_us_number');
    expect((await send({ leadId: mariaId, channel: 'sms', body: '   ' })).error.code).toBe('empty_message');
    expect((await send({ leadId: mariaId, channel: 'sms', body: 'x', caption: 'cap' })).error.code).toBe(
      'caption_not_allowed',
    );
  });

  it('records STOP per number pair, refuses later sends, and START opts back in', async () => {
    const sms = server.internals.sandbox.sms!;
    await sms.inbound(DEMO_LEADS.jose.phones[0], 'Stop');
    const refused = await send({ leadId: joseId, channel: 'sms', body: 'are you there?' });
    expect(refused.error.code).toBe('opted_out');
    const details = (await api(server, 'GET', `/leads/${joseId}`, rita)).body;
    expect(details.lead.phones[0].smsOptedOut).toBe(true);
    expect(details.activity.some((a: any) => a.type === 'sms.opted_out')).toBe(true);
    await sms.inbound(DEMO_LEADS.jose.phones[0], 'START');
    expect((await send({ leadId: joseId, channel: 'sms', body: 'welcome back' })).type).toBe('send.accepted');
  });

  it('stores the provider error when a send fails for good, after retrying retryable errors', async () => {
    const sms = server.internals.sandbox.sms!;
    const original = sms.send.bind(sms);
    let calls = 0;
    sms.send = async () => {
      calls++;
      return {
        ok: false,
        retryable: calls < 3,
        code: 'provider_error',
        providerCode: '21610',
        message: 'Unreachable handset +14155550134',
      };
    };
    try {
      const r = await send({ leadId: mariaId, channel: 'sms', body: 'will fail' });
      await c.until(() => latest(r.messageId)?.message.status === 'failed', 5000, 'failed');
      expect(calls).toBe(3);
      const m = latest(r.messageId).message;
      expect(m.error.providerCode).toBe('21610');
      expect(m.error.message).not.toContain('4155550134');
    } finally {
      sms.send = original;
    }
  });
});

describe('channel sink', () => {
  it('applies statuses by rank, including one that arrives before the provider id is stored', async () => {
    const sink = server.internals.sink;
    const store = server.internals.store;
    const sms = server.internals.sandbox.sms!;
    const original = sms.send.bind(sms);
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    sms.send = async () => {
      // The provider's webhook races ahead of its own send response.
      await sink.status({ provider: 'sandbox', providerMessageId: 'early-1', status: 'delivered', at: new Date() });
      await gate;
      return { ok: true, providerMessageId: 'early-1', status: 'sent' };
    };
    try {
      const r = await send({ leadId: mariaId, channel: 'sms', body: 'race' });
      release();
      await c.until(() => latest(r.messageId)?.message.status === 'delivered', 5000, 'early status applied');
      // Out of order and duplicates change nothing; failed after delivered keeps delivered.
      void sink.status({ provider: 'sandbox', providerMessageId: 'early-1', status: 'sent', at: new Date() });
      void sink.status({
        provider: 'sandbox',
        providerMessageId: 'early-1',
        status: 'failed',
        at: new Date(),
        error: { code: 'provider_error', message: 'late failure' },
      });
      void sink.status({ provider: 'sandbox', providerMessageId: 'early-1', status: 'read', at: new Date() });
      await sink.settled();
      expect((await store.getMessage(r.messageId))!.status).toBe('read');
    } finally {
      sms.send = original;
    }
  });

  it('turns ten simultaneous messages from one unknown WhatsApp number into one lead, assigned round-robin to admins', async () => {
    const wa = server.internals.sandbox.whatsapp!;
    await api(server, 'POST', '/admin/users', ada, {
      email: 'bo@converse.demo',
      name: 'Bo Admin',
      role: 'admin',
      password: 'long-enough-1',
    });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => wa.inbound('+14155550199', `msg ${i}`, 'Nina Novak')),
    );
    expect(new Set(results.map((r) => r.messageId)).size).toBe(10);
    const leads = (await api(server, 'GET', '/leads?q=nina', ada)).body.leads;
    expect(leads).toHaveLength(1);
    await wa.inbound('+14155550198', 'hi', 'Omar Other');
    const other = (await api(server, 'GET', '/leads?q=omar%20other', ada)).body.leads;
    expect(other).toHaveLength(1);
    // Two new leads went to two different admins.
    expect(other[0].ownerId).not.toBe(leads[0].ownerId);
    const details = (await api(server, 'GET', `/leads/${leads[0].id}`, ada)).body;
    expect(details.activity.some((a: any) => a.type === 'lead.created')).toBe(true);
    // The assignee was nudged about the new lead.
    const owner = (await api(server, 'GET', '/admin/users', ada)).body.users.find(
      (u: any) => u.id === leads[0].ownerId,
    );
    const ownerToken = await signIn(
      server,
      owner.email,
      owner.email === 'bo@converse.demo' ? 'long-enough-1' : undefined,
    );
    const nudges = (await api(server, 'GET', '/nudges', ownerToken)).body.nudges;
    expect(nudges.some((n: any) => n.kind === 'assignment' && n.leadId === leads[0].id)).toBe(true);
    expect(Date.parse(details.conversations[0].windowClosesAt)).toBeGreaterThan(Date.now());
  });

  it('keeps webhooks durably and processes each provider message once', async () => {
    const { sink, store } = server.internals;
    const saved = await sink.saveWebhook('sandbox', Buffer.from('{"x":1}'), {
      'content-type': 'application/json',
      authorization: 'secret',
    });
    // Claimed by this node: no sweep takes it while the lease holds; once it has run out, one does.
    expect((await sink.claimPendingWebhooks(10)).map((w) => w.id)).not.toContain(saved.id);
    const later = new Date(Date.now() + 2 * 60_000).toISOString();
    const claimed = await store.claimPendingWebhooks(later, { owner: 'another-node', until: later }, 10);
    expect(claimed.map((w) => w.id)).toContain(saved.id);
    expect(claimed.find((w) => w.id === saved.id)!.headers.authorization).toBeUndefined();
    await sink.markWebhookProcessed(saved.id);
    const muchLater = new Date(Date.now() + 10 * 60_000).toISOString();
    expect(
      (await store.claimPendingWebhooks(muchLater, { owner: 'another-node', until: muchLater }, 10)).map((w) => w.id),
    ).not.toContain(saved.id);
    const msg = {
      provider: 'sandbox' as const,
      channel: 'sms' as const,
      providerMessageId: 'dup-1',
      from: DEMO_LEADS.maria.phones[0],
      to: null,
      body: 'twice',
      profileName: null,
      receivedAt: new Date(),
      media: null,
    };
    const a = await sink.inbound(msg);
    const b = await sink.inbound(msg);
    expect(a.duplicate).toBe(false);
    expect(b).toEqual({ duplicate: true, messageId: a.messageId });
  });
});
