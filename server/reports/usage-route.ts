// GET /api/v1/reports/usage?range=month|last12&month=YYYY-MM → UsageReport. Who is asking
// comes from the server's own authentication through `viewerOf`, so this module needs no
// knowledge of sessions; it only applies the report's rules (README.md).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ErrorCode } from '../../shared/error-codes';
import { buildUsageReport, UsageReportQueryError, type ReportViewer, type UsageCounterSource } from './usage-report';

export interface UsageRouteDeps {
  /** The signed-in user of this request, or null (→ 401). */
  viewerOf: (req: FastifyRequest) => ReportViewer | null | Promise<ReportViewer | null>;
  /** The workspace's IANA time zone. */
  timeZone: () => string;
  source: UsageCounterSource;
  /** Defaults to /api/v1/reports/usage. */
  path?: string;
}

export async function registerUsageReportRoute(app: FastifyInstance, deps: UsageRouteDeps): Promise<void> {
  app.get(deps.path ?? '/api/v1/reports/usage', async (req, reply) => {
    const viewer = await deps.viewerOf(req);
    if (!viewer) {
      return reply.code(401).send({ error: { code: ErrorCode.UNAUTHORIZED, message: 'Sign in to see usage reports.' } });
    }
    const q = req.query as Record<string, unknown> | undefined;
    try {
      const report = await buildUsageReport({
        query: { range: q?.range, month: q?.month },
        viewer,
        timeZone: deps.timeZone(),
        source: deps.source,
      });
      return reply.send(report);
    } catch (err) {
      if (err instanceof UsageReportQueryError) {
        return reply.code(400).send({ error: { code: ErrorCode.INVALID_REQUEST, message: err.message } });
      }
      throw err;
    }
  });
}
