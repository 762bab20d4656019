// Free text that reaches a user whose template masks phones never carries a number, however it
// is written: a provider's error quoting it in a national format, a task title in its activity
// text and "New task" nudge, a CRM activity with slashes, underscores or dashes. The server is
// real, the SMS provider is the RingCentral fake; every byte sent to the masked rep is scanned.
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { api, clientId, connect, signIn, startTestServer, type StreamClient, type TestServer } from './support';
import {
  startFakeRingCentral,
  RC_FROM,
  RC_TOKEN,
  RC_VERIFICATION_TOKEN,
  type FakeRingCentral,
} from '../fakes/ringcentral';

const API_KEY = 'cvk_masked-free-text-test-key-0123456789';

let server: TestServer;
let rc: FakeRingCentral;
let sam: string;
let ada: string;
let c: StreamClient;

beforeAll(async () => {
  rc = await startFakeRingCentral();
  server = await startTestServer({
    retryDelaysMs: [10, 10],
    env: {
      CONVERSE_SMS_CONNECTOR: 'ringcentral',
      RINGCENTRAL_SERVER_URL: rc.url,
      RINGCENTRAL_ACCESS_TOKEN: RC_TOKEN,
      RINGCENTRAL_FROM_NUMBER: RC_FROM,
      RINGCENTRAL_VERIFICATION_TOKEN: RC_VERIFICATION_TOKEN,
      CONVERSE_EVENTS_API_KEY: API_KEY,
    },
  });
  sam = await signIn(server, 'sam@converse.demo');
  ada = await signIn(server, 'admin@converse.demo');
  c = await connect(server, sam, 0, 'sam-free-text');
});
afterAll(async () => {
  c?.close();
  await server?.stop();
  await rc?.close();
});

/** The subscriber number (last seven digits) with any separators between its digits. */
const subscriberPattern = (e164: string) =>
  new RegExp(e164.slice(-7).split('').join('[\\s.\\-/_\\u2013\\u2014()\\u00a0]{0,3}'));

describe('free text for a user who may not see numbers', () => {
  let me: any;
  let lead: any;
  let e164: string;
  let national: string;
  let a: string, b: string, d: string;
  beforeAll(async () => {
    me = (await api(server, 'GET', '/me', sam)).body;
    const leads = (await api(server, 'GET', '/leads?limit=100', sam)).body.leads as any[];
    lead = leads.find(
      (l) => l.ownerId === me.id && l.phones[0]?.display.startsWith('+1 ') && !l.phones[0].smsOptedOut,
    )!;
    e164 = (await server.internals.store.getLead(lead.id))!.phones[0].e164;
    const p = parsePhoneNumberFromString(e164)!;
    national = p.formatNational(); // (212) 555-0137
    [a, b, d] = [p.nationalNumber.slice(0, 3), p.nationalNumber.slice(3, 6), p.nationalNumber.slice(6)];
  });

  it('scrubs a provider error quoting the number in national formats', async () => {
    expect(lead).toBeTruthy();
    rc.failNext({
      status: 400,
      json: {
        errorCode: 'MSG-240',
        message: `Phone number ${national} (also tried ${a}.${b}.${d}) is not SMS-capable`,
      },
    });
    const id = clientId();
    c.send({ type: 'send', send: { clientId: id, leadId: lead.id, channel: 'sms', to: null, body: 'Hello from Sam' } });
    const accepted: any = await c.frame('send.accepted', (f) => f.clientId === id);
    const failed: any = await c.until(
      () =>
        c.events.find(
          (e) =>
            e.event.type === 'message.upserted' &&
            e.event.message.id === accepted.messageId &&
            e.event.message.status === 'failed',
        ),
      5000,
      'the failed message',
    );
    expect(failed.event.message.error.message).toBe(
      'RingCentral refused the message: Phone number ••• (also tried •••) is not SMS-capable',
    );
  });

  it('scrubs a task title in its activity text and "New task" nudge', async () => {
    const title = `call back on ${national}`;
    const task = await api(server, 'POST', '/admin/tasks', ada, {
      title,
      leadId: lead.id,
      ownerId: me.id,
      dueAt: '2030-01-01T10:00:00Z',
    });
    expect(task.status).toBe(201);
    const nudge: any = await c.until(
      () => c.events.find((e) => e.event.type === 'nudge' && e.event.nudge.title === 'New task'),
      5000,
      'the New task nudge',
    );
    expect(nudge.event.nudge.body).toBe('call back on •••');
    const summaries = (await api(server, 'GET', `/leads/${lead.id}`, sam)).body.activity.map((x: any) => x.summary);
    expect(summaries).toContain(`Task "call back on •••" created for ${me.name}.`);
    // The admin, who sees numbers, reads the task title as written.
    expect((await api(server, 'GET', '/admin/tasks', ada)).body.tasks.map((t: any) => t.title)).toContain(title);
  });

  it('scrubs CRM activities and custom fields with /, _ or en-dash separators; no byte sent carries the number', async () => {
    const activity = {
      type: 'activity',
      eventId: 'free-text-1',
      activity: {
        id: 'A-free-1',
        leadId: lead.id,
        activityType: 'Call',
        summary: `Voicemail: ${a}/${b}/${d}, ${a}_${b}_${d} and ${a}\u2013${b}\u2013${d}`,
        at: '2026-06-10T08:59:00Z',
      },
    };
    const posted = await fetch(`${server.url}/api/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
      body: JSON.stringify(activity),
    });
    expect(posted.status).toBe(202);
    await c.until(
      () => c.events.find((e) => e.event.type === 'nudge' && e.event.nudge.kind === 'activity'),
      5000,
      'the activity nudge',
    );

    // A custom field an admin typed a second number into.
    expect(
      (await api(server, 'PATCH', `/admin/leads/${lead.id}`, ada, { customFields: { 'Alt phone': `${a}_${b}_${d}` } }))
        .status,
    ).toBe(200);

    const details = await api(server, 'GET', `/leads/${lead.id}`, sam);
    expect(details.body.lead.customFields['Alt phone']).toBe('•••');
    const summaries = details.body.activity.map((x: any) => x.summary);
    expect(summaries, JSON.stringify(summaries)).toContain('Call: Voicemail: •••, ••• and •••');
    const haystack = [
      c.raw.join('\n'),
      details.text,
      (await api(server, 'GET', '/nudges', sam)).text,
      (await api(server, 'GET', `/conversations/${encodeURIComponent(`${lead.id}:sms`)}/messages`, sam)).text,
    ].join('\n');
    expect(haystack).not.toMatch(subscriberPattern(e164));
  });
});
