// The server's log: pino JSON lines (Fastify's logger) at info by default, one line per request,
// every background failure at warn or error, and no secret in any line — credential headers are
// censored by path, and every message, URL and error text goes through shared/redact.ts.
import { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { REDACTED, redactText, redactUrl } from '../shared/redact';
import type { LogLevel } from './settings';

/** Where log lines go instead of stdout (tests capture them). */
export interface LogDestination {
  write(line: string): void;
}

/** The background-failure reporter the server's parts are given: a message, at warn or error. */
export interface ServerLog {
  warn(message: string): void;
  error(message: string): void;
  info(message: string): void;
}

const SECRET_HEADERS = [
  'authorization',
  'cookie',
  'x-api-key',
  'x-hub-signature',
  'x-hub-signature-256',
  'verification-token',
  'validation-token',
];

export function loggerOptions(level: LogLevel, stream?: LogDestination): FastifyServerOptions['logger'] {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: {
      paths: [...SECRET_HEADERS.map((h) => `req.headers["${h}"]`), 'res.headers["set-cookie"]'],
      censor: REDACTED,
    },
    serializers: {
      req: (req: { method: string; url: string; ip?: string }) => ({
        method: req.method,
        url: redactUrl(req.url),
        remoteAddress: req.ip,
      }),
      err: (err: Error & { code?: unknown }) => ({
        type: err.name,
        message: redactText(err.message ?? ''),
        stack: err.stack ? redactText(err.stack) : undefined,
        code: err.code,
      }),
    },
    hooks: {
      // Messages and the string fields next to them are scrubbed before pino formats them.
      logMethod(args: unknown[], method: (...a: unknown[]) => void) {
        method.apply(
          this,
          args.map((a) => scrub(a, 2)),
        );
      },
    },
  } as FastifyServerOptions['logger'];
}

function scrub(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactText(value);
  if (!value || typeof value !== 'object' || depth < 0) return value;
  // Errors go to pino's err serializer (which scrubs them); requests to the req serializer.
  if (value instanceof Error || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = k === 'req' || k === 'err' ? v : scrub(v, depth - 1);
  return out;
}

/** One line per answered request: the arrival is logged at debug only, the outcome at info. */
export class RequestLog extends LogController {
  override incomingRequest(request: Parameters<LogController['incomingRequest']>[0]) {
    request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(...[error, request, reply]: Parameters<LogController['requestCompleted']>) {
    const line = { req: request, res: { statusCode: reply.statusCode }, ms: Math.round(reply.elapsedTime) };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}

/** The reporter background work is given, over the app's logger. */
export function serverLog(app: FastifyInstance): ServerLog {
  return {
    warn: (message) => app.log.warn(message),
    error: (message) => app.log.error(message),
    info: (message) => app.log.info(message),
  };
}
