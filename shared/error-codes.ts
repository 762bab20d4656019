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
