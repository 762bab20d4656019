import { describe, expect, it } from 'vitest';
import {
  activityNudge,
  inboundMessageNudge,
  leadAssignedNudge,
  preview,
  taskReminderNudge,
} from '../../server/nudges/nudge-rules';

describe('nudge rules', () => {
  it('nudges the owner about an inbound message, opening its conversation, counted under lead', () => {
    const n = inboundMessageNudge({
      leadId: 'L1',
      leadName: 'Maria Garcia',
      channel: 'whatsapp',
      body: 'Hola,\n¿mañana a las 10? 👍',
      recipientId: 'rita',
    });
    expect(n).toEqual({
      kind: 'message',
      entityType: 'lead',
      userId: 'rita',
      leadId: 'L1',
      conversationId: 'L1:whatsapp',
      taskId: null,
      title: 'Maria Garcia · WhatsApp',
      body: 'Hola, ¿mañana a las 10? 👍',
    });
    expect(
      inboundMessageNudge({
        leadId: 'L1',
        leadName: 'M',
        channel: 'sms',
        body: '',
        attachmentName: 'photo.jpg',
        recipientId: 'rita',
      })?.body,
    ).toBe('📎 photo.jpg');
    expect(
      inboundMessageNudge({ leadId: 'L1', leadName: 'M', channel: 'sms', body: 'hi', recipientId: null }),
    ).toBeNull();
  });

  it('says who assigned a lead, or that round-robin did', () => {
    expect(
      leadAssignedNudge({ leadId: 'L2', leadName: 'José Núñez', ownerId: 'rita', assignedByName: 'Ada Admin' }),
    ).toMatchObject({
      kind: 'assignment',
      entityType: 'lead',
      userId: 'rita',
      title: 'New lead: José Núñez',
      body: 'Ada Admin assigned this lead to you.',
    });
    expect(leadAssignedNudge({ leadId: 'L2', leadName: 'José Núñez', ownerId: 'sam', assignedByName: null }).body).toBe(
      'Assigned to you by round-robin.',
    );
  });

  it("writes a task reminder's due time in the workspace time zone, counted under task", () => {
    const n = taskReminderNudge(
      {
        taskId: 'T1',
        userId: 'rita',
        leadId: 'L1',
        title: 'Call Maria back',
        dueAt: new Date('2026-03-10T14:00:00Z'),
        reminderMinutes: 15,
        fireAt: new Date('2026-03-10T13:45:00Z'),
        firedAt: null,
      },
      { timeZone: 'America/New_York', leadName: 'Maria Garcia' },
    );
    expect(n).toMatchObject({
      kind: 'task',
      entityType: 'task',
      userId: 'rita',
      taskId: 'T1',
      leadId: 'L1',
      title: 'Task due: Call Maria back',
    });
    expect(n.body).toBe('Due 10 Mar 2026, 10:00 EDT · Maria Garcia');
  });

  it('nudges the lead owner about an activity someone else posted, counted under activity', () => {
    const base = {
      leadId: 'L1',
      leadName: 'Maria Garcia',
      ownerId: 'rita',
      activityType: 'Email Opened',
      summary: 'Opened "Spring offer"',
    };
    expect(activityNudge(base)).toMatchObject({
      kind: 'activity',
      entityType: 'activity',
      userId: 'rita',
      title: 'Email Opened: Maria Garcia',
      body: 'Opened "Spring offer"',
    });
    expect(activityNudge({ ...base, postedById: 'rita' })).toBeNull();
    expect(activityNudge({ ...base, ownerId: null })).toBeNull();
  });

  it('keeps previews to one line of 140 characters without splitting an emoji', () => {
    const long = '😀'.repeat(200);
    const p = preview(long);
    expect([...p]).toHaveLength(140);
    expect(p.endsWith('😀…')).toBe(true);
  });
});
