// A webhook server for channel tests: fastify with the channel routes, the in-memory sink,
// and connectors pointed at the local provider fakes.
import Fastify, { type FastifyInstance } from 'fastify';
import { createConnectors, type ChannelConnectors } from '../../server/channels/index';
import { registerWebhookRoutes, type WebhookDeps, type WebhookProcessing } from '../../server/channels/webhooks';
import { readChannelSettings, type ChannelSettings } from '../../server/channels/settings';
import { MemorySink } from './memory-sink';
import {
  startFakeWhatsApp,
  WA_APP_SECRET,
  WA_PHONE_NUMBER_ID,
  WA_TOKEN,
  WA_VERIFY_TOKEN,
  type FakeWhatsApp,
} from '../fakes/whatsapp-graph';
import {
  startFakeRingCentral,
  RC_FROM,
  RC_TOKEN,
  RC_VERIFICATION_TOKEN,
  type FakeRingCentral,
} from '../fakes/ringcentral';

export interface Harness {
  app: FastifyInstance;
  url: string;
  sink: MemorySink;
  settings: ChannelSettings;
  connectors: ChannelConnectors;
  deps: WebhookDeps;
  processing: WebhookProcessing;
  wa: FakeWhatsApp;
  rc: FakeRingCentral;
  warnings: string[];
  close(): Promise<void>;
}

export async function startHarness(extraEnv: Record<string, string> = {}): Promise<Harness> {
  const wa = await startFakeWhatsApp();
  const rc = await startFakeRingCentral();
  const settings = readChannelSettings({
    CONVERSE_WHATSAPP_CONNECTOR: 'whatsapp',
    WHATSAPP_API_BASE_URL: wa.url,
    WHATSAPP_PHONE_NUMBER_ID: WA_PHONE_NUMBER_ID,
    WHATSAPP_ACCESS_TOKEN: WA_TOKEN,
    WHATSAPP_APP_SECRET: WA_APP_SECRET,
    WHATSAPP_VERIFY_TOKEN: WA_VERIFY_TOKEN,
    CONVERSE_SMS_CONNECTOR: 'ringcentral',
    RINGCENTRAL_SERVER_URL: rc.url,
    RINGCENTRAL_ACCESS_TOKEN: RC_TOKEN,
    RINGCENTRAL_FROM_NUMBER: RC_FROM,
    RINGCENTRAL_VERIFICATION_TOKEN: RC_VERIFICATION_TOKEN,
    ...extraEnv,
  });
  const sink = new MemorySink();
  const connectors = createConnectors(settings);
  const warnings: string[] = [];
  const deps: WebhookDeps = { sink, settings, connectors, log: { warn: (m) => warnings.push(m) } };
  const app = Fastify({ logger: false });
  // The rest of the server keeps its JSON parser: the raw-body parser is scoped to the webhooks.
  app.post('/api/echo', async (req) => ({ got: req.body }));
  const processing = registerWebhookRoutes(app, deps);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    app,
    url,
    sink,
    settings,
    connectors,
    deps,
    processing,
    wa,
    rc,
    warnings,
    async close() {
      await processing.idle();
      await app.close();
      await wa.close();
      await rc.close();
    },
  };
}
