// The providers' webhooks. Each request is: verified (on the raw bytes, before anything is
// parsed) → saved durably through the sink, claimed by this node for a lease → answered 200 →
// processed afterwards. A crash after the answer loses nothing: once the lease runs out, the
// sweep of any node sharing the database claims the webhook and processes it. A webhook processed
// or delivered twice changes nothing the second time (the sink dedupes inbound messages on the
// provider id, and statuses only move up the rank).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { InboundRefused, type ChannelSink, type ProviderName, type SavedWebhook } from './connector';
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
  /** Resolves when every webhook answered or swept so far has been processed (tests; orderly shutdown). */
  idle(): Promise<void>;
  /** Claim and process every webhook nobody holds (saved before a stop, or a dead node's); resolves to how many. */
  sweep(): Promise<number>;
  /**
   * Sweep now — the first sweep also takes back what this node (its id) held in an earlier run —
   * and then every `everyMs` (an unref'd timer) until stop; meanwhile renew this node's claims on
   * the webhooks it is processing every `renewEveryMs`, so a slow one is not taken by another node.
   */
  startSweeps(everyMs: number, renewEveryMs: number): void;
  /** No more sweeps; a sweep under way finishes. */
  stopSweeps(): Promise<void>;
}

/** Webhooks claimed per read: a long outage's backlog is taken in bites, not all at once. */
const CLAIM_BATCH = 50;

export interface ProcessResult {
  inbound: number;
  duplicates: number;
  statuses: number;
  error: string | null;
  /** A failure that another pass may not meet (the database was unreachable): the webhook was left unprocessed. */
  retry: boolean;
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
  const result: ProcessResult = { inbound: 0, duplicates: 0, statuses: 0, error: null, retry: false };
  const problems: string[] = [];
  // What the content itself causes is the webhook's final answer; anything else may pass next time.
  const failed = (what: string, err: unknown) => {
    problems.push(`${what}: ${(err as Error)?.message ?? String(err)}`);
    if (!(err instanceof InboundRefused)) result.retry = true;
  };
  try {
    const events = await eventsOf(saved, deps);
    problems.push(...events.problems);
    for (const msg of events.inbound) {
      try {
        const r = await deps.sink.inbound(msg);
        if (r.duplicate) result.duplicates++;
        else result.inbound++;
      } catch (err) {
        failed(`storing message ${msg.providerMessageId}`, err);
      }
    }
    for (const update of events.statuses) {
      try {
        await deps.sink.status(update);
        result.statuses++;
      } catch (err) {
        failed(`applying ${update.status} to ${update.providerMessageId}`, err);
      }
    }
  } catch (err) {
    failed('unexpected', err);
  }
  result.error = problems.length ? problems.join(' | ').slice(0, 2000) : null;
  if (result.retry) {
    // Left claimed, not processed: when this node's claim runs out, a sweep (any node's) takes it
    // again; what was stored already is deduplicated then. Nothing the provider sent is dropped.
    deps.log?.warn(`${saved.provider} webhook ${saved.id}: ${result.error}; it will be processed again`);
    return result;
  }
  if (result.error) deps.log?.warn(`${saved.provider} webhook ${saved.id}: ${result.error}`);
  try {
    await deps.sink.markWebhookProcessed(saved.id, result.error ?? undefined);
  } catch (err) {
    deps.log?.warn(`${saved.provider} webhook ${saved.id} could not be marked processed: ${(err as Error).message}`);
  }
  return result;
}

/**
 * Claim, in batches and in arrival order, every webhook saved but not processed whose claim is
 * absent or ran out (a stop, a dead node), and process each. A claimed webhook is ours for the
 * lease, so the next batch never takes it again, even when marking it processed failed.
 */
export async function processPendingWebhooks(
  deps: WebhookDeps,
  o: { batch?: number; includeOwnEarlier?: boolean; process?: (saved: SavedWebhook) => Promise<ProcessResult> } = {},
): Promise<ProcessResult[]> {
  const batch = o.batch ?? CLAIM_BATCH;
  const process = o.process ?? ((saved: SavedWebhook) => processWebhook(saved, deps));
  const results: ProcessResult[] = [];
  for (let first = true; ; first = false) {
    const claimed = await deps.sink.claimPendingWebhooks(batch, first && o.includeOwnEarlier === true);
    for (const saved of claimed) results.push(await process(saved));
    if (claimed.length < batch) return results;
  }
}

