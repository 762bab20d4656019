// When to nudge the rep: a pure decision over the nudge and the app's state, tested as a
// decision table (tests/core/nudge-policy.test.ts). The coordinator in nudges.ts feeds it and
// shows what it says.
import { parseConversationId, type Channel, type NudgeSettings, type NudgeView } from '../../shared/domain';
import type { NudgeResult } from './ports';

/** A backlog replayed after a long time offline must not fire a storm of stale nudges. */
export const STALE_AFTER_MS = 5 * 60_000;
/** Nudges from one lead within this time of each other become one ("3 new messages from …"). */
export const COALESCE_WINDOW_MS = 1_500;

export interface NudgeContext {
  now: number;
  signedIn: boolean;
  doNotDisturb: boolean;
  mutedConversations: ReadonlySet<string>;
  /** The conversation on screen, if any, and whether its window has focus. */
  focusedConversationId: string | null;
  windowFocused: boolean;
  /** The rep's Carter settings: kinds on or off, sound, quiet hours. */
  nudgeSettings: NudgeSettings;
  /** Minutes since midnight on the desktop's own clock (quiet hours are local). */
  localMinutes: number;
}

export type NudgeDecision = { show: true } | { show: false; result: Extract<NudgeResult, { status: 'suppressed' }> };

const suppress = (reason: Extract<NudgeResult, { status: 'suppressed' }>['reason']): NudgeDecision => ({
  show: false,
  result: { status: 'suppressed', reason },
});

/**
 * Decide one nudge. `loggedAt` is when the server logged the event (its `at`), which is what
 * tells a replayed backlog from a live one. The first matching rule wins, in this order.
 */
export function decideNudge(nudge: NudgeView, loggedAt: string, ctx: NudgeContext): NudgeDecision {
  if (!ctx.signedIn) return suppress('signed-out');
  const at = Math.max(Date.parse(loggedAt) || 0, Date.parse(nudge.createdAt) || 0);
  if (ctx.now - at > STALE_AFTER_MS) return suppress('stale');
  if (ctx.doNotDisturb) return suppress('do-not-disturb');
  if (!ctx.nudgeSettings.kinds[nudge.kind]) return suppress('kind-off');
  if (inQuietHours(ctx.nudgeSettings.quietHours, ctx.localMinutes)) return suppress('quiet-hours');
  if (nudge.conversationId && ctx.mutedConversations.has(nudge.conversationId)) return suppress('muted');
  if (nudge.conversationId && ctx.windowFocused && ctx.focusedConversationId === nudge.conversationId)
    return suppress('conversation-focused');
  return { show: true };
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Quiet from `from` up to (not including) `to`; a span like 22:00–07:00 crosses midnight; from = to is never quiet. */
export function inQuietHours(q: NudgeSettings['quietHours'], localMinutes: number): boolean {
  if (!q.enabled) return false;
  const from = minutesOf(q.from);
  const to = minutesOf(q.to);
  if (from === to) return false;
  return from < to ? localMinutes >= from && localMinutes < to : localMinutes >= from || localMinutes < to;
}

/** A shown nudge plays the app's sound when the rep's Carter settings ask for one. */
export const wantsSound = (ctx: NudgeContext): boolean => ctx.nudgeSettings.sound;

/** The key a burst is grouped by: one lead's messages fold together; other kinds stand alone. */
export function coalesceKey(n: NudgeView): string {
  return n.kind === 'message' && n.leadId ? `lead:${n.leadId}:${n.kind}` : `nudge:${n.id}`;
}

const CHANNEL_NAME: Record<Channel, string> = { sms: 'SMS', whatsapp: 'WhatsApp' };

/**
 * The text of one notification for a burst of nudges of the same key (oldest first). A message
 * names the lead and the channel it came on ("Maria Garcia · WhatsApp"), so the rep knows who
 * wrote and where to answer before opening anything.
 */
export function burstText(burst: readonly NudgeView[], leadName: string | null): { title: string; body: string } {
  const last = burst[burst.length - 1];
  if (last.kind !== 'message') return { title: last.title, body: last.body };
  const channel = last.conversationId ? parseConversationId(last.conversationId)?.channel : undefined;
  const from = leadName ?? last.title;
  const who = burst.length === 1 ? from : `${burst.length} new messages from ${from}`;
  return { title: channel ? `${who} · ${CHANNEL_NAME[channel]}` : who, body: last.body };
}
