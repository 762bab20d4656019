// GET /api/v1/ready: whether a load balancer should send this node traffic. 200 while the node is
// up and its store answers; 503 while it drains (SIGTERM) or when the store does not answer, so
// traffic moves to the other nodes. Liveness is GET /api/v1/health (routes-user.ts).
import type { FastifyInstance } from 'fastify';

export interface Readiness {
  /** The node is leaving: no new traffic. */
  draining(): boolean;
  /** One small read; rejects when the store cannot answer. */
  storeAnswers(): Promise<unknown>;
}

export function readinessRoute(app: FastifyInstance, r: Readiness) {
  app.get('/api/v1/ready', async (_req, reply) => {
    if (r.draining()) return reply.code(503).send({ ready: false, reason: 'This server is shutting down.' });
    try {
      await r.storeAnswers();
    } catch (err) {
      return reply.code(503).send({ ready: false, reason: `The database does not answer: ${(err as Error).message}` });
    }
    return { ready: true };
  });
}