/** Register the webhook routes in their own scope, where every body arrives as raw bytes. */
export function registerWebhookRoutes(app: FastifyInstance, deps: WebhookDeps): WebhookProcessing {
  const inFlight = new Set<Promise<unknown>>();
  const { sink, settings } = deps;
  // The webhooks this node is processing now: their claims are renewed until they are done.
  const processing = new Set<string>();
  const process = (saved: SavedWebhook) => {
    processing.add(saved.id);
    return processWebhook(saved, deps).finally(() => processing.delete(saved.id));
  };

  const track = <T>(job: Promise<T>) => {
    inFlight.add(job);
    void job.finally(() => inFlight.delete(job)).catch(() => undefined);
    return job;
  };

  // Webhooks answered in one turn start processing together, in one later turn (after their
  // answers have gone): their first reads are then asked at once (on PostgreSQL, one statement
  // for all of them: storage/postgres/coalesced.ts).
  let nextTurn: Promise<void> | null = null;
  const processAfterAnswer = (saved: SavedWebhook) => {
    nextTurn ??= new Promise<void>((resolve) =>
      setImmediate(() => {
        nextTurn = null;
        resolve();
      }),
    );
    return track(nextTurn.then(() => process(saved)));
  };

  /** Save durably, answer, then process after the answer has gone. */
  async function accept(provider: ProviderName, req: FastifyRequest, reply: FastifyReply) {
    let saved: SavedWebhook;
    try {
      saved = await sink.saveWebhook(provider, rawBody(req), storableHeaders(req));
    } catch (err) {
      // Not stored: a 5xx makes the provider deliver it again later.
      deps.log?.warn(`${provider} webhook could not be saved: ${(err as Error).message}`);
      return apiError(reply, 503, ErrorCode.INTERNAL, 'The webhook could not be stored; please retry.');
    }
    void processAfterAnswer(saved);
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

  return { idle: () => idle(inFlight), ...webhookSweeps(deps, track, process, processing) };
}

async function idle(inFlight: Set<Promise<unknown>>) {
  while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
}

/**
 * The sweeps: one at a time, each a fresh claim after the one before (so a sweep asked for sees
 * what is claimable now), tracked like the webhooks answered here. A timer's turn is skipped while
 * a sweep is still under way, so a slow backlog never piles sweeps up.
 */
function webhookSweeps(
  deps: WebhookDeps,
  track: <T>(job: Promise<T>) => Promise<T>,
  process: (saved: SavedWebhook) => Promise<ProcessResult>,
  processing: Set<string>,
): Omit<WebhookProcessing, 'idle'> {
  let chain: Promise<unknown> = Promise.resolve();
  let busy = false;
  let timer: NodeJS.Timeout | null = null;
  let renewTimer: NodeJS.Timeout | null = null;
  let swept = false;
  const sweep = () => {
    const includeOwnEarlier = !swept;
    swept = true;
    const p = track(chain.then(() => processPendingWebhooks(deps, { process, includeOwnEarlier }))).then(
      (r) => r.length,
    );
    chain = p.catch(() => undefined);
    return p;
  };
  const renew = () => {
    if (processing.size === 0) return;
    deps.sink
      .renewWebhookLeases([...processing])
      .catch((err: Error) => deps.log?.warn(`webhook lease renewal: ${err.message}`));
  };
  const timerTurn = () => {
    if (busy) return;
    busy = true;
    void sweep()
      .catch((err: Error) => deps.log?.warn(`webhook sweep: ${err.message}`))
      .finally(() => {
        busy = false;
      });
  };
  return {
    sweep,
    startSweeps(everyMs, renewEveryMs) {
      if (timer) return;
      timerTurn();
      timer = setInterval(timerTurn, everyMs);
      timer.unref();
      renewTimer = setInterval(renew, renewEveryMs);
      renewTimer.unref();
    },
    async stopSweeps() {
      if (timer) clearInterval(timer);
      if (renewTimer) clearInterval(renewTimer);
      timer = null;
      renewTimer = null;
      await chain;
    },
  };
}
