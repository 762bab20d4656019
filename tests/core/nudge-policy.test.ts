// The nudge policy as a decision table: each row is one situation and the outcome a rep sees.
import { decideNudge, burstText, coalesceKey, STALE_AFTER_MS, type NudgeContext } from '../../main/core/nudge-policy';
import { NudgeCoordinator } from '../../main/core/nudges';
import type { NudgeResult } from '../../main/core/ports';
import { nudge, RecordingNotifier } from './support/fixtures';

const NOW = Date.parse('2026-11-24T12:00:00.000Z');
const at = (agoMs: number) => new Date(NOW - agoMs).toISOString();
const base: NudgeContext = { now: NOW, signedIn: true, doNotDisturb: false, mutedConversations: new Set(), focusedConversationId: null, windowFocused: false };
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
  ['message while that conversation is open in a focused window', msg, 0, { focusedConversationId: 'maria:sms', windowFocused: true }, { status: 'suppressed', reason: 'conversation-focused' }],
  ['message while that conversation is open but the window is not focused', msg, 0, { focusedConversationId: 'maria:sms', windowFocused: false }, 'show'],
  ['message while another conversation is focused', msg, 0, { focusedConversationId: 'jose:sms', windowFocused: true }, 'show'],
  ['task reminder while a conversation is focused', task, 0, { focusedConversationId: 'maria:sms', windowFocused: true }, 'show'],
  ['do not disturb', msg, 0, { doNotDisturb: true }, { status: 'suppressed', reason: 'do-not-disturb' }],
  ['do not disturb, task reminder', task, 0, { doNotDisturb: true }, { status: 'suppressed', reason: 'do-not-disturb' }],
  ['muted conversation', msg, 0, { mutedConversations: new Set(['maria:sms']) }, { status: 'suppressed', reason: 'muted' }],
  ['another conversation muted', msg, 0, { mutedConversations: new Set(['jose:sms']) }, 'show'],
  ['signed out', msg, 0, { signedIn: false }, { status: 'suppressed', reason: 'signed-out' }],
  ['replayed backlog older than the stale limit', msg, STALE_AFTER_MS + 1, {}, { status: 'suppressed', reason: 'stale' }],
  ['replayed backlog just inside the stale limit', msg, STALE_AFTER_MS - 1000, {}, 'show'],
  ['signed out wins over stale', msg, STALE_AFTER_MS * 10, { signedIn: false }, { status: 'suppressed', reason: 'signed-out' }],
  ['stale wins over do not disturb', msg, STALE_AFTER_MS * 10, { doNotDisturb: true }, { status: 'suppressed', reason: 'stale' }],
  ['do not disturb wins over muted', msg, 0, { doNotDisturb: true, mutedConversations: new Set(['maria:sms']) }, { status: 'suppressed', reason: 'do-not-disturb' }],
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

  it('words a burst as "3 new messages from Maria Garcia" with the newest text', () => {
    const burst = [1, 2, 3].map((i) => ({ ...msg, id: `m${i}`, body: `text ${i}` }));
    expect(burstText(burst, 'Maria Garcia')).toEqual({ title: '3 new messages from Maria Garcia', body: 'text 3' });
    expect(burstText(burst.slice(0, 1), 'Maria Garcia')).toEqual({ title: msg.title, body: 'text 1' });
  });
});

describe('nudge coordinator', () => {
  it('shows one notification for a burst from one lead, and every attempt gets a result', async () => {
    const notifier = new RecordingNotifier();
    const clicks: string[] = [];
    const c = new NudgeCoordinator({ notifier, context: () => ({ ...base, now: Date.now() }), leadName: () => 'Maria Garcia', onClick: (n) => clicks.push(n.conversationId ?? ''), coalesceWindowMs: 30 });
    const now = new Date().toISOString();
    const results = await Promise.all([1, 2, 3].map((i) => c.offer({ ...msg, id: `m${i}`, createdAt: now, body: `text ${i}` }, now)));
    expect(results).toEqual([{ status: 'suppressed', reason: 'coalesced' }, { status: 'suppressed', reason: 'coalesced' }, { status: 'shown' }]);
    expect(notifier.shown.map((n) => n.title)).toEqual(['3 new messages from Maria Garcia']);
    notifier.clicks[0]();
    expect(clicks).toEqual(['maria:sms']);
  });

  it('re-checks the policy when the burst is due: opening the conversation meanwhile suppresses it', async () => {
    const notifier = new RecordingNotifier();
    let ctx = { ...base, now: Date.now() };
    const c = new NudgeCoordinator({ notifier, context: () => ctx, leadName: () => null, onClick: () => {}, coalesceWindowMs: 30 });
    const now = new Date().toISOString();
    const pending = c.offer({ ...msg, createdAt: now }, now);
    ctx = { ...ctx, focusedConversationId: 'maria:sms', windowFocused: true };
    expect(await pending).toEqual({ status: 'suppressed', reason: 'conversation-focused' });
    expect(notifier.shown).toEqual([]);
  });

  it('reports a notifier failure as failed with its reason', async () => {
    const c = new NudgeCoordinator({
      notifier: { show: async () => { throw new Error('no notification daemon'); } },
      context: () => ({ ...base, now: Date.now() }), leadName: () => null, onClick: () => {}, coalesceWindowMs: 0,
    });
    const now = new Date().toISOString();
    expect(await c.offer({ ...task, createdAt: now }, now)).toEqual({ status: 'failed', reason: 'no notification daemon' });
  });
});
