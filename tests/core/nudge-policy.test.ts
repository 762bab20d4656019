// The nudge policy as a decision table: each row is one situation and the outcome a rep sees.
import {
  decideNudge,
  burstText,
  coalesceKey,
  inQuietHours,
  STALE_AFTER_MS,
  type NudgeContext,
} from '../../main/core/nudge-policy';
import { DEFAULT_NUDGE_SETTINGS, type NudgeSettings } from '../../shared/domain';
import { NudgeCoordinator } from '../../main/core/nudges';
import type { NudgeResult } from '../../main/core/ports';
import { nudge, RecordingNotifier } from './support/fixtures';

const NOW = Date.parse('2026-11-24T12:00:00.000Z');
const at = (agoMs: number) => new Date(NOW - agoMs).toISOString();
const NOON = 12 * 60;
const base: NudgeContext = {
  now: NOW,
  signedIn: true,
  doNotDisturb: false,
  mutedConversations: new Set(),
  focusedConversationId: null,
  windowFocused: false,
  nudgeSettings: DEFAULT_NUDGE_SETTINGS,
  localMinutes: NOON,
};
/** Carter settings with some kinds off and/or quiet hours. */
const carter = (kinds: Partial<NudgeSettings['kinds']>, quiet?: [string, string]): NudgeSettings => ({
  ...DEFAULT_NUDGE_SETTINGS,
  kinds: { ...DEFAULT_NUDGE_SETTINGS.kinds, ...kinds },
  quietHours: quiet ? { enabled: true, from: quiet[0], to: quiet[1] } : DEFAULT_NUDGE_SETTINGS.quietHours,
});
const msg = nudge('n-msg', 'message', 'maria', at(0));
const assignment = nudge('n-assign', 'assignment', 'maria', at(0));
const task = nudge('n-task', 'task', null, at(0), { taskId: 't1' });
const activity = nudge('n-act', 'activity', 'maria', at(0));

