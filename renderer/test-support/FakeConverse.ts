// A small in-memory ConverseApi for component tests: real zod validation of every call (as
// main does), data the test sets up, a log of calls, and events the test pushes.
import {
  IpcCalls,
  IpcEvents,
  type ConverseApi,
  type ConversationSummary,
  type IpcArgs,
  type IpcCallName,
  type IpcEventName,
  type IpcEventPayload,
  type IpcResult,
  type Session,
  type Settings,
} from '../../shared/ipc';
import {
  conversationIdOf,
  DEFAULT_NUDGE_SETTINGS,
  type ActivityView,
  type AttachmentView,
  type Channel,
  type LeadView,
  type MessageView,
  type NudgeView,
  type TemplateView,
} from '../../shared/domain';
import { fillTemplate } from '../../shared/template-fill';

const NOW = () => new Date().toISOString();

export function makeLead(over: Partial<LeadView> = {}): LeadView {
  return {
    id: 'lead-maria',
    firstName: 'Maria',
    lastName: 'Garcia',
    email: 'maria@example.com',
    phones: [
      { handle: 'ph-1', display: '+1 415 555 0134', label: 'mobile', primary: true, masked: false, smsOptedOut: false },
      { handle: 'ph-2', display: '+1 415 555 0178', label: 'work', primary: false, masked: false, smsOptedOut: false },
    ],
    ownerId: 'u-rita',
    ownerName: 'Rita Rep',
    customFields: { City: 'San Francisco' },
    masked: [],
    updatedAt: NOW(),
    ...over,
  };
}

export function makeMessage(over: Partial<MessageView> & { id: string }): MessageView {
  const leadId = over.leadId ?? 'lead-maria';
  const channel = over.channel ?? 'sms';
  return {
    clientId: null,
    conversationId: conversationIdOf(leadId, channel),
    leadId,
    channel,
    direction: 'outbound',
    body: 'Hello',
    phoneHandle: 'ph-1',
    status: 'sent',
    createdAt: NOW(),
    updatedAt: NOW(),
    ...over,
  };
}

export function makeTemplate(over: Partial<TemplateView> & { id: string; name: string }): TemplateView {
  return {
    channel: 'sms',
    body: 'Hi {{FirstName}}',
    params: [],
    availableInConverse: true,
    status: null,
    category: null,
    language: null,
    ...over,
  };
}

export interface Call {
  name: IpcCallName;
  args: unknown;
}

export class FakeConverse implements ConverseApi {
  readonly platform: string;
  readonly shell: 'electron' | 'web';
  calls: Call[] = [];
  session: Session = {
    signedIn: true,
    user: { id: 'u-rita', name: 'Rita Rep', email: 'rita@converse.demo', role: 'sales' },
    serverUrl: 'http://127.0.0.1:4000',
  };
  settings: Settings = {
    doNotDisturb: false,
    language: 'en',
    theme: 'system',
    mutedConversations: [],
    launchAtLogin: false,
    crmLeadUrl: '',
    nudges: DEFAULT_NUDGE_SETTINGS,
  };
  leads: LeadView[] = [makeLead()];
  conversations: ConversationSummary[] = [];
  messages: MessageView[] = [];
  templates: TemplateView[] = [];
  nudges: NudgeView[] = [];
  /** Activity History of every lead (leads.details filters by lead). */
  activity: ActivityView[] = [];
  expanded = false;
  /** What shell.openExternal answers: Electron opens the OS browser; the browser shell cannot. */
  externalOpens = true;
  /** Make the next call of this name fail with this code. */
  failures = new Map<IpcCallName, { code: string; message: string }>();
  /** Uploads wait for the test to finish them (resolveUpload) so progress can be observed. */
  holdUploads = false;
  private pendingUploads = new Map<
    string,
    { resolve: (a: AttachmentView) => void; reject: (e: Error) => void; att: AttachmentView }
  >();
  private listeners = new Map<string, Set<(p: unknown) => void>>();
  private seq = 0;

  constructor(opts: { platform?: string; shell?: 'electron' | 'web' } = {}) {
    this.platform = opts.platform ?? 'linux';
    this.shell = opts.shell ?? 'web';
  }

  callsOf<N extends IpcCallName>(name: N): IpcArgs<N>[] {
    return this.calls.filter((c) => c.name === name).map((c) => c.args as IpcArgs<N>);
  }

