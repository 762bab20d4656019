// The providers' webhooks. Each request is: verified (on the raw bytes, before anything is
// parsed) → saved durably through the sink → answered 200 at once → processed afterwards.
// A crash after the answer loses nothing (pending webhooks are processed again on start), and
// a webhook delivered twice changes nothing the second time (the sink dedupes inbound messages
// on the provider id, and statuses only move up the rank).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ChannelSink, ProviderName, SavedWebhook } from './connector';
import type { ChannelSettings } from './settings';
import type { WhatsAppCloudConnector } from './whatsapp';
import type { RingCentralConnector } from './ringcentral';
import type { CtmConnector } from './ctm';
import { noEvents, type WebhookEvents } from './events';
import { whatsAppEvents } from './whatsapp-webhook';
import { ringCentralEvents } from './ringcentral-webhook';
import { ctmEvents } from './ctm-webhook';
import { CTM_SECRET_HEADER, CTM_SECRET_QUERY } from './ctm-shapes';
import { ErrorCode } from '../../shared/error-codes';
import { parseProviderJson } from './provider-json';

/** The provider-specific connectors the webhooks need; null for providers not in use (index.ts builds them). */
export interface WebhookConnectors {
  whatsappCloud: WhatsAppCloudConnector | null;
  ringcentral: RingCentralConnector | null;
  ctm: CtmConnector | null;
}

export interface WebhookDeps {
  sink: ChannelSink;
  settings: ChannelSettings;
  connectors: WebhookConnectors;
  /** Where processing failures are reported (they are also stored on the webhook). */
  log?: { warn(msg: string): void };
  now?: () => Date;
}

export interface WebhookProcessing {
  /** Resolves when every webhook answered so far has been processed (tests; orderly shutdown). */
  idle(): Promise<void>;
}

export interface ProcessResult {
  inbound: number;
  duplicates: number;
  statuses: number;
  error: string | null;
}

/** Providers' webhook bodies are small (a WhatsApp batch is kilobytes); far larger is not theirs. */
const WEBHOOK_BODY_LIMIT = 4 * 1024 * 1024;
/** Headers never stored with a webhook: they are credentials. */
const SECRET_HEADERS = new Set(['authorization', 'cookie', 'verification-token', CTM_SECRET_HEADER]);

