// Every CTM (CallTrackingMetrics) shape Converse relies on, in one file.
//
// ASSUMED: CTM publishes its REST base (`/api/v1/accounts/{account_id}/…`, Basic auth with the
// access key and secret key) but no public schema was found for its texting endpoint or its
// texting webhooks (providers.md). Everything below marked ASSUMED is our design of those shapes;
// when CTM's real format is known, change it here and only here — ctm.ts, the webhook handler and
// the fake in tests/fakes/ctm.ts all read these definitions.
import { z } from 'zod';
import { ErrorCode } from '../../shared/error-codes';
import type { StatusUpdate } from './connector';

/** Documented: texting is 160 characters a segment, up to 800 characters. */
export const CTM_TEXT_MAX = 800;

/** ASSUMED path: POST {base}/api/v1/accounts/{account_id}/sms. */
export const ctmSendPath = (accountId: string): string => `/api/v1/accounts/${encodeURIComponent(accountId)}/sms`;

/** ASSUMED request: JSON for a text; for a picture message the same fields as multipart/form-data plus a `media` file part. */
export const CtmSendRequest = z.object({
  /** Lead number, E.164. */
  to: z.string().regex(/^\+\d{8,15}$/),
  /** Our CTM tracking number, E.164. */
  from: z.string().regex(/^\+\d{8,15}$/),
  msg: z.string().max(CTM_TEXT_MAX),
});
export type CtmSendRequest = z.infer<typeof CtmSendRequest>;
export const CTM_MEDIA_PART = 'media';

/** ASSUMED status vocabulary of CTM messages. */
export const CtmStatus = z.enum(['queued', 'sending', 'sent', 'delivered', 'failed', 'undelivered']);
export type CtmStatus = z.infer<typeof CtmStatus>;

/** ASSUMED success answer: `{ id, status }` (id may come as a number). */
export const CtmSendResponse = z.object({
  id: z.union([z.string().min(1), z.number().int()]).transform(String),
  status: CtmStatus,
});

/** ASSUMED error answer: `{ error: "...", code?: "..." }`. */
export const CtmErrorResponse = z.object({ error: z.string(), code: z.string().optional() });

/**
 * ASSUMED webhook authentication: CTM webhooks are configured with a URL, so the shared secret
 * (CTM_WEBHOOK_SECRET) travels either in this header or as `?secret=` on the registered URL.
 */
export const CTM_SECRET_HEADER = 'x-ctm-webhook-secret';
export const CTM_SECRET_QUERY = 'secret';

const isoTime = z.string().refine((s) => Number.isFinite(Date.parse(s)), 'must be an ISO-8601 time');

/** ASSUMED webhook: an inbound text (with at most a few media urls). */
export const CtmInboundText = z.object({
  type: z.literal('text.received'),
  id: z.union([z.string().min(1), z.number().int()]).transform(String),
  /** Lead number. */
  from: z.string().min(1),
  /** Our tracking number. */
  to: z.string().min(1),
  body: z.string().default(''),
  media: z
    .array(z.object({ url: z.string().url(), content_type: z.string().min(1), file_name: z.string().optional() }))
    .default([]),
  created_at: isoTime,
});

/** ASSUMED webhook: a status change of a text we sent. */
export const CtmTextStatus = z.object({
  type: z.literal('text.status'),
  id: z.union([z.string().min(1), z.number().int()]).transform(String),
  status: CtmStatus,
  error_code: z.string().optional(),
  error_message: z.string().optional(),
  updated_at: isoTime,
});

/** ASSUMED envelope: one event per POST, or several under `events`. */
export const CtmWebhookEvent = z.discriminatedUnion('type', [CtmInboundText, CtmTextStatus]);
export const CtmWebhookBody = z.union([
  CtmWebhookEvent.transform((e) => [e]),
  z.object({ events: z.array(CtmWebhookEvent).min(1) }).transform((b) => b.events),
]);
export type CtmWebhookEvent = z.infer<typeof CtmWebhookEvent>;

/** What a CTM status means in Converse. */
export function mapCtmStatus(s: CtmStatus): StatusUpdate['status'] {
  switch (s) {
    case 'queued':
    case 'sending':
      return 'queued';
    case 'sent':
      return 'sent';
    case 'delivered':
      return 'delivered';
    case 'failed':
    case 'undelivered':
      return 'failed';
  }
}

export function ctmStatusUpdate(e: z.infer<typeof CtmTextStatus>): StatusUpdate {
  const status = mapCtmStatus(e.status);
  const update: StatusUpdate = { provider: 'ctm', providerMessageId: e.id, status, at: new Date(e.updated_at) };
  if (status === 'failed') {
    update.error = {
      code: ErrorCode.PROVIDER_ERROR,
      ...(e.error_code ? { providerCode: e.error_code } : {}),
      message: e.error_message ?? 'CTM could not deliver this text.',
    };
  }
  return update;
}