  on<N extends IpcEventName>(name: N, listener: (payload: IpcEventPayload<N>) => void): () => void {
    const set = this.listeners.get(name) ?? new Set();
    set.add(listener as (p: unknown) => void);
    this.listeners.set(name, set);
    return () => set.delete(listener as (p: unknown) => void);
  }

  emit<N extends IpcEventName>(name: N, payload: IpcEventPayload<N>): void {
    const parsed = IpcEvents[name].parse(payload);
    for (const l of this.listeners.get(name) ?? []) l(parsed);
  }

  resolveUpload(uploadId: string): void {
    const p = this.pendingUploads.get(uploadId);
    if (!p) throw new Error(`no upload ${uploadId}`);
    this.pendingUploads.delete(uploadId);
    p.resolve(p.att);
  }

  get uploadIds(): string[] {
    return [...this.pendingUploads.keys()];
  }

  async invoke<N extends IpcCallName>(name: N, rawArgs: IpcArgs<N>): Promise<IpcResult<N>> {
    const args = IpcCalls[name].args.parse(rawArgs ?? {});
    this.calls.push({ name, args });
    const failure = this.failures.get(name);
    if (failure) {
      this.failures.delete(name);
      throw Object.assign(new Error(failure.message), { code: failure.code });
    }
    const result = await this.answer(name, args as never);
    return IpcCalls[name].result.parse(result) as IpcResult<N>;
  }

