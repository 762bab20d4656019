// The renderer's whole view of the app: every call it may make to main, every event main may
// push, each with a zod schema. Declared once here; the Electron preload and the browser
// shell's WebSocket bridge both expose exactly this, and main validates every call against
// it before use (an invalid call is answered with an IpcError, never acted on).
import { z } from 'zod';
import {
  Channel,
  ConversationView,
  LeadDetails,
  LeadView,
  MessageView,
  NudgeView,
  TemplateView,
  UserView,
  Timestamp,
  AttachmentView,
  ActivityPage,
  NudgeSettings,
} from './domain';
import { SendRequest } from './stream-protocol';
import { CallErrorCode } from './error-codes';

export const ConnectionState = z.object({
  status: z.enum(['connected', 'connecting', 'offline', 'signed-out']),
  /** When the next reconnect attempt happens (status 'connecting' or 'offline'). */
  retryAt: Timestamp.nullable().optional(),
  /** Why the link is down, in plain words. */
  reason: z.string().nullable().optional(),
  /** Messages waiting in the outbox. */
  outboxSize: z.number().int().nonnegative().default(0),
});
export type ConnectionState = z.infer<typeof ConnectionState>;

export const Session = z.object({
  signedIn: z.boolean(),
  user: UserView.nullable(),
  serverUrl: z.string().nullable(),
});
export type Session = z.infer<typeof Session>;

export const ConversationSummary = ConversationView.extend({
  leadName: z.string(),
  unreadCount: z.number().int().nonnegative(),
  muted: z.boolean().default(false),
});
export type ConversationSummary = z.infer<typeof ConversationSummary>;

export const Settings = z.object({
  doNotDisturb: z.boolean(),
  /** 'system' follows the OS locale. */
  language: z.string(),
  theme: z.enum(['system', 'light', 'dark']),
  mutedConversations: z.array(z.string()),
  launchAtLogin: z.boolean(),
  /** Pattern of the CRM's lead page, with {leadId}; empty: show details in the app. */
  crmLeadUrl: z.string(),
  /** Carter settings: the rep's own, kept on the server and followed by every desktop. */
  nudges: NudgeSettings,
});
export type Settings = z.infer<typeof Settings>;

export const UsageReportQuery = z.object({
  /** 'month': the month in `month`; 'last12': the 12 months ending with `month`. */
  range: z.enum(['month', 'last12']),
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/),
});
export type UsageReportQuery = z.infer<typeof UsageReportQuery>;

export const UsageMonth = z.object({
  month: z.string(),
  nudges: z.object({ lead: z.number(), task: z.number(), activity: z.number() }),
  sms: z.object({
    inbound: z.number(),
    outbound: z.number(),
    byProvider: z.record(z.string(), z.object({ inbound: z.number(), outbound: z.number() })),
  }),
  whatsapp: z.object({ inbound: z.number(), outbound: z.number() }),
});
export type UsageMonth = z.infer<typeof UsageMonth>;

export const UsageReport = z.object({
  scope: z.enum(['workspace', 'user']),
  timeZone: z.string(),
  months: z.array(UsageMonth),
});
export type UsageReport = z.infer<typeof UsageReport>;

export const ShortcutStatus = z.object({
  accelerator: z.string(),
  registered: z.boolean(),
  error: z.string().nullable(),
});
export type ShortcutStatus = z.infer<typeof ShortcutStatus>;

export const MessagesPage = z.object({
  messages: z.array(MessageView),
  /** Pass as `before` to load the previous page; null: this is the oldest. */
  before: z.string().nullable(),
});

/** A file chosen while the server cannot be reached: sent with the message, kept in the outbox
 * and uploaded on reconnect. Bounded by the largest file any connector accepts (WhatsApp documents). */
export const OUTBOX_FILE_MAX_BYTES = 100 * 1024 * 1024;
export const OutboxFile = z.object({
  fileName: z.string().min(1).max(255),
  bytes: z.instanceof(Uint8Array).refine((b) => b.byteLength <= OUTBOX_FILE_MAX_BYTES, 'a file is at most 100 MB'),
});
export type OutboxFile = z.infer<typeof OutboxFile>;

