// The connectors of one workspace, built from its settings: one for SMS (sandbox, RingCentral
// or CTM) and one for WhatsApp (sandbox or the Cloud API). The sandbox connectors belong to the
// server (they need its storage to "deliver" messages), so they come in as factories.
import type { Channel } from '../../shared/domain';
import type { Connector } from './connector';
import type { ChannelSettings } from './settings';
import type { Fetch } from './http';
import { createWhatsAppConnector } from './whatsapp';
import { createRingCentralConnector } from './ringcentral';
import { createCtmConnector } from './ctm';
import { withRetry, type RetryOptions } from './retry';
import type { WebhookConnectors } from './webhooks';

export { readChannelSettings, ChannelSettingsError, type ChannelSettings } from './settings';
export { registerWebhookRoutes, processWebhook, processPendingWebhooks, type WebhookDeps } from './webhooks';
export { sniffMimeType } from './sniff';
export { sendWithRetry, withRetry, backoffDelay, DEFAULT_RETRY, type RetryOptions } from './retry';

export interface ConnectorDeps {
  /** Factories for the demo's sandbox connectors, called only when a channel is set to sandbox. */
  sandbox?: { sms?: () => Connector; whatsapp?: () => Connector };
  /** For tests; defaults to the global fetch. */
  fetch?: Fetch;
  /**
   * Retry retryable send failures inside the connector (capped exponential backoff, jitter).
   * Off by default because the server's send pipeline schedules its own retries; turn it on
   * for callers that do not.
   */
  retry?: Partial<RetryOptions> | false;
}

export interface ChannelConnectors extends WebhookConnectors {
  /** The workspace's SMS connector, or null when none can be built (sandbox not supplied). */
  sms: Connector | null;
  whatsapp: Connector | null;
  forChannel(channel: Channel): Connector | null;
  all(): Connector[];
  close(): Promise<void>;
}

/** The real providers' connectors the settings select, retried inside when `deps.retry` says so. */
function providerConnectors(settings: ChannelSettings, deps: ConnectorDeps): WebhookConnectors {
  const opts = deps.fetch ? { fetch: deps.fetch } : {};
  const wrap = <C extends Connector>(c: C): C => (deps.retry ? withRetry(c, deps.retry) : c);
  return {
    whatsappCloud:
      settings.whatsappConnector === 'whatsapp' && settings.whatsapp
        ? wrap(createWhatsAppConnector(settings.whatsapp, opts))
        : null,
    ringcentral:
      settings.smsConnector === 'ringcentral' && settings.ringcentral
        ? wrap(createRingCentralConnector(settings.ringcentral, opts))
        : null,
    ctm: settings.smsConnector === 'ctm' && settings.ctm ? wrap(createCtmConnector(settings.ctm, opts)) : null,
  };
}

/** A sandbox connector, when the channel is set to sandbox and the server supplied one. */
const sandboxConnector = (selected: boolean, make: (() => Connector) | undefined) => (selected && make ? make() : null);

export function createConnectors(settings: ChannelSettings, deps: ConnectorDeps = {}): ChannelConnectors {
  const { whatsappCloud, ringcentral, ctm } = providerConnectors(settings, deps);
  const sms = ringcentral ?? ctm ?? sandboxConnector(settings.smsConnector === 'sandbox', deps.sandbox?.sms);
  const whatsapp = whatsappCloud ?? sandboxConnector(settings.whatsappConnector === 'sandbox', deps.sandbox?.whatsapp);
  const all = [sms, whatsapp].filter((c): c is Connector => c !== null);

  return {
    sms,
    whatsapp,
    whatsappCloud,
    ringcentral,
    ctm,
    forChannel: (channel) => (channel === 'sms' ? sms : whatsapp),
    all: () => all,
    async close() {
      await Promise.allSettled(all.map((c) => c.close?.()));
    },
  };
}
