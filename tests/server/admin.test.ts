// Admin changes reach exactly the users the visibility rule names: a new lead goes to its owner
// (nudged), a reassignment removes it from the old owner and shows it — masked — to the new one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, connect, signIn, startTestServer, type TestServer } from './support';

let server: TestServer;
let ada: string;
let rita: string;
let sam: string;

beforeAll(async () => {
  server = await startTestServer();
  [ada, rita, sam] = await Promise.all(['admin', 'rita', 'sam'].map((n) => signIn(server, `${n}@converse.demo`)));
});
afterAll(async () => {
  await server?.stop();
});

describe('admin', () => {
  it('creates and reassigns leads, conversations and tasks with the right events and nudges', async () => {
    const users = (await api(server, 'GET', '/admin/users', ada)).body.users;
    const ritaId = users.find((u: any) => u.email === 'rita@converse.demo').id;
    const samId = users.find((u: any) => u.email === 'sam@converse.demo').id;
    const r = await connect(server, rita, 0, 'rita-admin');
    const s = await connect(server, sam, 0, 'sam-admin');

    const created = await api(server, 'POST', '/admin/leads', ada, {
      firstName: 'Kai',
      lastName: 'Lindqvist',
      ownerId: ritaId,
      phones: [{ number: '(415) 555-0166', label: 'Mobile' }, { number: '+14155550167' }],
    });
    expect(created.status).toBe(201);
    const leadId = created.body.id;
    expect(created.body.phones.map((p: any) => p.display)).toEqual(['+1 415 555 0166', '+1 415 555 0167']);
    await r.until(
      () => r.events.some((e) => e.event.type === 'lead.upserted' && e.event.lead.id === leadId),
      3000,
      'lead to its owner',
    );
    await r.until(
      () =>
        r.events.some(
          (e) => e.event.type === 'nudge' && e.event.nudge.kind === 'assignment' && e.event.nudge.leadId === leadId,
        ),
      3000,
      'assignment nudge',
    );
    expect(s.events.some((e) => e.event.type === 'lead.upserted' && e.event.lead.id === leadId)).toBe(false);

    const dup = await api(server, 'POST', '/admin/leads', ada, {
      firstName: 'Copy',
      phones: [{ number: '+14155550166' }],
    });
    expect(dup.status).toBe(409);
    expect(
      (await api(server, 'POST', '/admin/leads', ada, { firstName: 'Bad', phones: [{ number: '12' }] })).body.error
        .code,
    ).toBe('invalid_request');

    // Reassign to Sam: Rita loses it, Sam sees it with masked numbers.
    expect((await api(server, 'PATCH', `/admin/leads/${leadId}`, ada, { ownerId: samId })).status).toBe(200);
    await r.until(
      () => r.events.some((e) => e.event.type === 'lead.removed' && e.event.leadId === leadId),
      3000,
      'lead removed from Rita',
    );
    const samLead = await s.until(
      () => s.events.map((e) => e.event).find((e) => e.type === 'lead.upserted' && e.lead.id === leadId) as any,
      3000,
      'lead to Sam',
    );
    expect(samLead.lead.phones[0].display).toBe('+1 •••• ••66');
    expect((await api(server, 'GET', `/leads/${leadId}`, rita)).status).toBe(404);
    const ritaLater = await connect(server, rita, 0, 'rita-new-device');
    const ritaHead = (ritaLater.frames.find((f) => f.type === 'welcome') as any).headSeq;
    await ritaLater.until(() => ritaLater.lastSeq >= ritaHead, 5000, 'replay');
    expect(ritaLater.raw.join('').includes('Lindqvist')).toBe(false);
    ritaLater.close();
    const activity = (await api(server, 'GET', `/leads/${leadId}`, ada)).body.activity.map((a: any) => a.type);
    expect(activity).toEqual(expect.arrayContaining(['lead.created', 'lead.assigned']));

    // A conversation assigned to Rita shows her the lead again.
    await server.internals.sandbox.sms!.inbound('+14155550166', 'hello?');
    expect(
      (
        await api(server, 'POST', `/admin/conversations/${encodeURIComponent(`${leadId}:sms`)}/assign`, ada, {
          userId: ritaId,
        })
      ).status,
    ).toBe(200);
    await r.until(
      () =>
        r.events.some(
          (e) =>
            e.event.type === 'message.upserted' &&
            e.event.message.leadId === leadId &&
            e.event.message.body === 'hello?',
        ),
      3000,
      'conversation history to the assignee',
    );
    expect((await api(server, 'GET', `/leads/${leadId}`, rita)).status).toBe(200);

    const task = await api(server, 'POST', '/admin/tasks', ada, {
      title: 'Call Kai',
      leadId,
      ownerId: samId,
      dueAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    expect(task.status).toBe(201);
    await s.until(
      () => s.events.some((e) => e.event.type === 'nudge' && e.event.nudge.taskId === task.body.id),
      3000,
      'task nudge',
    );
    expect(
      (await api(server, 'POST', '/admin/tasks', ada, { title: 'x', ownerId: samId, dueAt: 'tomorrow' })).status,
    ).toBe(400);

    // Templates: a new approved, available WhatsApp template reaches reps; disabling it removes it.
    const tpl = await api(server, 'POST', '/admin/templates', ada, {
      channel: 'whatsapp',
      name: 'kai_hello',
      body: 'Hi {{1}}',
      params: ['FirstName'],
      status: 'APPROVED',
      language: 'en_US',
      category: 'UTILITY',
    });
    await r.until(
      () => r.events.some((e) => e.event.type === 'template.upserted' && e.event.template.id === tpl.body.id),
      3000,
      'template',
    );
    await api(server, 'PATCH', `/admin/templates/${tpl.body.id}`, ada, { availableInConverse: false });
    await r.until(
      () => r.events.some((e) => e.event.type === 'template.removed' && e.event.templateId === tpl.body.id),
      3000,
      'template removed',
    );
    r.close();
    s.close();
  });

  it('revokes sessions on password change', async () => {
    const token = await signIn(server, 'rita@converse.demo');
    const ritaId = (await api(server, 'GET', '/me', token)).body.id;
    expect((await api(server, 'PATCH', `/admin/users/${ritaId}`, ada, { password: 'short' })).status).toBe(400);
    expect(
      (await api(server, 'PATCH', `/admin/users/${ritaId}`, ada, { password: 'a-new-long-password' })).status,
    ).toBe(200);
    expect((await api(server, 'GET', '/me', token)).status).toBe(401);
    expect(
      (
        await api(server, 'POST', '/auth/sign-in', null, {
          email: 'rita@converse.demo',
          password: 'a-new-long-password',
        })
      ).status,
    ).toBe(200);
  });
});