/** The largest file the core inlines as a data: URL for a preview when the shell has no file URL. */
export const PREVIEW_MAX_BYTES = 16 * 1024 * 1024;

const call = <A extends z.ZodTypeAny, R extends z.ZodTypeAny>(args: A, result: R) => ({ args, result });

/** Calls from renderer to main: name → args and result schemas. */
export const IpcCalls = {
  'session.get': call(z.object({}), Session),
  'session.signIn': call(
    z.object({ serverUrl: z.string().url(), email: z.string().email(), password: z.string().min(1).max(1024) }),
    Session,
  ),
  'session.signOut': call(z.object({}), Session),
  'connection.get': call(z.object({}), ConnectionState),

  'leads.search': call(
    z.object({ query: z.string().max(200), limit: z.number().int().min(1).max(100).default(20) }),
    z.array(LeadView),
  ),
  'leads.get': call(z.object({ leadId: z.string() }), LeadView.nullable()),
  'leads.details': call(z.object({ leadId: z.string() }), LeadDetails),
  /** The lead's Activity History from the server, newest first; `before` from the previous page. */
  'leads.activity': call(
    z.object({
      leadId: z.string(),
      before: z.string().max(300).nullable().default(null),
      limit: z.number().int().min(1).max(100).default(30),
    }),
    ActivityPage,
  ),

  'conversations.list': call(
    z.object({ limit: z.number().int().min(1).max(500).default(100) }),
    z.array(ConversationSummary),
  ),
  'conversations.get': call(z.object({ conversationId: z.string() }), ConversationSummary.nullable()),
  /** Tell main which conversation is on screen and whether the window has focus (nudge policy). */
  'conversations.focus': call(
    z.object({ conversationId: z.string().nullable(), windowFocused: z.boolean() }),
    z.object({}),
  ),
  'conversations.markRead': call(z.object({ conversationId: z.string() }), z.object({})),
  'conversations.setMuted': call(z.object({ conversationId: z.string(), muted: z.boolean() }), z.object({})),

  'messages.page': call(
    z.object({
      conversationId: z.string(),
      before: z.string().nullable().default(null),
      limit: z.number().int().min(1).max(500).default(100),
    }),
    MessagesPage,
  ),
  'messages.search': call(
    z.object({ query: z.string().min(1).max(200), limit: z.number().int().min(1).max(100).default(30) }),
    z.array(MessageView),
  ),
  // The server's send request, with the attachment as the renderer holds it: uploaded (its
  // view), or — chosen while offline — the file itself, which the outbox keeps and uploads
  // before it sends (OutboxFile).
  'messages.send': call(
    SendRequest.omit({ attachmentId: true }).extend({
      attachment: AttachmentView.optional(),
      file: OutboxFile.optional(),
    }),
    MessageView,
  ),
  'messages.retry': call(z.object({ clientId: z.string() }), MessageView),

  'templates.list': call(
    z.object({ channel: Channel, leadId: z.string().optional() }),
    z.array(TemplateView.extend({ preview: z.string() })),
  ),

  /** Upload one file; progress arrives as `attachment.progress` events with the same uploadId. */
  'attachments.upload': call(
    z.object({
      uploadId: z.string(),
      channel: Channel,
      fileName: z.string().min(1).max(255),
      bytes: z.instanceof(Uint8Array),
    }),
    AttachmentView,
  ),
  'attachments.cancel': call(z.object({ uploadId: z.string() }), z.object({})),
  /** A URL to show a file inline (<img>, <video>, <audio>) without saving it: the shell's own
   * file URL where it has one (Electron: app://converse/attachments/…, browser shell: a loopback
   * URL with a capability token), else a data: URL for files up to PREVIEW_MAX_BYTES. */
  'attachments.preview': call(z.object({ attachmentId: z.string() }), z.object({ url: z.string() })),
  /** Fetch a received file. Electron saves it to Downloads; the browser shell returns a URL. */
  'attachments.download': call(
    z.object({ attachmentId: z.string() }),
    z.object({ url: z.string().nullable(), savedTo: z.string().nullable() }),
  ),

  'nudges.list': call(z.object({ limit: z.number().int().min(1).max(200).default(50) }), z.array(NudgeView)),
  'reports.usage': call(UsageReportQuery, UsageReport),

  'settings.get': call(z.object({}), Settings),
  'settings.set': call(Settings.partial(), Settings),

  'window.setExpanded': call(z.object({ expanded: z.boolean() }), z.object({ expanded: z.boolean() })),
  'window.toggle': call(z.object({}), z.object({ expanded: z.boolean() })),
  'shell.openExternal': call(z.object({ url: z.string().url() }), z.object({ opened: z.boolean() })),
  'shortcut.status': call(z.object({}), ShortcutStatus),
} as const;

