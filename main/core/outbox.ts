// The rep's sends. A send is written (message pending + outbox row) in one transaction and
// shown at once; it goes out whenever the link is up, and again after every reconnect or
// restart under the same client id until the server answers, so it reaches the provider
// exactly once (the server dedupes on the client id). A refused send shows why and can be
// retried; a retry is a new send attempt with a fresh client id.
import { randomUUID } from 'node:crypto';
import type { AttachmentView, Channel, MessageError, MessageView } from '../../shared/domain';
import { conversationIdOf } from '../../shared/domain';
import { ErrorCode } from '../../shared/error-codes';
import { captionAllowed } from '../../shared/attachment-policy';
import { applyStatus } from '../../shared/message-status';
import type { SendRequest, ClientFrame } from '../../shared/stream-protocol';
import type { LocalStore } from './store/local-store';

export interface SendArgs {
  clientId: string;
  leadId: string;
  channel: Channel;
  to: string | null;
  body: string;
  templateId?: string;
  attachment?: AttachmentView;
  caption?: string;
}

export interface OutboxOptions {
  store: LocalStore;
  /** Send a frame on the live link; false when there is none. */
  sendFrame: (frame: ClientFrame) => boolean;
  now: () => Date;
  authorUserId: () => string | null;
  onMessages: (conversationId: string, messages: MessageView[]) => void;
  onSizeChanged: (size: number) => void;
}

export class SendError extends Error {
  constructor(readonly code: string, message: string) { super(message); }
}

export class Outbox {
  /** Client ids already sent on the current link (resent after the next welcome). */
  private inFlight = new Set<string>();

  constructor(private readonly o: OutboxOptions) {}

  get size(): number { return this.o.store.state.outboxSize(); }

  send(args: SendArgs): MessageView {
    const { store } = this.o;
    const existing = store.messages.getByClientId(args.clientId);
    if (existing) return existing; // the renderer repeated a call: one message, not two
    checkSend(args);
    const now = this.o.now().toISOString();
    const lead = store.leads.get(args.leadId);
    const template = args.templateId ? store.leads.templates(args.channel).find((t) => t.id === args.templateId) : undefined;
    const primary = lead?.phones.find((p) => p.primary) ?? lead?.phones[0];
    const message: MessageView = {
      id: `local:${args.clientId}`,
      clientId: args.clientId,
      conversationId: conversationIdOf(args.leadId, args.channel),
      leadId: args.leadId,
      channel: args.channel,
      direction: 'outbound',
      body: args.body,
      phoneHandle: args.to ?? primary?.handle ?? null,
      templateName: template?.name ?? null,
      attachment: args.attachment ?? null,
      caption: args.caption ?? null,
      status: 'pending',
      error: null,
      authorUserId: this.o.authorUserId(),
      createdAt: now,
      updatedAt: now,
    };
    const request: SendRequest = {
      clientId: args.clientId, leadId: args.leadId, channel: args.channel, to: args.to, body: args.body,
      ...(args.templateId ? { templateId: args.templateId } : {}),
      ...(args.attachment ? { attachmentId: args.attachment.id } : {}),
      ...(args.caption !== undefined ? { caption: args.caption } : {}),
    };
    store.transaction(() => {
      store.messages.insertLocal(message, request);
      store.conversations.touchWithMessage(message);
      store.state.addOutbox({ clientId: args.clientId, messageId: message.id, request, createdMs: Date.parse(now), attempts: 0 });
    });
    this.o.onMessages(message.conversationId, [message]);
    this.o.onSizeChanged(this.size);
    this.flush();
    return message;
  }