type Row = [string, typeof msg, number, Partial<NudgeContext>, NudgeResult | 'show'];
const table: Row[] = [
  ['inbound message, app in the background', msg, 0, {}, 'show'],
  ['lead assignment', assignment, 0, {}, 'show'],
  ['task reminder', task, 0, {}, 'show'],
  ['activity on an owned lead', activity, 0, {}, 'show'],
  [
    'message while that conversation is open in a focused window',
    msg,
    0,
    { focusedConversationId: 'maria:sms', windowFocused: true },
    { status: 'suppressed', reason: 'conversation-focused' },
  ],
  [
    'message while that conversation is open but the window is not focused',
    msg,
    0,
    { focusedConversationId: 'maria:sms', windowFocused: false },
    'show',
  ],
  [
    'message while another conversation is focused',
    msg,
    0,
    { focusedConversationId: 'jose:sms', windowFocused: true },
    'show',
  ],
  [
    'task reminder while a conversation is focused',
    task,
    0,
    { focusedConversationId: 'maria:sms', windowFocused: true },
    'show',
  ],
  ['do not disturb', msg, 0, { doNotDisturb: true }, { status: 'suppressed', reason: 'do-not-disturb' }],
  [
    'do not disturb, task reminder',
    task,
    0,
    { doNotDisturb: true },
    { status: 'suppressed', reason: 'do-not-disturb' },
  ],
  [
    'muted conversation',
    msg,
    0,
    { mutedConversations: new Set(['maria:sms']) },
    { status: 'suppressed', reason: 'muted' },
  ],
  ['another conversation muted', msg, 0, { mutedConversations: new Set(['jose:sms']) }, 'show'],
  ['signed out', msg, 0, { signedIn: false }, { status: 'suppressed', reason: 'signed-out' }],
  [
    'replayed backlog older than the stale limit',
    msg,
    STALE_AFTER_MS + 1,
    {},
    { status: 'suppressed', reason: 'stale' },
  ],
  ['replayed backlog just inside the stale limit', msg, STALE_AFTER_MS - 1000, {}, 'show'],
  [
    'signed out wins over stale',
    msg,
    STALE_AFTER_MS * 10,
    { signedIn: false },
    { status: 'suppressed', reason: 'signed-out' },
  ],
  [
    'stale wins over do not disturb',
    msg,
    STALE_AFTER_MS * 10,
    { doNotDisturb: true },
    { status: 'suppressed', reason: 'stale' },
  ],
  [
    'do not disturb wins over muted',
    msg,
    0,
    { doNotDisturb: true, mutedConversations: new Set(['maria:sms']) },
    { status: 'suppressed', reason: 'do-not-disturb' },
  ],
  // Carter settings: each kind on or off on its own, quiet hours in local time.
  [
    'new-message nudges off',
    msg,
    0,
    { nudgeSettings: carter({ message: false }) },
    { status: 'suppressed', reason: 'kind-off' },
  ],
  [
    'new-message nudges off, an assignment still shows',
    assignment,
    0,
    { nudgeSettings: carter({ message: false }) },
    'show',
  ],
  [
    'lead-assigned nudges off',
    assignment,
    0,
    { nudgeSettings: carter({ assignment: false }) },
    { status: 'suppressed', reason: 'kind-off' },
  ],
  [
    'task-reminder nudges off',
    task,
    0,
    { nudgeSettings: carter({ task: false }) },
    { status: 'suppressed', reason: 'kind-off' },
  ],
  ['task-reminder nudges off, a message still shows', msg, 0, { nudgeSettings: carter({ task: false }) }, 'show'],
  [
    'activity nudges off',
    activity,
    0,
    { nudgeSettings: carter({ activity: false }) },
    { status: 'suppressed', reason: 'kind-off' },
  ],
  [
    'inside quiet hours across midnight (23:30 in 22:00–07:00)',
    msg,
    0,
    { nudgeSettings: carter({}, ['22:00', '07:00']), localMinutes: 23 * 60 + 30 },
    { status: 'suppressed', reason: 'quiet-hours' },
  ],
  [
    'inside quiet hours after midnight (06:59 in 22:00–07:00)',
    task,
    0,
    { nudgeSettings: carter({}, ['22:00', '07:00']), localMinutes: 6 * 60 + 59 },
    { status: 'suppressed', reason: 'quiet-hours' },
  ],
  [
    'quiet hours just ended (07:00 in 22:00–07:00)',
    msg,
    0,
    { nudgeSettings: carter({}, ['22:00', '07:00']), localMinutes: 7 * 60 },
    'show',
  ],
  [
    'outside same-day quiet hours (12:00 in 13:00–14:00)',
    msg,
    0,
    { nudgeSettings: carter({}, ['13:00', '14:00']) },
    'show',
  ],
  [
    'quiet hours set but turned off',
    msg,
    0,
    {
      nudgeSettings: { ...carter({}, ['00:00', '23:59']), quietHours: { enabled: false, from: '00:00', to: '23:59' } },
    },
    'show',
  ],
  [
    'stale wins over a kind turned off',
    msg,
    STALE_AFTER_MS * 10,
    { nudgeSettings: carter({ message: false }) },
    { status: 'suppressed', reason: 'stale' },
  ],
  [
    'do not disturb wins over a kind turned off',
    msg,
    0,
    { doNotDisturb: true, nudgeSettings: carter({ message: false }) },
    { status: 'suppressed', reason: 'do-not-disturb' },
  ],
  [
    'a kind turned off wins over quiet hours',
    msg,
    0,
    { nudgeSettings: carter({ message: false }, ['11:00', '13:00']) },
    { status: 'suppressed', reason: 'kind-off' },
  ],
  [
    'quiet hours win over a muted conversation',
    msg,
    0,
    { nudgeSettings: carter({}, ['11:00', '13:00']), mutedConversations: new Set(['maria:sms']) },
    { status: 'suppressed', reason: 'quiet-hours' },
  ],
];

