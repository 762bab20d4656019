// Builders for the views the server sends, and the fakes a core needs from its shell.
import {
  conversationIdOf,
  type Channel,
  type LeadView,
  type MessageView,
  type NudgeView,
  type ConversationView,
} from '../../../shared/domain';
import { eventually as waitFor } from '../../support/eventually';
import type { CredentialStore, Notifier, NudgeResult, OsNotification, ShellPort } from '../../../main/core/ports';

const T0 = Date.parse('2026-11-24T09:00:00.000Z');
export const iso = (offsetMs: number, base = T0): string => new Date(base + offsetMs).toISOString();

export function lead(id: string, firstName: string, lastName: string, extra: Partial<LeadView> = {}): LeadView {
  return {
    id,
    firstName,
    lastName,
    email: `${firstName.toLowerCase()}@example.com`,
    phones: [{ handle: `ph-${id}-1`, display: '+1 415 555 0134', primary: true, masked: false, smsOptedOut: false }],
    ownerId: 'user-rita',
    ownerName: 'Rita Rep',
    customFields: {},
    masked: [],
    updatedAt: iso(0),
    ...extra,
  };
}

let n = 0;
export function inbound(
  leadId: string,
  body: string,
  at: string,
  channel: Channel = 'sms',
  id = `in-${++n}`,
): MessageView {
  return {
    id,
    clientId: null,
    conversationId: conversationIdOf(leadId, channel),
    leadId,
    channel,
    direction: 'inbound',
    body,
    phoneHandle: `ph-${leadId}-1`,
    templateName: null,
    attachment: null,
    caption: null,
    status: 'received',
    error: null,
    authorUserId: null,
    createdAt: at,
    updatedAt: at,
  };
}

export function conversation(
  leadId: string,
  channel: Channel,
  lastAt: string | null,
  extra: Partial<ConversationView> = {},
): ConversationView {
  return {
    id: conversationIdOf(leadId, channel),
    leadId,
    channel,
    lastMessageAt: lastAt,
    lastMessagePreview: null,
    windowClosesAt: null,
    ...extra,
  };
}

export function nudge(
  id: string,
  kind: NudgeView['kind'],
  leadId: string | null,
  createdAt: string,
  extra: Partial<NudgeView> = {},
): NudgeView {
  return {
    id,
    kind,
    entityType: kind === 'task' ? 'task' : kind === 'activity' ? 'activity' : 'lead',
    leadId,
    conversationId: leadId && kind === 'message' ? conversationIdOf(leadId, 'sms') : null,
    taskId: null,
    title: kind === 'message' ? 'New message from Maria Garcia' : `Nudge ${id}`,
    body: `body of ${id}`,
    createdAt,
    ...extra,
  };
}

export class FakeShell implements ShellPort {
  unread: number[] = [];
  shown = 0;
  launchAtLogin: boolean[] = [];
  expanded = false;
  async setExpanded(e: boolean) {
    this.expanded = e;
    return e;
  }
  async toggle() {
    this.expanded = !this.expanded;
    return this.expanded;
  }
  showWindow() {
    this.shown++;
  }
  async openExternal(_url: string) {
    return true;
  }
  shortcutStatus() {
    return { accelerator: 'Alt+M', registered: true, error: null };
  }
  setUnreadCount(total: number) {
    this.unread.push(total);
  }
  setLaunchAtLogin(enabled: boolean) {
    this.launchAtLogin.push(enabled);
  }
  /** Set by a test to play a shell that serves previews under its own URL. */
  previewUrl?: (attachmentId: string) => string;
}

export class RecordingNotifier implements Notifier {
  shown: OsNotification[] = [];
  clicks: (() => void)[] = [];
  constructor(private readonly answer: NudgeResult = { status: 'shown' }) {}
  async show(n: OsNotification, onClick: () => void): Promise<NudgeResult> {
    this.shown.push(n);
    this.clicks.push(onClick);
    return this.answer;
  }
}

export class MemoryCredentials implements CredentialStore {
  constructor(public value: { serverUrl: string; token: string } | null = null) {}
  async load() {
    return this.value;
  }
  async save(v: { serverUrl: string; token: string }) {
    this.value = v;
  }
  async clear() {
    this.value = null;
  }
}

/**
 * The positional form some of today's tests still call; it is the one polling helper in
 * tests/support/eventually.ts (new tests import that directly).
 */
export function eventually<T>(check: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition') {
  return waitFor(check, { timeoutMs, what });
}
