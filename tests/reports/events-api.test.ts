import { afterEach, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { ApiError } from '../../shared/domain';
import {
  EventRejected,
  type ActivityEvent,
  type LeadEvent,
  type TaskEvent,
} from '../../server/nudges/crm-event-shapes';
import { registerEventsRoute } from '../../server/http/routes-events';
import { apiKeyMatchesHash, hashApiKey } from '../../server/auth/api-keys';

const KEY = 'wk_live_0123456789abcdef';
let app: FastifyInstance | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

async function build(over: Partial<Parameters<typeof registerEventsRoute>[1]> = {}) {
  const calls = { lead: [] as LeadEvent[], task: [] as TaskEvent[], activity: [] as ActivityEvent[] };
  app = Fastify({ logger: false });
  await registerEventsRoute(app, {
    apiKeyHashes: () => [hashApiKey(KEY)],
    onLead: (e) => {
      calls.lead.push(e);
    },
    onTask: (e) => {
      calls.task.push(e);
    },
    onActivity: async (e) => {
      calls.activity.push(e);
    },
    ...over,
  });
  await app.ready();
  return calls;
}

const post = (payload: unknown, key: string | null = KEY, raw = false) =>
  app!.inject({
    method: 'POST',
    url: '/api/v1/events',
    headers: { 'content-type': 'application/json', ...(key === null ? {} : { 'x-api-key': key }) },
    payload: raw ? (payload as string) : JSON.stringify(payload),
  });

const leadAssigned = {
  type: 'lead',
  eventId: 'crm-1',
  action: 'assigned',
  lead: {
    id: 'lead-42',
    firstName: 'Maria',
    lastName: 'Garcia',
    phones: [{ number: '+14155550134', primary: true }],
    owner: { email: 'Rita@Converse.demo' },
  },
  assignedBy: { email: 'admin@converse.demo' },
};
const taskCreated = {
  type: 'task',
  eventId: 'crm-2',
  action: 'created',
  task: {
    id: 'task-7',
    title: 'Call Maria back',
    leadId: 'lead-42',
    owner: { email: 'rita@converse.demo' },
    dueAt: '2026-03-10T15:00:00Z',
    reminderMinutes: 30,
  },
};
const activityPosted = {
  type: 'activity',
  eventId: 'crm-3',
  activity: {
    id: 'act-9',
    leadId: 'lead-42',
    activityType: 'Email Opened',
    summary: 'Opened "Spring offer"',
    at: '2026-03-10T14:00:00Z',
  },
};

describe('POST /api/v1/events', () => {
  it('refuses a missing or wrong API key with 401 before looking at the body', async () => {
    const calls = await build();
    for (const key of [null, 'wk_live_wrong', `${KEY}x`, '']) {
      const res = await post({ nonsense: true }, key);
      expect(res.statusCode).toBe(401);
      expect(ApiError.parse(res.json()).error.code).toBe('unauthorized');
    }
    expect(calls.lead.length + calls.task.length + calls.activity.length).toBe(0);
  });

  it('refuses everyone when the workspace has no API key', async () => {
    await build({ apiKeyHashes: () => [] });
    expect((await post(leadAssigned, '')).statusCode).toBe(401);
    expect((await post(leadAssigned, KEY)).statusCode).toBe(401);
  });

  it('answers a bad body with 400 and an error that names the problem', async () => {
    const calls = await build();
    const cases: Array<[unknown, RegExp]> = [
      [{ ...taskCreated, task: { ...taskCreated.task, dueAt: 'tomorrow' } }, /task\.dueAt/],
      [{ ...leadAssigned, type: 'opportunity' }, /type must be "lead", "task" or "activity"/],
      [{ ...taskCreated, action: 'snoozed' }, /action/],
      [{ ...leadAssigned, lead: { ...leadAssigned.lead, owner: {} } }, /id or email/],
      [{ events: [] }, /at least one event/],
      [{ events: [activityPosted, { ...activityPosted, activity: { leadId: 'x' } }] }, /events\[1\].*activity\.id/],
      [[leadAssigned], /one event object/],
    ];
    for (const [body, message] of cases) {
      const res = await post(body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      const err = ApiError.parse(res.json()).error;
      expect(err.code).toBe('invalid_request');
      expect(err.message).toMatch(message);
    }
    const notJson = await post('{"type": "lead",', KEY, true);
    expect(notJson.statusCode).toBe(400);
    expect(ApiError.parse(notJson.json()).error).toEqual({
      code: 'invalid_request',
      message: 'The body is not valid JSON.',
    });
    const notJsonType = await app!.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: { 'content-type': 'text/plain', 'x-api-key': KEY },
      payload: 'hi',
    });
    expect(notJsonType.statusCode).toBe(400);
    expect(ApiError.parse(notJsonType.json()).error.message).toMatch(/one event object/);
    // A batch with one bad event changes nothing.
    expect(calls.activity).toHaveLength(0);
  });

  it('passes good events, single or batched, to their handlers as parsed data', async () => {
    const calls = await build();
    const one = await post(leadAssigned);
    expect(one.statusCode).toBe(202);
    expect(one.json()).toEqual({ accepted: 1 });
    const batch = await post({
      events: [
        taskCreated,
        activityPosted,
        { type: 'task', eventId: 'crm-4', action: 'completed', task: { id: 'task-7' } },
      ],
    });
    expect(batch.json()).toEqual({ accepted: 3 });
    expect(calls.lead[0].lead.owner).toEqual({ email: 'rita@converse.demo' });
    expect(calls.lead[0].action).toBe('assigned');
    expect(calls.task.map((t) => [t.eventId, t.action])).toEqual([
      ['crm-2', 'created'],
      ['crm-4', 'completed'],
    ]);
    const created = calls.task[0];
    expect(created.action === 'created' && created.task.reminderMinutes).toBe(30);
    expect(calls.activity[0].activity).toMatchObject({ id: 'act-9', activityType: 'Email Opened' });
  });

  it("reports a handler's refusal with its code and which event, and hides crashes behind a 500", async () => {
    await build({
      onTask: () => {
        throw new EventRejected('not_found', 'No user with the email rita@converse.demo.');
      },
      onActivity: () => {
        throw new Error('database is locked');
      },
    });
    const refused = await post({ events: [leadAssigned, taskCreated] });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.code).toBe('not_found');
    expect(refused.json().error.message).toMatch(/Event 1 \(crm-2\) was refused: No user/);
    const crashed = await post(activityPosted);
    expect(crashed.statusCode).toBe(500);
    expect(crashed.json()).toEqual({ error: { code: 'internal', message: 'The events could not be processed.' } });
  });

  it('compares keys in constant time over digests, accepting any current key', () => {
    expect(apiKeyMatchesHash(KEY, [hashApiKey('old-key'), hashApiKey(KEY)])).toBe(true);
    expect(apiKeyMatchesHash(KEY.slice(0, -1), [hashApiKey(KEY)])).toBe(false);
    expect(apiKeyMatchesHash('', [hashApiKey('')])).toBe(false);
  });
});
