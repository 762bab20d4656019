// A user whose permission template masks phone numbers never receives one: every byte of every
// API answer and of the stream is scanned for every form of every number of the leads he sees.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { api, clientId, connect, signIn, startTestServer, type TestServer } from './support';

let server: TestServer;
let sam: string;

beforeAll(async () => {
  server = await startTestServer();
  sam = await signIn(server, 'sam@converse.demo');
});
afterAll(async () => {
  await server?.stop();
});

/** Every spelling of a number that would give it away. */
function forms(e164: string): string[] {
  const p = parsePhoneNumberFromString(e164)!;
  const digits = e164.slice(1);
  return [e164, digits, p.nationalNumber, p.formatInternational(), p.formatNational(), p.nationalNumber.slice(-7)];
}

describe('masking', () => {
  it('never sends a masked number in API answers, errors or stream bytes', async () => {
    const store = server.internals.store;
    const me = (await api(server, 'GET', '/me', sam)).body;
    const answers: string[] = [];
    const leads = (await api(server, 'GET', '/leads?limit=100', sam)).body.leads;
    expect(leads.length).toBeGreaterThan(5);
    answers.push(JSON.stringify(leads));
    for (const l of leads) {
      expect(l.masked).toContain('phones');
      for (const p of l.phones) {
        expect(p.masked).toBe(true);
        expect(p.display).toMatch(/^\+\d+ •••• ••\d\d$/);
      }
      const details = await api(server, 'GET', `/leads/${l.id}`, sam);
      answers.push(details.text);
      for (const c of details.body.conversations)
        answers.push((await api(server, 'GET', `/conversations/${encodeURIComponent(c.id)}/messages`, sam)).text);
      answers.push((await api(server, 'GET', `/leads?q=${encodeURIComponent(l.firstName)}`, sam)).text);
    }
    // Searching by a number finds nothing and echoes nothing.
    const real = (await store.getLead(leads[0].id))!.phones[0].e164;
    answers.push((await api(server, 'GET', `/leads?q=${encodeURIComponent(real)}`, sam)).text);

    // Stream: full replay, then live changes to his leads (inbound, status, opt-out, refusals).
    const c = await connect(server, sam, 0, 'sam-desktop');
    const target = leads.find((l: any) => l.phones[0].display.startsWith('+1 '))!;
    const uk = leads.find((l: any) => l.phones.some((p: any) => p.display.startsWith('+44')));
    await server.internals.sandbox.sms!.inbound(
      (await store.getLead(target.id))!.phones[0].e164,
      'Hi Sam, call me back',
    );
    await server.internals.sandbox.sms!.inbound((await store.getLead(target.id))!.phones[0].e164, 'STOP');
    const id1 = clientId();
    c.send({ type: 'send', send: { clientId: id1, leadId: target.id, channel: 'sms', to: null, body: 'hello' } });
    expect((await c.frame('send.rejected', (f) => f.clientId === id1)).error.code).toBe('opted_out');
    if (uk) {
      const id2 = clientId();
      c.send({ type: 'send', send: { clientId: id2, leadId: uk.id, channel: 'sms', to: null, body: 'hello' } });
      const rej = await c.frame('send.rejected', (f) => f.clientId === id2);
      expect(rej.error.code).toBe('not_us_number');
    }
    // A template naming the phone fills with the masked display, never the number.
    await c.until(
      () =>
        c.events.some(
          (e) =>
            e.event.type === 'lead.upserted' && e.event.lead.id === target.id && e.event.lead.phones[0].smsOptedOut,
        ),
      5000,
      'opt-out on the lead',
    );
    answers.push((await api(server, 'GET', `/nudges`, sam)).text);
    answers.push((await api(server, 'GET', `/leads/${target.id}`, sam)).text);

    const visible = new Set<string>();
    for (const l of leads) for (const p of (await store.getLead(l.id))!.phones) visible.add(p.e164);
    const haystack = answers.join('\n') + '\n' + c.raw.join('\n');
    expect(c.raw.length).toBeGreaterThan(3);
    for (const e164 of visible) for (const f of forms(e164)) expect(haystack.includes(f), `${f} leaked`).toBe(false);
    // The unmasked admin does see numbers (the scan is not vacuous).
    const ada = await signIn(server, 'admin@converse.demo');
    const adaLead = (await api(server, 'GET', `/leads/${target.id}`, ada)).text;
    expect([...forms((await store.getLead(target.id))!.phones[0].e164)].some((f) => adaLead.includes(f))).toBe(true);
    expect(me.role).toBe('sales');
    c.close();
  });

  it('does not find leads by a masked field', async () => {
    const ada = await signIn(server, 'admin@converse.demo');
    const pt = (await api(server, 'GET', '/admin/permission-templates', ada)).body.permissionTemplates[0];
    await api(server, 'PATCH', `/admin/permission-templates/${pt.id}`, ada, { maskedFields: ['phones', 'lastName'] });
    try {
      // Replaying the whole log on a new device shows no last name either: old events were rewritten.
      const fresh = await connect(server, sam, 0, 'new-laptop');
      const head = (fresh.frames.find((f) => f.type === 'welcome') as any).headSeq;
      await fresh.until(() => fresh.lastSeq >= head, 5000, 'replay');
      const samLeads = (await api(server, 'GET', '/leads?limit=100', sam)).body.leads;
      const raw = fresh.raw.join('\n');
      for (const l of samLeads) {
        const real = (await server.internals.store.getLead(l.id))!;
        if (real.lastName)
          expect(raw.includes(`"lastName":"${real.lastName}"`), `${real.lastName} replayed`).toBe(false);
      }
      fresh.close();
      const olivia = (await api(server, 'GET', '/leads?q=olivia', sam)).body.leads;
      expect(olivia.length).toBe(1);
      expect(olivia[0].lastName).toBe('•••••');
      expect((await api(server, 'GET', '/leads?q=johnson', sam)).body.leads).toEqual([]);
    } finally {
      await api(server, 'PATCH', `/admin/permission-templates/${pt.id}`, ada, { maskedFields: ['phones'] });
    }
  });
});
