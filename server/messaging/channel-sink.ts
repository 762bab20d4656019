// The server's side of the connector seam: what providers push back (inbound messages and
// statuses) lands here, durably and exactly once.
import type { ChannelSink, InboundMessage, ProviderName, SavedWebhook, StatusUpdate } from '../channels/connector';
import { normalisePhone } from '../../shared/phone';
import { optKeyword } from '../../shared/sms';
import { canonicalMimeType, checkAttachment } from '../../shared/attachment-policy';
import type { AttachmentKind, MessageError } from '../../shared/domain';
import type { Store, LeadRecord } from '../storage/store';
import type { Publisher } from '../domain/publisher';
import type { ConnectorSet } from './send-pipeline';
import { safeFileName, type AttachmentFiles } from '../attachments/files';
import { sniffMimeType } from '../channels/sniff';
import { leadName, scrubDigits } from '../domain/views';
import { countMessage } from '../reports/count-usage';
import { roundRobinOwner } from '../domain/round-robin';

/** Headers never kept in the webhook inbox. */
const SECRET_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

export interface SinkOptions {
  store: Store; publisher: Publisher; connectors: ConnectorSet; files: AttachmentFiles; now: () => Date;
  /** Where background failures are reported. */
  onError?: (message: string) => void;
}

export class ServerChannelSink implements ChannelSink {
  /** Inbound messages from one number are handled one after another (one lead per new number, fair turns). */
  private readonly perNumber = new Map<string, Promise<unknown>>();
  /** Statuses are applied in the order they arrived. */
  private statusChain: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: SinkOptions) {}

  saveWebhook(provider: ProviderName, body: Buffer, headers: Record<string, string>): SavedWebhook {
    const kept = Object.fromEntries(Object.entries(headers).filter(([k]) => !SECRET_HEADERS.has(k.toLowerCase())));
    return this.o.store.saveWebhookSync(provider, body, kept, this.o.now().toISOString());
  }
  pendingWebhooks(): SavedWebhook[] { return this.o.store.pendingWebhooksSync(); }
  markWebhookProcessed(id: string, error?: string): void { this.o.store.markWebhookProcessedSync(id, this.o.now().toISOString(), error); }

  inbound(msg: InboundMessage): Promise<{ duplicate: boolean; messageId: string }> {
    const n = normalisePhone(msg.from);
    if (!n.ok) return Promise.reject(new Error(`Inbound message ${msg.providerMessageId} has an invalid sender number.`));
    const prev = this.perNumber.get(n.e164) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(() => this.inboundNow(msg, n.e164));
    this.perNumber.set(n.e164, next);
    void next.catch(() => undefined).finally(() => { if (this.perNumber.get(n.e164) === next) this.perNumber.delete(n.e164); });
    return next;
  }

  private async inboundNow(msg: InboundMessage, from: string): Promise<{ duplicate: boolean; messageId: string }> {
    const { store, publisher, now } = this.o;
    const at = msg.receivedAt.toISOString();
    const known = await store.inboundMessageId(msg.provider, msg.providerMessageId);
    if (known) return { duplicate: true, messageId: known };

    // An unknown sender becomes a lead, assigned round-robin among active admins.
    let lead = await store.leadByPhone(from);
    let created = false;
    if (!lead) {
      const ownerId = await roundRobinOwner(store);
      const { first, last } = splitProfileName(msg.profileName, msg.channel);
      const res = await store.findOrCreateLeadByPhone(from, () => ({ lead: { firstName: first, lastName: last, ownerId, phones: [{ e164: from, label: msg.channel === 'whatsapp' ? 'WhatsApp' : 'Mobile', primary: true }] } }), at);
      lead = res.lead;
      created = res.created;
    }
    const phone = lead.phones.find((p) => p.e164 === from)!;

    // Media is fetched from the provider and kept like an upload (type sniffed from the bytes).
    let attachmentId: string | null = null;
    let caption: string | null = null;
    if (msg.media) {
      const bytes = await msg.media.fetch();
      const sniffed = (await sniffMimeType(bytes, msg.media.fileName ?? undefined)) ?? canonicalMimeType(msg.media.mimeType);
      const connector = this.o.connectors.forChannel(msg.channel);
      const check = connector ? checkAttachment(connector.name, sniffed, bytes.length) : null;
      const kind: AttachmentKind = check?.ok ? check.kind : kindOf(sniffed);
      const id = this.o.files.newId();
      const path = await this.o.files.write(id, bytes);
      await store.createAttachment({ id, fileName: safeName(msg.media.fileName, sniffed), mimeType: sniffed, size: bytes.length, kind, path, uploadedBy: null }, at);
      attachmentId = id;
      caption = msg.media.caption;
    }

    const isNewConversation = !(await store.getConversation(`${lead.id}:${msg.channel}`));
    const { message, duplicate } = await store.createInbound({
      leadId: lead.id, channel: msg.channel, body: msg.body, phoneId: phone.id, provider: msg.provider, providerMessageId: msg.providerMessageId,
      attachmentId, caption, at,
    });
    if (duplicate) return { duplicate: true, messageId: message.id };

    await countMessage(store, { at: now(), provider: msg.provider, channel: msg.channel, direction: 'inbound', userId: lead.ownerId });

    let leadChanged = created;
    if (created) {
      const owner = lead.ownerId ? await store.getUser(lead.ownerId) : null;
      await store.addActivity({ leadId: lead.id, type: 'lead.created', summary: `Lead created from a ${msg.channel === 'whatsapp' ? 'WhatsApp' : 'SMS'} message from an unknown number${owner ? `; assigned to ${owner.name}` : ''}.`, at, messageId: message.id });
    }
    if (isNewConversation) {
      await store.addActivity({ leadId: lead.id, type: 'conversation.started', summary: `${msg.channel === 'whatsapp' ? 'WhatsApp' : 'SMS'} conversation started by the lead.`, at, messageId: message.id });
    }
    if (msg.channel === 'sms') {
      const keyword = optKeyword(msg.body);
      const to = msg.to ? normalisePhone(msg.to) : null;
      const business = to?.ok ? to.e164 : this.o.connectors.forChannel('sms')?.businessNumber ?? '';
      if (keyword && business) {
        const optedOut = keyword === 'opt-out';
        await store.setOptOut(business, from, optedOut, msg.body.trim().toUpperCase(), at);
        // The number itself never goes into activity text: it may be masked for some readers.
        const label = phone.label ? `${phone.label} number` : 'number';
        await store.addActivity({ leadId: lead.id, type: optedOut ? 'sms.opted_out' : 'sms.opted_in', summary: optedOut ? `The lead's ${label} opted out of SMS (replied ${msg.body.trim().toUpperCase()}).` : `The lead's ${label} opted back in to SMS (replied ${msg.body.trim().toUpperCase()}).`, at, messageId: message.id });
        leadChanged = true;
      }
    }

    if (leadChanged) await publisher.lead(lead.id);
    await publisher.messageWithConversation(message);
    await this.nudgeAbout(lead, message.conversationId, msg, created);
    return { duplicate: false, messageId: message.id };
  }

  private async nudgeAbout(lead: LeadRecord, conversationId: string, msg: InboundMessage, created: boolean) {
    const { store, publisher } = this.o;
    const conv = await store.getConversation(conversationId);
    const targets = new Set<string>();
    if (lead.ownerId) targets.add(lead.ownerId);
    if (conv?.assigneeId) targets.add(conv.assigneeId);
    for (const userId of targets) {
      const viewer = await store.getUser(userId);
      if (!viewer || !viewer.active) continue;
      const name = leadName(lead, viewer);
      if (created) {
        await publisher.nudge(userId, { kind: 'assignment', entityType: 'lead', leadId: lead.id, conversationId, taskId: null, title: 'New lead assigned to you', body: `${name} wrote on ${msg.channel === 'whatsapp' ? 'WhatsApp' : 'SMS'}.` });
      }
      const preview = msg.body || msg.media?.caption || '📎 Attachment';
      await publisher.nudge(userId, { kind: 'message', entityType: 'lead', leadId: lead.id, conversationId, taskId: null, title: name, body: preview.length > 140 ? `${preview.slice(0, 139)}…` : preview });
    }
  }

  status(update: StatusUpdate): void {
    const next = this.statusChain.then(() => this.applyStatus(update));
    // A failure is reported and does not stop later statuses (nor crash the process).
    this.statusChain = next.catch((err: Error) => this.o.onError?.(`status ${update.providerMessageId}: ${err.message}`));
  }

  /** Resolves when every status handed in so far is applied (tests and shutdown). */
  settled(): Promise<void> { return this.statusChain.then(() => undefined); }

  private async applyStatus(update: StatusUpdate) {
    const { store, publisher } = this.o;
    let error: MessageError | null = null;
    // Provider text may quote the number, which some readers must not see.
    if (update.error) error = { code: update.error.code, message: scrubDigits(update.error.message), providerCode: update.error.providerCode };
    const res = await store.applyProviderStatus(update.provider, update.providerMessageId, update.status, update.at.toISOString(), error);
    if (!res || !res.changed) return;
    await publisher.message(res.message);
  }
}

function splitProfileName(profileName: string | null, channel: string): { first: string; last: string } {
  const name = (profileName ?? '').trim().replace(/\s+/g, ' ').slice(0, 100);
  if (!name) return { first: channel === 'whatsapp' ? 'WhatsApp' : 'SMS', last: 'contact' };
  const at = name.indexOf(' ');
  return at < 0 ? { first: name, last: '' } : { first: name.slice(0, at), last: name.slice(at + 1) };
}

function kindOf(mime: string): AttachmentKind {
  if (mime.startsWith('image/')) return 'image';
  if (mime.startsWith('video/')) return 'video';
  if (mime.startsWith('audio/')) return 'audio';
  return 'document';
}

function safeName(name: string | null, mime: string): string {
  const clean = safeFileName(name ?? '').slice(0, 200);
  if (clean) return clean;
  const ext = mime.split('/')[1]?.split('+')[0] ?? 'bin';
  return `attachment.${ext}`;
}
