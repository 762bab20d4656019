// POST/GET /webhooks/whatsapp end to end: signature on the raw bytes, durable save before the
// answer, every message and status of a batch, media fetched from the Graph fake, and every
// order of statuses ending in the state the rank rule says.
import { createHash } from 'node:crypto';
import { startHarness, type Harness } from './harness';
import { processPendingWebhooks, processWebhook } from '../../server/channels/webhooks';
import { InboundRefused } from '../../server/channels/connector';
import {
  unixSeconds,
  waEnvelope,
  waMediaMessage,
  waStatus,
  waStatuses,
  waTextMessage,
  WA_VERIFY_TOKEN,
  type WaStatusName,
} from '../fakes/whatsapp-graph';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const LEAD = '14155550134';
const hook = () => `${h.url}/webhooks/whatsapp`;
const post = async (payload: unknown, opts?: { signature?: string; secret?: string }) => {
  const res = await h.wa.sendWebhook(hook(), payload, opts);
  await h.processing.idle();
  return res;
};
const PNG = new Uint8Array(Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'));

describe('subscription handshake', () => {
  it('echoes hub.challenge when the verify token matches, 403 otherwise', async () => {
    const ok = await fetch(`${hook()}?hub.mode=subscribe&hub.verify_token=${WA_VERIFY_TOKEN}&hub.challenge=1158201444`);
    expect([ok.status, await ok.text()]).toEqual([200, '1158201444']);
    const bad = await fetch(`${hook()}?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1158201444`);
    expect(bad.status).toBe(403);
    expect(await bad.text()).not.toContain('1158201444');
    expect(
      (await fetch(`${hook()}?hub.mode=unsubscribe&hub.verify_token=${WA_VERIFY_TOKEN}&hub.challenge=1`)).status,
    ).toBe(403);
  });
});

describe('signature', () => {
  it('refuses a bad, missing or other-secret signature with 401 and stores nothing', async () => {
    const payload = waTextMessage({ from: LEAD, id: 'wamid.bad1', body: 'hi' });
    expect((await post(payload, { signature: 'sha256=' + '0'.repeat(64) })).status).toBe(401);
    expect((await post(payload, { secret: 'someone-else' })).status).toBe(401);
    expect((await post(payload, { signature: '' })).status).toBe(401);
    expect((await post(payload, { signature: 'sha256=abc' })).status).toBe(401);
    expect(h.sink.webhooks.size).toBe(0);
    expect(h.sink.inboundMessages.size).toBe(0);
  });

  it('checks the exact bytes: re-serialised JSON with the same meaning fails', async () => {
    const raw = JSON.stringify(waTextMessage({ from: LEAD, id: 'wamid.raw', body: 'hi' }), null, 2);
    const signed = await h.wa.sendWebhook(hook(), raw);
    expect(signed.status).toBe(200);
    const { createHmac } = await import('node:crypto');
    const sigOfCompact = `sha256=${createHmac('sha256', 'wa-app-secret')
      .update(JSON.stringify(JSON.parse(raw)))
      .digest('hex')}`;
    expect((await h.wa.sendWebhook(hook(), raw, { signature: sigOfCompact })).status).toBe(401);
    await h.processing.idle();
    expect(h.sink.webhooks.size).toBe(1);
  });

  it('keeps the rest of the server on its JSON parser', async () => {
    const res = await fetch(`${h.url}/api/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(await res.json()).toEqual({ got: { a: 1 } });
  });
});

describe('inbound messages', () => {
  it('stores a text with the profile name, numbers and time, after a durable save', async () => {
    const at = new Date('2026-11-24T18:00:00Z');
    const res = await post(
      waTextMessage({ from: LEAD, id: 'wamid.in1', body: '¿Tienen visitas el sábado?', name: 'María García', at }),
    );
    expect(res.status).toBe(200);
    const [w] = [...h.sink.webhooks.values()];
    expect(w).toMatchObject({ processed: true, error: null });
    expect(w.saved.headers['x-hub-signature-256']).toMatch(/^sha256=/);
    const [m] = [...h.sink.inboundMessages.values()];
    expect(m.msg).toMatchObject({
      provider: 'whatsapp',
      channel: 'whatsapp',
      providerMessageId: 'wamid.in1',
      from: '+14155550134',
      to: '+15550783881',
      body: '¿Tienen visitas el sábado?',
      profileName: 'María García',
      receivedAt: at,
      media: null,
    });
  });

  it('the same webhook twice stores one message', async () => {
    const payload = waTextMessage({ from: LEAD, id: 'wamid.dup', body: 'hello' });
    await post(payload);
    await post(payload);
    expect(h.sink.webhooks.size).toBe(2);
    expect(h.sink.inboundMessages.size).toBe(1);
    expect([...h.sink.webhooks.values()].every((w) => w.processed && !w.error)).toBe(true);
  });

  it.each([
    ['image', 'image/jpeg', 'Kitchen', undefined],
    ['video', 'video/mp4', 'Walkthrough', undefined],
    ['audio', 'audio/ogg; codecs=opus', undefined, undefined],
    ['document', 'application/pdf', 'Signed offer', 'offer.pdf'],
  ] as const)('fetches %s media through the media id and keeps its caption', async (type, mime, caption, filename) => {
    const bytes = new Uint8Array([...PNG, type.length]);
    const mediaId = h.wa.addMedia(bytes, mime);
    const sha = createHash('sha256').update(bytes).digest('base64');
    await post(
      waMediaMessage({
        from: LEAD,
        id: `wamid.${type}`,
        type,
        mediaId,
        mimeType: mime,
        sha256: sha,
        caption,
        filename,
      }),
    );
    const [m] = [...h.sink.inboundMessages.values()];
    expect(m.media).toEqual({
      bytes,
      mimeType: mime.split(';')[0],
      caption: caption ?? null,
      fileName: filename ?? null,
    });
    expect(m.msg.body).toBe('');
    expect(h.wa.requests.filter((r) => r.method === 'GET').map((r) => r.path)).toEqual([
      `/${mediaId}`,
      `/download/${mediaId}`,
    ]);
  });

  it('applies every message of every entry and change in one batch', async () => {
    const a = waTextMessage({ from: LEAD, id: 'wamid.b1', body: 'one' });
    const b = waTextMessage({ from: '14155550178', id: 'wamid.b2', body: 'two', name: 'Maria (work)' });
    const batch = {
      object: 'whatsapp_business_account',
      entry: [...a.entry, { ...b.entry[0], changes: [...b.entry[0].changes, a.entry[0].changes[0]] }],
    };
    await post(batch);
    expect([...h.sink.inboundMessages.values()].map((m) => [m.msg.providerMessageId, m.msg.profileName])).toEqual([
      ['wamid.b1', 'Maria Garcia'],
      ['wamid.b2', 'Maria (work)'],
    ]);
  });

  it('keeps replies of other kinds readable and skips reactions', async () => {
    const at = unixSeconds(new Date());
    await post(
      waEnvelope({
        contacts: [{ profile: { name: 'Maria Garcia' }, wa_id: LEAD }],
        messages: [
          {
            from: LEAD,
            id: 'wamid.k1',
            timestamp: at,
            type: 'button',
            button: { text: 'Yes, Friday works', payload: 'YES' },
          },
          {
            from: LEAD,
            id: 'wamid.k2',
            timestamp: at,
            type: 'location',
            location: { latitude: 37.77, longitude: -122.42, name: 'Office' },
          },
          {
            from: LEAD,
            id: 'wamid.k3',
            timestamp: at,
            type: 'reaction',
            reaction: { message_id: 'wamid.k1', emoji: '👍' },
          },
          {
            from: LEAD,
            id: 'wamid.k4',
            timestamp: at,
            type: 'unsupported',
            errors: [{ code: 131051, title: 'Message type unknown' }],
          },
        ],
      }),
    );
    expect([...h.sink.inboundMessages.values()].map((m) => [m.msg.providerMessageId, m.msg.body])).toEqual([
      ['wamid.k1', 'Yes, Friday works'],
      ['wamid.k2', '📍 Office (37.77, -122.42)'],
      ['wamid.k4', '[unsupported message: Message type unknown]'],
    ]);
  });

  it('ignores another phone number of the account and non-message fields', async () => {
    const other = waTextMessage({ from: LEAD, id: 'wamid.other', body: 'x' });
    (other.entry[0].changes[0].value as { metadata: { phone_number_id: string } }).metadata.phone_number_id = '999';
    await post(other);
    await post({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '1',
          changes: [
            { field: 'message_template_status_update', value: { event: 'APPROVED', message_template_name: 'x' } },
          ],
        },
      ],
    });
    expect(h.sink.inboundMessages.size).toBe(0);
    expect([...h.sink.webhooks.values()].every((w) => w.processed && w.error === null)).toBe(true);
  });
});

describe('a message that cannot be stored', () => {
  it('ends the webhook with its reason when the message itself is refused', async () => {
    h.sink.inboundFailure = new InboundRefused('Inbound message wamid.bad has an invalid sender number.');
    await post(waTextMessage({ from: LEAD, id: 'wamid.bad', body: 'x' }));
    expect([...h.sink.webhooks.values()][0]).toMatchObject({
      processed: true,
      error: 'storing message wamid.bad: Inbound message wamid.bad has an invalid sender number.',
    });
  });

  it('leaves the webhook to be processed again when storing failed for another reason, and then stores it', async () => {
    h.sink.inboundFailure = Object.assign(new Error('terminating connection due to administrator command'), {
      code: '57P01',
    });
    await post(waTextMessage({ from: LEAD, id: 'wamid.later', body: 'kept' }));
    expect([...h.sink.webhooks.values()][0]).toMatchObject({ processed: false, error: null });
    expect(h.sink.inboundMessages.size).toBe(0);
    // The database is back; the claim runs out; a sweep processes it.
    h.sink.inboundFailure = null;
    h.sink.expireClaims();
    await processPendingWebhooks(h.deps);
    expect([...h.sink.inboundMessages.keys()]).toEqual(['whatsapp:wamid.later']);
    expect([...h.sink.webhooks.values()][0]).toMatchObject({ processed: true, error: null });
  });
});

describe('malformed payloads', () => {
  it('are answered 200, recorded as processed with an error, and never crash', async () => {
    expect((await post('this is not json')).status).toBe(200);
    expect((await post({ object: 'page', entry: [] })).status).toBe(200);
    const errors = [...h.sink.webhooks.values()].map((w) => [w.processed, w.error]);
    expect(errors[0]).toEqual([true, 'the body is not JSON']);
    expect(errors[1][1]).toMatch(/not a WhatsApp webhook/);
  });

  it('apply the good items of a batch and record the bad ones', async () => {
    h.sink.recordSend('whatsapp', 'wamid.ok');
    await post(
      waStatuses([
        waStatus('wamid.ok', 'delivered', LEAD),
        { id: 'wamid.x', status: 'sent' } as never,
        { ...waStatus('wamid.ok', 'read', LEAD), status: 'deleted' as never },
      ]),
    );
    expect(h.sink.get('whatsapp', 'wamid.ok')?.status).toBe('delivered');
    const [w] = [...h.sink.webhooks.values()];
    expect(w.error).toMatch(/^status 1: (timestamp|recipient_id)/);
    expect(w.error).not.toMatch(/status 2/);
  });

  it('a failing media download leaves the webhook to be processed again, and the rest of the batch still lands', async () => {
    const bad = waMediaMessage({
      from: LEAD,
      id: 'wamid.nomedia',
      type: 'image',
      mediaId: '123',
      mimeType: 'image/jpeg',
      sha256: 'x',
    });
    const good = waTextMessage({ from: LEAD, id: 'wamid.fine', body: 'text' });
    (bad.entry[0].changes[0].value as unknown as { messages: unknown[] }).messages.push(
      ...(good.entry[0].changes[0].value as unknown as { messages: unknown[] }).messages,
    );
    await post(bad);
    expect([...h.sink.inboundMessages.keys()]).toEqual(['whatsapp:wamid.fine']);
    // Not the message's fault: the webhook stays unprocessed, claimed until its lease runs out, then swept again.
    expect([...h.sink.webhooks.values()][0]).toMatchObject({ processed: false, error: null });
    expect(h.warnings).toEqual([
      expect.stringMatching(/storing message wamid.nomedia: WhatsApp media 123.*processed again/),
    ]);
  });
});

describe('durability', () => {
  it('answers 503 and processes nothing when the webhook cannot be saved', async () => {
    h.sink.failSaves = true;
    expect((await post(waTextMessage({ from: LEAD, id: 'wamid.lost', body: 'x' }))).status).toBe(503);
    expect(h.sink.inboundMessages.size).toBe(0);
  });

  it('processes, in batches, what was saved but not processed before a stop, once the claims have run out', async () => {
    const body = Buffer.from(
      JSON.stringify(waTextMessage({ from: LEAD, id: 'wamid.crash', body: 'before the crash' })),
    );
    for (let i = 0; i < 3; i++) await h.sink.saveWebhook('whatsapp', body, {});
    // Still claimed by the node that saved them: a sweep leaves them alone.
    expect(await processPendingWebhooks(h.deps, { batch: 2 })).toEqual([]);
    h.sink.expireClaims();
    const results = await processPendingWebhooks(h.deps, { batch: 2 });
    expect(results.map((r) => [r.inbound, r.duplicates])).toEqual([
      [1, 0],
      [0, 1],
      [0, 1],
    ]);
    expect(h.sink.unprocessed()).toEqual([]);
    expect(h.sink.inboundMessages.size).toBe(1);
  });

  it('a webhook of a provider that is no longer configured is marked with an error', async () => {
    const saved = await h.sink.saveWebhook('ctm', Buffer.from('{}'), {});
    const r = await processWebhook(saved, h.deps);
    expect(r.error).toMatch(/ctm connector is not configured/);
    expect(h.sink.webhooks.get(saved.id)?.processed).toBe(true);
  });
});

describe('statuses', () => {
  it('applies every status of one batch, failures with the provider code', async () => {
    for (const id of ['wamid.s1', 'wamid.s2', 'wamid.s3']) h.sink.recordSend('whatsapp', id);
    await post(
      waStatuses([
        waStatus('wamid.s1', 'sent', LEAD),
        waStatus('wamid.s2', 'delivered', LEAD),
        waStatus('wamid.s1', 'read', LEAD),
        waStatus('wamid.s3', 'failed', LEAD, new Date(), {
          code: 131026,
          title: 'Message undeliverable',
          details: 'Receiver is incapable of receiving this message',
        }),
      ]),
    );
    expect(['wamid.s1', 'wamid.s2', 'wamid.s3'].map((id) => h.sink.get('whatsapp', id)?.status)).toEqual([
      'read',
      'delivered',
      'failed',
    ]);
    expect(h.sink.get('whatsapp', 'wamid.s3')?.error).toEqual({
      code: 'provider_error',
      providerCode: '131026',
      message: 'Receiver is incapable of receiving this message',
    });
  });

  // Every non-empty subset of {sent, delivered, read, failed} in every order, one webhook per
  // status (duplicates included), with the send's response stored before or after them.
  const NAMES: WaStatusName[] = ['sent', 'delivered', 'read', 'failed'];
  const orders: WaStatusName[][] = [];
  const permute = (rest: WaStatusName[], acc: WaStatusName[]) => {
    if (acc.length) orders.push(acc);
    rest.forEach((s, i) => permute([...rest.slice(0, i), ...rest.slice(i + 1)], [...acc, s]));
  };
  permute(NAMES, []);
  const expected = (seq: WaStatusName[]) =>
    seq.includes('read')
      ? 'read'
      : seq.includes('delivered')
        ? 'delivered'
        : seq.includes('failed')
          ? 'failed'
          : 'sent';

  it(`ends every one of ${orders.length} orders in the state of the rank rule`, async () => {
    expect(orders).toHaveLength(64);
    let n = 0;
    for (const seq of orders) {
      for (const early of [false, true]) {
        const id = `wamid.order${n++}`;
        if (!early) h.sink.recordSend('whatsapp', id);
        for (const s of [...seq, seq[0]]) {
          const err = s === 'failed' ? { code: 131049, title: 'Meta chose not to deliver' } : undefined;
          expect((await h.wa.sendWebhook(hook(), waStatuses([waStatus(id, s, LEAD, new Date(), err)]))).status).toBe(
            200,
          );
          await h.processing.idle();
        }
        if (early) h.sink.recordSend('whatsapp', id);
        const msg = h.sink.get('whatsapp', id)!;
        const want = expected(seq);
        expect({ seq, early, status: msg.status }).toEqual({ seq, early, status: want });
        if (want === 'failed') expect(msg.error?.providerCode).toBe('131049');
        // Failed after delivered keeps delivered but records the error.
        const failedAfterDelivery =
          seq.indexOf('failed') > Math.max(seq.indexOf('delivered'), -1) &&
          seq.includes('delivered') &&
          !seq.includes('read');
        if (failedAfterDelivery && !early) expect(msg.error?.providerCode).toBe('131049');
      }
    }
  });
});
