// Every HTTP failure is `{"error":{"code","message"}}` with the status that fits the code.
import type { FastifyError, FastifyInstance } from 'fastify';
import { ZodError, type z } from 'zod';
import { ErrorCode } from '../../shared/error-codes';
import { NotVisibleError, notVisibleMessage } from '../domain/access';

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (what = 'This item') => new ApiFailure(404, ErrorCode.NOT_FOUND, notVisibleMessage(what));
export const forbidden = (message = 'Only admins may do this.') => new ApiFailure(403, ErrorCode.FORBIDDEN, message);
export const invalid = (message: string) => new ApiFailure(400, ErrorCode.INVALID_REQUEST, message);

/** Validate with zod; a failure names the first bad field. */
export function parse<T extends z.ZodTypeAny>(schema: T, value: unknown, where: string): z.infer<T> {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw invalid(
    `Invalid ${where}${issue?.path.length ? ` (${issue.path.join('.')})` : ''}: ${issue?.message ?? 'rejected'}.`,
  );
}

export function installErrorHandler(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError | ApiFailure | NotVisibleError | ZodError | Error, _req, reply) => {
    if (err instanceof ApiFailure || err instanceof NotVisibleError)
      return reply.code(err.status).send({ error: { code: err.code, message: err.message } });
    if (err instanceof ZodError)
      return reply
        .code(400)
        .send({ error: { code: ErrorCode.INVALID_REQUEST, message: err.issues[0]?.message ?? 'Invalid request.' } });
    const status = (err as FastifyError).statusCode ?? 500;
    if (status === 429)
      return reply
        .code(429)
        .send({ error: { code: ErrorCode.RATE_LIMITED, message: 'Too many attempts; wait a minute and try again.' } });
    if (status === 413)
      return reply
        .code(413)
        .send({ error: { code: ErrorCode.INVALID_REQUEST, message: 'The request body is too large.' } });
    if (status >= 400 && status < 500) {
      // Body parse errors and the like: say what was wrong without echoing the input.
      const message =
        (err as FastifyError).code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? 'Unsupported Content-Type.'
          : (err as FastifyError).code?.startsWith('FST_ERR_CTP') || err instanceof SyntaxError
            ? 'The body is not valid JSON.'
            : 'Invalid request.';
      return reply.code(status).send({ error: { code: ErrorCode.INVALID_REQUEST, message } });
    }
    _req.log.error({ err: { message: err.message, stack: err.stack } }, 'request failed');
    return reply
      .code(500)
      .send({ error: { code: ErrorCode.INTERNAL, message: 'Something went wrong on the server.' } });
  });
  app.setNotFoundHandler((_req, reply) =>
    reply.code(404).send({ error: { code: ErrorCode.NOT_FOUND, message: 'No such endpoint.' } }),
  );
}
