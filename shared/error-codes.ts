// Error codes a rep may see, one list for server, core and renderer. The renderer
// translates each code; the message that comes with it is the English fallback.
export const ErrorCode = {
  // sending
  WHATSAPP_WINDOW_CLOSED: 'whatsapp_window_closed',
  TEMPLATE_NOT_AVAILABLE: 'template_not_available',
  OPTED_OUT: 'opted_out',
  NOT_US_NUMBER: 'not_us_number',
  INVALID_NUMBER: 'invalid_number',
  NO_PHONE: 'no_phone',
  ATTACHMENT_TYPE_NOT_ALLOWED: 'attachment_type_not_allowed',
  ATTACHMENT_TOO_LARGE: 'attachment_too_large',
  /** A file from a lead that could harm the rep's computer: kept, never served (403). */
  ATTACHMENT_BLOCKED: 'attachment_blocked',
  /** A lead's file the provider has not handed over yet: it is fetched again (503). */
  MEDIA_UNAVAILABLE: 'media_unavailable',
  CAPTION_NOT_ALLOWED: 'caption_not_allowed',
  BODY_TOO_LONG: 'body_too_long',
  EMPTY_MESSAGE: 'empty_message',
  PROVIDER_ERROR: 'provider_error',
  CHANNEL_NOT_CONFIGURED: 'channel_not_configured',
  // access
  UNAUTHORIZED: 'unauthorized',
  FORBIDDEN: 'forbidden',
  NOT_FOUND: 'not_found',
  RATE_LIMITED: 'rate_limited',
  /** Too many uploaded-but-unsent files (count or bytes) held by one user. */
  UPLOAD_QUOTA_EXCEEDED: 'upload_quota_exceeded',
  INVALID_REQUEST: 'invalid_request',
  CONFLICT: 'conflict',
  INTERNAL: 'internal',
  // desktop
  OFFLINE: 'offline',
  SIGNED_OUT: 'signed_out',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

// Codes of the desktop's and server's own plumbing: calls between processes (IPC, the browser
// shell's bridge), start-up (a port in use, a database written by newer code). A rep never needs
// their words: the renderer shows its general sentence with the message behind "Details", and
// start-up failures have their own dialog. Kept here so every code lives in one file.
export const CallErrorCode = {
  UNKNOWN_CALL: 'unknown_call',
  INVALID_ARGUMENTS: 'invalid_arguments',
  NOT_STARTED: 'not_started',
  NOT_SIGNED_IN: 'not_signed_in',
  CANCELLED: 'cancelled',
  PORT_IN_USE: 'port_in_use',
  DATABASE_TOO_NEW: 'database_too_new',
} as const;
export type CallErrorCode = (typeof CallErrorCode)[keyof typeof CallErrorCode];

/** Codes of an `error` frame about the frame itself: the stream's (shared/stream-protocol.ts) and the browser shell's bridge. */
export const FrameErrorCode = {
  MALFORMED_JSON: 'malformed_json',
  INVALID_FRAME: 'invalid_frame',
  HELLO_REQUIRED: 'hello_required',
} as const;