export type IpcCallName = keyof typeof IpcCalls;
export type IpcArgs<N extends IpcCallName> = z.input<(typeof IpcCalls)[N]['args']>;
export type IpcResult<N extends IpcCallName> = z.infer<(typeof IpcCalls)[N]['result']>;

/** Events from main to renderer: name → payload schema. */
export const IpcEvents = {
  'connection.changed': ConnectionState,
  'session.changed': Session,
  /** Messages created or updated in a conversation (upserts by id). */
  'messages.changed': z.object({ conversationId: z.string(), messages: z.array(MessageView) }),
  'conversations.changed': z.object({ conversationIds: z.array(z.string()) }),
  'unread.changed': z.object({
    total: z.number().int().nonnegative(),
    byConversation: z.record(z.string(), z.number().int().nonnegative()),
  }),
  'nudges.changed': z.object({ nudge: NudgeView }),
  /** A nudge was clicked (or the tray asked): show this. */
  navigate: z.object({
    conversationId: z.string().nullable(),
    leadId: z.string().nullable(),
    taskId: z.string().nullable().optional(),
  }),
  'attachment.progress': z.object({ uploadId: z.string(), loaded: z.number(), total: z.number() }),
  'window.changed': z.object({ expanded: z.boolean(), focused: z.boolean() }),
  'settings.changed': Settings,
  /** Something the rep should be told once (database recovered, shortcut not registered…). */
  notice: z.object({ kind: z.string(), message: z.string() }),
  /** A nudge was shown and the rep's Carter settings want a sound: the window plays it. */
  'nudge.sound': z.object({ nudgeId: z.string() }),
} as const;

export type IpcEventName = keyof typeof IpcEvents;
export type IpcEventPayload<N extends IpcEventName> = z.infer<(typeof IpcEvents)[N]>;

/** Electron IPC: a call travels on its IpcCalls name; an event on this prefix + its IpcEvents name. */
export const IPC_EVENT_CHANNEL_PREFIX = 'converse:event:';

/** What main answers when a call fails; the bridge rethrows it in the renderer as an Error with this code. */
export const IpcError = z.object({ code: z.string(), message: z.string() });
export type IpcError = z.infer<typeof IpcError>;

/** The API the preload gives the renderer as `window.converse`. */
export interface ConverseApi {
  invoke<N extends IpcCallName>(name: N, args: IpcArgs<N>): Promise<IpcResult<N>>;
  on<N extends IpcEventName>(name: N, listener: (payload: IpcEventPayload<N>) => void): () => void;
  /** 'darwin' | 'win32' | 'linux' | 'web' — decides alt+m vs option+m wording. */
  readonly platform: string;
  readonly shell: 'electron' | 'web';
}

/** Validate a call from the renderer. Returns parsed args or an IpcError. */
export function parseIpcCall(
  name: unknown,
  args: unknown,
): { ok: true; name: IpcCallName; args: unknown } | { ok: false; error: IpcError } {
  if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(IpcCalls, name)) {
    return { ok: false, error: { code: CallErrorCode.UNKNOWN_CALL, message: `Unknown call "${String(name)}".` } };
  }
  const parsed = IpcCalls[name as IpcCallName].args.safeParse(args ?? {});
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first?.path.length ? ` (${first.path.join('.')})` : '';
    return {
      ok: false,
      error: {
        code: CallErrorCode.INVALID_ARGUMENTS,
        message: `Invalid arguments for ${name}${where}: ${first?.message ?? 'rejected'}.`,
      },
    };
  }
  return { ok: true, name: name as IpcCallName, args: parsed.data };
}
