// The provider side of a cluster run: the WhatsApp Cloud API fake (sends land there, so "at the
// provider" is counted outside every node and survives a node's death) and a webhook sender
// that behaves like Meta's: signed with the app secret, spread over the nodes as a load balancer
// would, retried on anything but a 2xx, and never resent once a 2xx came back. After each send
// it accepts, it reports `sent` and `delivered` by webhook, as the Cloud API does.
import http from 'node:http';
import {
  signedWebhook,
  startFakeWhatsApp,
  waStatus,
  waStatuses,
  waTextMessage,
  type FakeWhatsApp,
} from '../../fakes/whatsapp-graph';

/** The settings that point a node's WhatsApp connector at the fake. */

export interface Delivery {
  key: string;
  /** performance.now() when a node answered 2xx; null while not yet. */
  acceptedAt: number | null;
  acceptedBy: string | null;
  attempts: number;
  /** performance.now() when the latest attempt was sent (the one a 2xx answered, once accepted). */
  attemptAt: number;
  /** 2xx answers received: must end at exactly 1 (a 2xx is never resent). */
  accepted: number;
}

export interface Provider {
  fake: FakeWhatsApp;
  deliveries: Map<string, Delivery>;
  /** Post one signed webhook until some node answers 2xx; `key` names it in `deliveries`. */
  deliver(key: string, payload: unknown): Promise<Delivery>;
  /** An inbound text from a lead: its WhatsApp message id is `key`. */
  inbound(key: string, fromWaId: string, body: string): Promise<Delivery>;
  /** Resolves when every webhook given so far was answered 2xx. */
  settled(): Promise<void>;
  /** Send bodies accepted by the provider, with how many times each arrived. */
  sentBodies(): Map<string, number>;
  close(): Promise<void>;
}

const RETRY_MS = [50, 100, 200, 400, 800, 1000];

/**
 * POST a signed webhook over a kept-alive connection; resolves to the status code. node:http, not
 * fetch: the sender shares the machine with the nodes it measures, and fetch (undici's web
 * streams) cost the bench process about twice the CPU per webhook and stalled its event loop for
 * 65–100 ms at a time (CPU profile of the load generator at 500/s), which both delayed sends and
 * stamped arrivals late.
 */
function postWebhook(agent: http.Agent, url: string, payload: unknown): Promise<number> {
  const { raw, headers } = signedWebhook(payload);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', agent, headers: { ...headers, 'content-length': raw.length } },
      (res) => {
        res.on('error', reject);
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.resume();
      },
    );
    req.on('error', reject);
    req.end(raw);
  });
}

export async function startProvider(o: { nodeUrls: () => string[]; statuses?: boolean }): Promise<Provider> {
  const fake = await startFakeWhatsApp();
  const agent = new http.Agent({ keepAlive: true });
  const deliveries = new Map<string, Delivery>();
  const pending = new Set<Promise<unknown>>();
  let turn = 0;
  let closed = false;

  async function deliver(key: string, payload: unknown): Promise<Delivery> {
    const d: Delivery = { key, acceptedAt: null, acceptedBy: null, attempts: 0, attemptAt: 0, accepted: 0 };
    deliveries.set(key, d);
    const job = (async () => {
      for (let attempt = 0; !closed; attempt++) {
        const urls = o.nodeUrls();
        const url = urls[turn++ % Math.max(1, urls.length)];
        d.attempts++;
        d.attemptAt = performance.now();
        try {
          if (url) {
            const status = await postWebhook(agent, `${url}/webhooks/whatsapp`, payload);
            if (status >= 200 && status < 300) {
              d.accepted++;
              d.acceptedAt = performance.now();
              d.acceptedBy = url;
              return d;
            }
          }
        } catch {
          // Connection refused or reset: the node died; the next attempt goes to another one.
        }
        await new Promise((r) => setTimeout(r, RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]));
      }
      return d;
    })();
    pending.add(job);
    void job.finally(() => pending.delete(job));
    return job;
  }

  // Statuses for every accepted send, in order, as the Cloud API reports them.
  let reported = 0;
  const pump = setInterval(() => {
    if (o.statuses === false) return;
    while (reported < fake.sent.length) {
      const s = fake.sent[reported++];
      void deliver(
        `status:${s.id}`,
        waStatuses([waStatus(s.id, 'sent', s.body.to), waStatus(s.id, 'delivered', s.body.to)]),
      );
    }
  }, 20);

  return {
    fake,
    deliveries,
    deliver,
    inbound: (key, fromWaId, body) => deliver(key, waTextMessage({ from: fromWaId, id: key, body })),
    async settled() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    sentBodies() {
      const m = new Map<string, number>();
      for (const s of fake.sent) {
        const body = s.body.type === 'text' ? s.body.text.body : '';
        m.set(body, (m.get(body) ?? 0) + 1);
      }
      return m;
    },
    async close() {
      closed = true;
      clearInterval(pump);
      await Promise.allSettled([...pending]);
      agent.destroy();
      await fake.close();
    },
  };
}