  private async answer(name: IpcCallName, a: any): Promise<unknown> {
    switch (name) {
      case 'session.get':
        return this.session;
      case 'session.signIn':
        this.session = {
          signedIn: true,
          user: { id: 'u-rita', name: 'Rita Rep', email: a.email, role: 'sales' },
          serverUrl: a.serverUrl,
        };
        return this.session;
      case 'session.signOut':
        this.session = { ...this.session, signedIn: false, user: null };
        return this.session;
      case 'connection.get':
        return { status: 'connected', outboxSize: 0 };
      case 'settings.get':
        return this.settings;
      case 'settings.set':
        this.settings = { ...this.settings, ...a };
        return this.settings;
      case 'leads.search': {
        const q = String(a.query).trim().toLowerCase();
        return this.leads.filter((l) => l.firstName.toLowerCase() === q || l.lastName.toLowerCase() === q);
      }
      case 'leads.get':
        return this.leads.find((l) => l.id === a.leadId) ?? null;
      case 'leads.details': {
        const lead = this.leads.find((l) => l.id === a.leadId);
        if (!lead) throw Object.assign(new Error('Lead not found.'), { code: 'not_found' });
        return {
          lead,
          activity: this.activity.filter((x) => x.leadId === lead.id),
          conversations: this.conversations.filter((c) => c.leadId === lead.id),
        };
      }
      case 'conversations.list':
        return this.conversations;
      case 'conversations.get': {
        const found = this.conversations.find((c) => c.id === a.conversationId);
        if (found) return found;
        const [leadId, channel] = String(a.conversationId).split(':');
        const lead = this.leads.find((l) => l.id === leadId);
        return lead
          ? {
              id: a.conversationId,
              leadId,
              channel,
              lastMessageAt: null,
              lastMessagePreview: null,
              windowClosesAt: null,
              leadName: `${lead.firstName} ${lead.lastName}`,
              unreadCount: 0,
              muted: false,
            }
          : null;
      }
      case 'leads.activity': {
        // Newest first, as the server pages it; the cursor is the last id shown.
        const all = this.activity.filter((x) => x.leadId === a.leadId).sort((x, y) => y.at.localeCompare(x.at));
        const start = a.before === null ? 0 : all.findIndex((x) => x.id === a.before) + 1;
        const page = all.slice(start, start + a.limit);
        return { activity: page, before: start + a.limit < all.length ? page.at(-1)!.id : null };
      }
      case 'conversations.setMuted': {
        const muted = new Set(this.settings.mutedConversations);
        if (a.muted) muted.add(a.conversationId);
        else muted.delete(a.conversationId);
        this.settings = { ...this.settings, mutedConversations: [...muted] };
        this.emit('settings.changed', this.settings);
        return {};
      }
      case 'conversations.focus':
      case 'conversations.markRead':
      case 'attachments.cancel':
        return {};
      case 'messages.page': {
        const all = this.messages.filter((m) => m.conversationId === a.conversationId);
        const end = a.before === null ? all.length : all.findIndex((m) => m.id === a.before);
        const start = Math.max(0, end - a.limit);
        return { messages: all.slice(start, end), before: start > 0 ? all[start].id : null };
      }
      case 'messages.send': {
        const m: MessageView = {
          id: `m-${++this.seq}`,
          clientId: a.clientId,
          conversationId: conversationIdOf(a.leadId, a.channel as Channel),
          leadId: a.leadId,
          channel: a.channel,
          direction: 'outbound',
          body: a.body,
          phoneHandle: a.to,
          status: 'pending',
          attachment: a.attachment ?? null,
          caption: a.caption ?? null,
          templateName: a.templateId ? (this.templates.find((t) => t.id === a.templateId)?.name ?? null) : null,
          createdAt: NOW(),
          updatedAt: NOW(),
        };
        this.messages.push(m);
        return m;
      }
      case 'messages.retry': {
        const m = this.messages.find((x) => x.clientId === a.clientId);
        if (!m) throw Object.assign(new Error('No such message.'), { code: 'not_found' });
        Object.assign(m, { status: 'pending', error: null });
        return m;
      }
      case 'messages.search': {
        // Every word must be in the body, newest first (the core's FTS5 index does it for real).
        const words = String(a.query).toLowerCase().split(/\s+/).filter(Boolean);
        return this.messages
          .filter((m) => words.every((w) => m.body.toLowerCase().includes(w)))
          .sort((x, y) => y.createdAt.localeCompare(x.createdAt))
          .slice(0, a.limit);
      }
      case 'templates.list': {
        const lead = a.leadId ? this.leads.find((l) => l.id === a.leadId) : undefined;
        return this.templates
          .filter((t) => t.channel === a.channel)
          .map((t) => ({ ...t, preview: lead ? fillTemplate(t, lead) : t.body }));
      }
      case 'attachments.upload': {
        const bytes = a.bytes as Uint8Array;
        const att: AttachmentView = {
          id: `att-${++this.seq}`,
          fileName: a.fileName,
          mimeType: 'application/octet-stream',
          size: bytes.byteLength,
          kind: kindOf(a.fileName),
        };
        this.emit('attachment.progress', {
          uploadId: a.uploadId,
          loaded: Math.floor(bytes.byteLength / 2),
          total: bytes.byteLength,
        });
        if (!this.holdUploads) return att;
        return new Promise<AttachmentView>((resolve, reject) =>
          this.pendingUploads.set(a.uploadId, { resolve, reject, att }),
        );
      }
      case 'attachments.preview':
        return { url: `app://converse/attachments/${encodeURIComponent(a.attachmentId)}` };
      case 'attachments.download':
        return { url: null, savedTo: '/home/rita/Downloads/file' };
      case 'nudges.list':
        return this.nudges;
      case 'reports.usage':
        return { scope: 'user', timeZone: 'UTC', months: [] };
      case 'window.setExpanded':
        this.expanded = a.expanded;
        return { expanded: this.expanded };
      case 'window.toggle':
        this.expanded = !this.expanded;
        return { expanded: this.expanded };
      case 'shell.openExternal':
        return { opened: this.externalOpens };
      case 'shortcut.status':
        return { accelerator: 'Alt+M', registered: true, error: null };
      default:
        throw new Error(`FakeConverse: ${name} not handled`);
    }
  }
}

function kindOf(fileName: string): AttachmentView['kind'] {
  const ext = fileName.toLowerCase().split('.').pop() ?? '';
  if (['jpg', 'jpeg', 'png', 'gif'].includes(ext)) return 'image';
  if (['mp4', '3gp'].includes(ext)) return 'video';
  if (['mp3', 'aac'].includes(ext)) return 'audio';
  return 'document';
}

/** A conversation summary for the fake's list. */
export function makeSummary(
  over: Partial<ConversationSummary> & { leadId?: string; channel?: Channel } = {},
): ConversationSummary {
  const leadId = over.leadId ?? 'lead-maria';
  const channel = over.channel ?? 'sms';
  return {
    id: conversationIdOf(leadId, channel),
    leadId,
    channel,
    lastMessageAt: NOW(),
    lastMessagePreview: 'Hello',
    windowClosesAt: null,
    leadName: 'Maria Garcia',
    unreadCount: 0,
    muted: false,
    ...over,
  };
}
