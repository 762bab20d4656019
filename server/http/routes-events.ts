// POST /api/v1/events: how other systems (the CRM, a task tool, a marketing platform) tell
// Converse that a lead was created or assigned, a task was set, or an activity was posted, so
// the server can nudge the right rep. Authenticated by a workspace API key, every body checked
// against the schemas of server/nudges/crm-event-shapes.ts before any handler runs; storage and nudging stay with the
// injected handlers. Each event carries the sender's own eventId, so a sender that retries a
// batch after a timeout can be deduplicated by the handlers.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode } from '../../shared/error-codes';
import { apiKeyMatchesHash } from '../auth/api-keys';
import {
  EventRejected,
  EventsBatch,
  describeIssues,
  parseCrmEvent,
  type CrmEvent,
  type EventsRouteDeps,
} from '../nudges/crm-event-shapes';

const sendError = (reply: FastifyReply, status: number, code: string, message: string) =>
  reply.code(status).send({ error: { code, message } });

/**
 * Registers POST /api/v1/events in its own encapsulated context (its error handler covers
 * JSON parse errors too). Await it before `app.listen`/`app.ready`.
 */
export async function registerEventsRoute(app: FastifyInstance, deps: EventsRouteDeps): Promise<void> {
  await app.register(async (scope) => {
    scope.setErrorHandler((err: { statusCode?: number; code?: string; message: string }, _req, reply) => {
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
      if (status === 500) {
        scope.log.error(err, 'events route failed');
        return sendError(reply, 500, ErrorCode.INTERNAL, 'The events could not be processed.');
      }
      // Say what was wrong without echoing the input (a JSON parser's message quotes it).
      const message =
        status === 413
          ? 'The request body is larger than 1 MiB; send fewer events per request.'
          : status === 415
            ? 'Send the events as application/json.'
            : err.code?.startsWith('FST_ERR_CTP') || err instanceof SyntaxError
              ? 'The body is not valid JSON.'
              : 'Invalid request.';
      return sendError(reply, status, status === 429 ? ErrorCode.RATE_LIMITED : ErrorCode.INVALID_REQUEST, message);
    });

    // Authenticate before the body is read: a caller without the key learns nothing about the schema.
    scope.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
      const header = req.headers['x-api-key'];
      const given = Array.isArray(header) ? header[0] : header;
      if (!given || !apiKeyMatchesHash(given, await deps.apiKeyHashes())) {
        return sendError(
          reply,
          401,
          ErrorCode.UNAUTHORIZED,
          'A valid workspace API key is required in the X-Api-Key header.',
        );
      }
    });

    scope.post(deps.path ?? '/api/v1/events', { bodyLimit: 1024 * 1024 }, async (req, reply) => {
      const body: unknown = req.body;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        return sendError(
          reply,
          400,
          ErrorCode.INVALID_REQUEST,
          'Send one event object with a "type", or {"events": [...]} with 1 to 100 events.',
        );
      }
      const batch = 'events' in body;
      let raw: unknown[] = [body];
      if (batch) {
        const parsed = EventsBatch.safeParse(body);
        if (!parsed.success)
          return sendError(
            reply,
            400,
            ErrorCode.INVALID_REQUEST,
            describeIssues(parsed.error.issues, 'Invalid events batch'),
          );
        raw = parsed.data.events;
      }
      const events: CrmEvent[] = [];
      // Every event is checked before any is acted on, so a bad batch changes nothing.
      for (const [i, item] of raw.entries()) {
        const parsed = parseCrmEvent(item);
        if (!parsed.ok) {
          const which = batch ? `events[${i}]: ` : '';
          return sendError(reply, 400, ErrorCode.INVALID_REQUEST, `${which}${parsed.message}.`);
        }
        events.push(parsed.event);
      }
      for (const [i, event] of events.entries()) {
        try {
          if (event.type === 'lead') await deps.onLead(event);
          else if (event.type === 'task') await deps.onTask(event);
          else await deps.onActivity(event);
        } catch (err) {
          if (err instanceof EventRejected) {
            return sendError(
              reply,
              err.statusCode,
              err.code,
              `Event ${i} (${event.eventId}) was refused: ${err.message.replace(/\.?$/, '.')} Events before it were accepted; resend from this one.`,
            );
          }
          throw err;
        }
      }
      return reply.code(202).send({ accepted: events.length });
    });
  });
}