/** Compare two secrets in constant time (different lengths fail without comparing). */
export function safeEqual(a: string | Buffer, b: string | Buffer): boolean {
  const x = Buffer.isBuffer(a) ? a : Buffer.from(a, 'utf8');
  const y = Buffer.isBuffer(b) ? b : Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(raw body, app secret)>`. */
export function whatsAppSignatureValid(raw: Buffer, header: string | undefined, appSecret: string): boolean {
  const m = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? '');
  if (!m) return false;
  const expected = createHmac('sha256', appSecret).update(raw).digest();
  return safeEqual(Buffer.from(m[1], 'hex'), expected);
}

const headerValue = (req: FastifyRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

function storableHeaders(req: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined || SECRET_HEADERS.has(k.toLowerCase())) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  return out;
}

const rawBody = (req: FastifyRequest): Buffer => (Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));

const apiError = (reply: FastifyReply, status: number, code: string, message: string) =>
  reply.code(status).type('application/json').send({ error: { code, message } });

/** Parse one saved webhook into events; never throws. */
async function eventsOf(saved: SavedWebhook, deps: WebhookDeps): Promise<WebhookEvents> {
  let json: unknown;
  try {
    json = parseProviderJson(saved.body.toString('utf8'));
  } catch {
    const events = noEvents();
    events.problems.push('the body is not JSON');
    return events;
  }
  const { connectors, settings } = deps;
  switch (saved.provider) {
    case 'whatsapp':
      if (!connectors.whatsappCloud || !settings.whatsapp) break;
      return whatsAppEvents(json, settings.whatsapp.phoneNumberId, connectors.whatsappCloud, saved.receivedAt);
    case 'ringcentral':
      if (!connectors.ringcentral) break;
      return ringCentralEvents(json, connectors.ringcentral, saved.receivedAt);
    case 'ctm':
      if (!connectors.ctm) break;
      return ctmEvents(json, connectors.ctm);
    case 'sandbox':
      break;
  }
  const events = noEvents();
  events.problems.push(`the ${saved.provider} connector is not configured, so this webhook cannot be processed`);
  return events;
}

/**
 * Apply one saved webhook: every inbound message and every status of it, then mark it
 * processed (with what could not be applied, if anything). Never throws.
 */
export async function processWebhook(saved: SavedWebhook, deps: WebhookDeps): Promise<ProcessResult> {
  const result: ProcessResult = { inbound: 0, duplicates: 0, statuses: 0, error: null };
  const problems: string[] = [];
  try {
    const events = await eventsOf(saved, deps);
    problems.push(...events.problems);
    for (const msg of events.inbound) {
      try {
        const r = await deps.sink.inbound(msg);
        if (r.duplicate) result.duplicates++;
        else result.inbound++;
      } catch (err) {
        problems.push(`storing message ${msg.providerMessageId}: ${(err as Error).message}`);
      }
    }
    for (const update of events.statuses) {
      try {
        deps.sink.status(update);
        result.statuses++;
      } catch (err) {
        problems.push(`applying ${update.status} to ${update.providerMessageId}: ${(err as Error).message}`);
      }
    }
  } catch (err) {
    problems.push(`unexpected: ${(err as Error).message}`);
  }
  result.error = problems.length ? problems.join(' | ').slice(0, 2000) : null;
  if (result.error) deps.log?.warn(`${saved.provider} webhook ${saved.id}: ${result.error}`);
  try {
    deps.sink.markWebhookProcessed(saved.id, result.error ?? undefined);
  } catch (err) {
    deps.log?.warn(`${saved.provider} webhook ${saved.id} could not be marked processed: ${(err as Error).message}`);
  }
  return result;
}

/** On start: process, in arrival order, every webhook saved but not processed before a stop. */
export async function processPendingWebhooks(deps: WebhookDeps): Promise<ProcessResult[]> {
  const results: ProcessResult[] = [];
  for (const saved of deps.sink.pendingWebhooks()) results.push(await processWebhook(saved, deps));
  return results;
}

/** Register the webhook routes in their own scope, where every body arrives as raw bytes. */
export function registerWebhookRoutes(app: FastifyInstance, deps: WebhookDeps): WebhookProcessing {
  const inFlight = new Set<Promise<unknown>>();
  const { sink, settings } = deps;

  /** Save durably, answer, then process after the answer has gone. */
  function accept(provider: ProviderName, req: FastifyRequest, reply: FastifyReply) {
    let saved: SavedWebhook;
    try {
      saved = sink.saveWebhook(provider, rawBody(req), storableHeaders(req));
    } catch (err) {
      // Not stored: a 5xx makes the provider deliver it again later.
      deps.log?.warn(`${provider} webhook could not be saved: ${(err as Error).message}`);
      return apiError(reply, 503, ErrorCode.INTERNAL, 'The webhook could not be stored; please retry.');
    }
    const job = new Promise<void>((resolve) => setImmediate(resolve)).then(() => processWebhook(saved, deps));
    inFlight.add(job);
    void job.finally(() => inFlight.delete(job));
    return reply.code(200).type('text/plain').send('OK');
  }

  app.register(async (scope) => {
    // Raw bytes for every content type: the WhatsApp signature is over the exact bytes sent.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_req, body, done) =>
      done(null, body),
    );

    scope.get('/webhooks/whatsapp', async (req, reply) => {
      if (!settings.whatsapp)
        return apiError(reply, 404, ErrorCode.CHANNEL_NOT_CONFIGURED, 'WhatsApp is not configured on this server.');
      const q = req.query as Record<string, string | undefined>;
      if (
        q['hub.mode'] !== 'subscribe' ||
        !q['hub.challenge'] ||
        !safeEqual(q['hub.verify_token'] ?? '', settings.whatsapp.verifyToken)
      ) {
        return apiError(reply, 403, ErrorCode.FORBIDDEN, 'The verify token does not match WHATSAPP_VERIFY_TOKEN.');
      }
      return reply.code(200).type('text/plain').send(q['hub.challenge']);
    });

    scope.post('/webhooks/whatsapp', async (req, reply) => {
      if (!settings.whatsapp)
        return apiError(reply, 404, ErrorCode.CHANNEL_NOT_CONFIGURED, 'WhatsApp is not configured on this server.');
      if (!whatsAppSignatureValid(rawBody(req), headerValue(req, 'x-hub-signature-256'), settings.whatsapp.appSecret)) {
        return apiError(reply, 401, ErrorCode.UNAUTHORIZED, 'X-Hub-Signature-256 does not match the body.');
      }
      return accept('whatsapp', req, reply);
    });

    scope.post('/webhooks/ringcentral', async (req, reply) => {
      if (!settings.ringcentral)
        return apiError(reply, 404, ErrorCode.CHANNEL_NOT_CONFIGURED, 'RingCentral is not configured on this server.');
      const validation = headerValue(req, 'validation-token');
      if (validation !== undefined) {
        // Subscription creation: echo the token; the request carries no event.
        reply.header('Validation-Token', validation);
        if (rawBody(req).length === 0) return reply.code(200).send();
      }
      if (!safeEqual(headerValue(req, 'verification-token') ?? '', settings.ringcentral.verificationToken)) {
        return apiError(
          reply,
          401,
          ErrorCode.UNAUTHORIZED,
          'Verification-Token does not match RINGCENTRAL_VERIFICATION_TOKEN.',
        );
      }
      return accept('ringcentral', req, reply);
    });

    scope.post('/webhooks/ctm', async (req, reply) => {
      if (!settings.ctm)
        return apiError(reply, 404, ErrorCode.CHANNEL_NOT_CONFIGURED, 'CTM is not configured on this server.');
      const q = req.query as Record<string, string | undefined>;
      const secret = headerValue(req, CTM_SECRET_HEADER) ?? q[CTM_SECRET_QUERY] ?? '';
      if (!safeEqual(secret, settings.ctm.webhookSecret))
        return apiError(
          reply,
          401,
          ErrorCode.UNAUTHORIZED,
          'The CTM webhook secret does not match CTM_WEBHOOK_SECRET.',
        );
      return accept('ctm', req, reply);
    });
  });

  return {
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