  /** Send a failed message again: same text, a fresh client id (the old one is spent on the server). */
  retry(clientId: string): MessageView {
    const { store } = this.o;
    const current = store.messages.getByClientId(clientId);
    if (!current) throw new SendError(ErrorCode.NOT_FOUND, 'There is no message with that client id on this device.');
    if (current.status !== 'failed') throw new SendError(ErrorCode.CONFLICT, `Only a failed message can be retried; this one is ${current.status}.`);
    const old = store.messages.sendRequestOf(current.id);
    if (!old && current.templateName) throw new SendError(ErrorCode.CONFLICT, 'This template message was sent from another device; send the template again from the composer.');
    const newClientId = randomUUID();
    const request: SendRequest = old
      ? { ...old, clientId: newClientId }
      : {
        clientId: newClientId, leadId: current.leadId, channel: current.channel, to: current.phoneHandle, body: current.body,
        ...(current.attachment ? { attachmentId: current.attachment.id } : {}),
        ...(current.caption ? { caption: current.caption } : {}),
      };
    const now = this.o.now().toISOString();
    const message: MessageView = { ...current, clientId: newClientId, status: 'pending', error: null, updatedAt: now };
    store.transaction(() => {
      store.messages.replaceLocal(message, null);
      store.db.prepare('UPDATE messages SET send_request = ? WHERE id = ?').run(JSON.stringify(request), message.id);
      store.state.addOutbox({ clientId: newClientId, messageId: message.id, request, createdMs: Date.parse(now), attempts: 0 });
    });
    this.o.onMessages(message.conversationId, [message]);
    this.o.onSizeChanged(this.size);
    this.flush();
    return message;
  }

  /** A new link said welcome: everything still in the outbox goes out again. */
  linkChanged(): void {
    this.inFlight.clear();
  }

  /** Send whatever has not been sent on the current link, oldest first. */
  flush(): void {
    const { store } = this.o;
    for (const entry of store.state.outbox()) {
      if (this.inFlight.has(entry.clientId)) continue;
      if (!this.o.sendFrame({ type: 'send', send: entry.request })) return;
      this.inFlight.add(entry.clientId);
      store.state.countAttempt(entry.clientId);
    }
  }

  accepted(clientId: string, serverMessageId: string): void {
    const { store } = this.o;
    this.inFlight.delete(clientId);
    let changed: MessageView | null = null;
    store.transaction(() => {
      store.state.removeOutbox(clientId);
      store.messages.setServerId(clientId, serverMessageId);
      const m = store.messages.getByClientId(clientId);
      // The server holds it now: one step up from pending, until its own events say more.
      if (m && !applyStatus(m.status, 'queued').ignored) {
        changed = { ...m, status: 'queued' };
        store.messages.replaceLocal(changed, serverMessageId);
      }
    });
    if (changed) this.o.onMessages((changed as MessageView).conversationId, [changed]);
    this.o.onSizeChanged(this.size);
  }

  rejected(clientId: string, error: MessageError): void {
    const { store } = this.o;
    this.inFlight.delete(clientId);
    let changed: MessageView | null = null;
    store.transaction(() => {
      const removed = store.state.removeOutbox(clientId);
      const m = store.messages.getByClientId(clientId);
      if (!m || (!removed && m.status !== 'pending')) return;
      changed = { ...m, status: 'failed', error, updatedAt: this.o.now().toISOString() };
      store.messages.replaceLocal(changed, store.messages.serverIdOf(m.id));
    });
    if (changed) this.o.onMessages((changed as MessageView).conversationId, [changed]);
    this.o.onSizeChanged(this.size);
  }
}

/** The checks the server also makes, done here only to tell the rep before anything is queued. */
function checkSend(a: SendArgs): void {
  if (!a.body.trim() && !a.templateId && !a.attachment) throw new SendError(ErrorCode.EMPTY_MESSAGE, 'Type a message, pick a template or attach a file.');
  if (a.caption !== undefined && a.caption !== '') {
    if (!a.attachment) throw new SendError(ErrorCode.CAPTION_NOT_ALLOWED, 'A caption needs an attached image or video.');
    if (!captionAllowed(a.attachment.kind)) throw new SendError(ErrorCode.CAPTION_NOT_ALLOWED, 'Captions can be added to images and videos only.');
  }
}