describe('nudge policy decision table', () => {
  it.each(table)('%s', (_name, n, ageMs, ctx, expected) => {
    const loggedAt = at(ageMs);
    const decision = decideNudge({ ...n, createdAt: loggedAt }, loggedAt, { ...base, ...ctx });
    if (expected === 'show') expect(decision).toEqual({ show: true });
    else expect(decision).toEqual({ show: false, result: expected });
  });

  it('groups message nudges by lead and keeps other kinds apart', () => {
    expect(coalesceKey(msg)).toBe(coalesceKey({ ...msg, id: 'other' }));
    expect(coalesceKey(assignment)).not.toBe(coalesceKey({ ...assignment, id: 'other' }));
  });

  it('words a burst as "3 new messages from Maria Garcia · SMS" with the newest text', () => {
    const burst = [1, 2, 3].map((i) => ({ ...msg, id: `m${i}`, body: `text ${i}` }));
    expect(burstText(burst, 'Maria Garcia')).toEqual({
      title: '3 new messages from Maria Garcia · SMS',
      body: 'text 3',
    });
    expect(burstText(burst.slice(0, 1), 'Maria Garcia')).toEqual({ title: 'Maria Garcia · SMS', body: 'text 1' });
    expect(burstText([{ ...msg, conversationId: 'maria:whatsapp' }], 'Maria Garcia').title).toBe(
      'Maria Garcia · WhatsApp',
    );
    expect(burstText([task], null)).toEqual({ title: task.title, body: task.body });
  });

  it('treats equal quiet-hour ends as no quiet hours, and the end minute as outside', () => {
    const q = (from: string, to: string) => ({ enabled: true, from, to });
    expect(inQuietHours(q('09:00', '09:00'), 9 * 60)).toBe(false);
    expect(inQuietHours(q('09:00', '17:00'), 9 * 60)).toBe(true);
    expect(inQuietHours(q('09:00', '17:00'), 17 * 60)).toBe(false);
  });
});

describe('nudge coordinator', () => {
  it('shows one notification for a burst from one lead, and every attempt gets a result', async () => {
    const notifier = new RecordingNotifier();
    const clicks: string[] = [];
    const c = new NudgeCoordinator({
      notifier,
      context: () => ({ ...base, now: Date.now() }),
      leadName: () => 'Maria Garcia',
      onClick: (n) => clicks.push(n.conversationId ?? ''),
      coalesceWindowMs: 30,
    });
    const now = new Date().toISOString();
    const results = await Promise.all(
      [1, 2, 3].map((i) => c.offer({ ...msg, id: `m${i}`, createdAt: now, body: `text ${i}` }, now)),
    );
    expect(results).toEqual([
      { status: 'suppressed', reason: 'coalesced' },
      { status: 'suppressed', reason: 'coalesced' },
      { status: 'shown' },
    ]);
    expect(notifier.shown.map((n) => n.title)).toEqual(['3 new messages from Maria Garcia · SMS']);
    notifier.clicks[0]();
    expect(clicks).toEqual(['maria:sms']);
  });

  it('re-checks the policy when the burst is due: opening the conversation meanwhile suppresses it', async () => {
    const notifier = new RecordingNotifier();
    let ctx = { ...base, now: Date.now() };
    const c = new NudgeCoordinator({
      notifier,
      context: () => ctx,
      leadName: () => null,
      onClick: () => {},
      coalesceWindowMs: 30,
    });
    const now = new Date().toISOString();
    const pending = c.offer({ ...msg, createdAt: now }, now);
    ctx = { ...ctx, focusedConversationId: 'maria:sms', windowFocused: true };
    expect(await pending).toEqual({ status: 'suppressed', reason: 'conversation-focused' });
    expect(notifier.shown).toEqual([]);
  });

  it('reports a notifier failure as failed with its reason', async () => {
    const c = new NudgeCoordinator({
      notifier: {
        show: async () => {
          throw new Error('no notification daemon');
        },
      },
      context: () => ({ ...base, now: Date.now() }),
      leadName: () => null,
      onClick: () => {},
      coalesceWindowMs: 0,
    });
    const now = new Date().toISOString();
    expect(await c.offer({ ...task, createdAt: now }, now)).toEqual({
      status: 'failed',
      reason: 'no notification daemon',
    });
  });
});
