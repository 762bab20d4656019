// The resumable event stream between the Converse server and each desktop.
//
// The server keeps one event log per user with a monotonic sequence. A desktop connects to
// `GET /api/v1/stream` (WebSocket, `Authorization: Bearer <token>`), says `hello` with the last
// sequence it committed, and receives every event after it, then live ones, in `events` frames.
// It acknowledges a sequence only after its local transaction committed. Sends carry a client id
// the server dedupes on, so a resend after a reconnect never reaches a provider twice.
import { z } from 'zod';
import {
  ConversationView,
  LeadView,
  MessageView,
  NudgeView,
  TemplateView,
  Timestamp,
  Channel,
  MessageError,
  NudgeSettings,
} from './domain';

export const STREAM_PATH = '/api/v1/stream';

/** The largest frame a client may send (hello, ack, send, read, ping); the server closes a larger
 * one with FRAME_TOO_LARGE. Client frames are small by construction (a send body is ≤ 4,096 characters). */
export const MAX_CLIENT_FRAME_BYTES = 256 * 1024;
/** The old name of MAX_CLIENT_FRAME_BYTES, the limit of client → server frames. */
export const MAX_FRAME_BYTES = MAX_CLIENT_FRAME_BYTES;
/**
 * The largest frame the server sends and the desktop accepts. Every event the server can produce
 * fits in one: leads are bounded by LEAD_LIMITS (shared/domain.ts; the largest lead serialises to
 * under 1.5 MB), sent messages by SendRequest, templates and nudges by their APIs, and an inbound
 * message by the webhook body limit (4 MB, server/channels/webhooks.ts), which this is twice.
 */
export const MAX_SERVER_FRAME_BYTES = 8 * 1024 * 1024;
/**
 * `events` frames are packed up to this many bytes (the serialised events), so a backlog of
 * ordinary texting travels in many small frames whatever the size of each message. One event
 * larger than this travels alone, in a frame of its own (at most MAX_SERVER_FRAME_BYTES).
 */
export const EVENTS_FRAME_TARGET_BYTES = 192 * 1024;
/** At most this many events travel in one `events` frame (small events reach it before the byte target). */
export const MAX_EVENTS_PER_FRAME = 500;
/** The server pings every HEARTBEAT_MS; a side that hears nothing for HEARTBEAT_TIMEOUT_MS drops the link. */
export const HEARTBEAT_MS = 15_000;
export const HEARTBEAT_TIMEOUT_MS = 40_000;

/** WebSocket close codes, documented in the README. */
export const CloseCode = {
  /** Normal closure (sign-out, client quit). */
  NORMAL: 1000,
  /** The server is shutting down; reconnect with backoff. */
  GOING_AWAY: 1001,
  /** A client frame over MAX_CLIENT_FRAME_BYTES (or a server frame over MAX_SERVER_FRAME_BYTES, which the server never sends). */
  FRAME_TOO_LARGE: 1009,
  /** Missing, invalid or expired token: do not retry, ask the rep to sign in. */
  UNAUTHORIZED: 4001,
  /** The session was revoked (signed out elsewhere, password reset): do not retry. */
  SESSION_REVOKED: 4003,
  /** The client read too slowly and its bounded buffer filled; reconnect and resume. */
  SLOW_CONSUMER: 4008,
  /** Too many malformed frames in a row. */
  PROTOCOL_ABUSE: 4009,
  /** No `hello` within the allowed time. */
  HELLO_TIMEOUT: 4010,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
/** Close codes after which a client must not reconnect without a new sign-in. */
export const AUTH_CLOSE_CODES: readonly number[] = [CloseCode.UNAUTHORIZED, CloseCode.SESSION_REVOKED];

// ---- events (the payload of the per-user log) -------------------------------------------

export const StreamEvent = z.discriminatedUnion('type', [
  /** A message was created or changed (status, error); the full current message. */
  z.object({ type: z.literal('message.upserted'), message: MessageView }),
  z.object({ type: z.literal('conversation.upserted'), conversation: ConversationView }),
  /** The rep (on any device) read a conversation up to this time. */
  z.object({ type: z.literal('conversation.read'), conversationId: z.string(), readUpTo: Timestamp }),
  /** A lead became visible or changed; masked as this user must see it. */
  z.object({ type: z.literal('lead.upserted'), lead: LeadView }),
  /** The lead is no longer visible to this user. */
  z.object({ type: z.literal('lead.removed'), leadId: z.string() }),
  z.object({ type: z.literal('template.upserted'), template: TemplateView }),
  z.object({ type: z.literal('template.removed'), templateId: z.string() }),
  /** Something the rep should be nudged about; the desktop's policy decides whether to show it. */
  z.object({ type: z.literal('nudge'), nudge: NudgeView }),
  /** The rep changed their Carter settings (on any device): every desktop follows them. */
  z.object({ type: z.literal('nudge-settings.changed'), settings: NudgeSettings }),
]);
export type StreamEvent = z.infer<typeof StreamEvent>;

export const SequencedEvent = z.object({
  seq: z.number().int().positive(),
  at: Timestamp,
  event: StreamEvent,
});
export type SequencedEvent = z.infer<typeof SequencedEvent>;

// ---- client → server -------------------------------------------------------------------

export const SendRequest = z.object({
  clientId: z.string().min(8).max(64),
  leadId: z.string(),
  channel: Channel,
  /** Phone handle from the lead's PhoneView; null: the lead's primary number. */
  to: z.string().nullable(),
  body: z.string().max(4096).default(''),
  templateId: z.string().optional(),
  attachmentId: z.string().optional(),
  caption: z.string().max(1024).optional(),
});
export type SendRequest = z.infer<typeof SendRequest>;

export const ClientFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), lastSeq: z.number().int().nonnegative(), deviceId: z.string().min(1).max(128) }),
  z.object({ type: z.literal('ack'), seq: z.number().int().nonnegative() }),
  z.object({ type: z.literal('send'), send: SendRequest }),
  z.object({ type: z.literal('read'), conversationId: z.string(), readUpTo: Timestamp }),
  z.object({ type: z.literal('ping'), t: z.number() }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

// ---- server → client -------------------------------------------------------------------

export const ServerFrame = z.discriminatedUnion('type', [
  /** Answer to hello: replay of everything after lastSeq follows, then live events. */
  z.object({
    type: z.literal('welcome'),
    userId: z.string(),
    headSeq: z.number().int().nonnegative(),
    serverTime: Timestamp,
  }),
  z.object({ type: z.literal('events'), events: z.array(SequencedEvent).max(MAX_EVENTS_PER_FRAME) }),
  /** The send was stored (or was already stored under this client id); its message follows as an event. */
  z.object({ type: z.literal('send.accepted'), clientId: z.string(), messageId: z.string() }),
  /** The server refused the send; nothing reached a provider. */
  z.object({ type: z.literal('send.rejected'), clientId: z.string(), error: MessageError }),
  /** A frame was refused; the connection stays open. */
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
  z.object({ type: z.literal('pong'), t: z.number() }),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;

/** Error codes of `error` frames: kept with every other code in shared/error-codes.ts. */
export { FrameErrorCode } from './error-codes';
