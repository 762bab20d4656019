// The rep's sends. A send is written (message pending + outbox row) in one transaction and
// shown at once; it goes out whenever the link is up, and again after every reconnect or
// restart under the same client id until the server answers, so it reaches the provider
// exactly once (the server dedupes on the client id). A refused send shows why and can be
// retried; a retry is a new send attempt with a fresh client id. A file chosen while the server
// could not be reached waits here with its message and is uploaded first, on the next link.
import { randomUUID } from 'node:crypto';
import type { AttachmentView, Channel, MessageError, MessageView } from '../../shared/domain';
import { conversationIdOf } from '../../shared/domain';
import { ErrorCode } from '../../shared/error-codes';
import { mimeTypeFromFileName } from '../../shared/attachment-policy';
import { applyStatus } from '../../shared/message-status';
import { isServiceWindowOpen } from '../../shared/service-window';
import { refuseSend, type SendNumber } from '../../shared/send-rules';
import type { IpcArgs } from '../../shared/ipc';
import type { SendRequest, ClientFrame } from '../../shared/stream-protocol';
import type { LocalStore } from './store/local-store';

/** What the renderer sends (shared/ipc.ts), defaults applied. */
export type SendArgs = IpcArgs<'messages.send'> & { body: string };

export interface OutboxOptions {
  store: LocalStore;
  /** Send a frame on the live link; false when there is none. */
  sendFrame: (frame: ClientFrame) => boolean;
  now: () => Date;
  authorUserId: () => string | null;
  onMessages: (conversationId: string, messages: MessageView[]) => void;
  onSizeChanged: (size: number) => void;
  /** Upload a waiting file; rejects with a `code` (ErrorCode.OFFLINE: try again on the next link). */
  upload?: (channel: Channel, fileName: string, mimeType: string, bytes: Uint8Array) => Promise<AttachmentView>;
  /** Whether the server can be reached now (a file is uploaded only then); without it, never. */
  linkUp?: () => boolean;
  log?: (line: string, level?: 'info' | 'warn' | 'error') => void;
}

export class SendError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The send frame's request: only the fields the rep filled. */
const sendRequestOf = (args: SendArgs): SendRequest => ({
  clientId: args.clientId,
  leadId: args.leadId,
  channel: args.channel,
  to: args.to,
  body: args.body,
  ...(args.templateId ? { templateId: args.templateId } : {}),
  ...(args.attachment ? { attachmentId: args.attachment.id } : {}),
  ...(args.caption !== undefined ? { caption: args.caption } : {}),
});

export class Outbox {
  /** Client ids already sent on the current link (resent after the next welcome). */
  private inFlight = new Set<string>();
  /** Message ids whose file is being uploaded. */
  private uploading = new Set<string>();

  constructor(private readonly o: OutboxOptions) {}

  get size(): number {
    return this.o.store.state.outboxSize();
  }

  send(args: SendArgs): MessageView {
    const { store } = this.o;
    const existing = store.messages.getByClientId(args.clientId);
    if (existing) return existing; // the renderer repeated a call: one message, not two
    const id = `local:${args.clientId}`;
    // Offline: the file is kept here and stands in as the attachment until it is uploaded; its
    // id names the message (localAttachmentId), so the preview can find the bytes.
    const waitingFile = args.file && !args.attachment ? localFile(id, args.file.fileName, args.file.bytes) : null;
    const attachment = args.attachment ?? waitingFile?.view;
    this.check(args, attachment);
    const now = this.o.now().toISOString();
    const message = this.localMessage(args, id, attachment ?? null, now);
    const request = sendRequestOf(args);
    store.transaction(() => {
      store.messages.insertLocal(message, request);
      if (waitingFile) store.state.addOutboxFile(id, waitingFile.row);
      store.conversations.touchWithMessage(message);
      store.state.addOutbox({
        clientId: args.clientId,
        messageId: message.id,
        request,
        createdMs: Date.parse(now),
        attempts: 0,
      });
    });
    this.o.onMessages(message.conversationId, [message]);
    this.o.onSizeChanged(this.size);
    this.flush();
    return message;
  }

  /** The message as the rep's windows show it until the server has it: pending, under a local id. */
  private localMessage(args: SendArgs, id: string, attachment: MessageView['attachment'], now: string): MessageView {
    const { store } = this.o;
    const lead = store.leads.get(args.leadId);
    const template = args.templateId
      ? store.leads.templates(args.channel).find((t) => t.id === args.templateId)
      : undefined;
    const primary = lead?.phones.find((p) => p.primary) ?? lead?.phones[0];
    return {
      id,
      clientId: args.clientId,
      conversationId: conversationIdOf(args.leadId, args.channel),
      leadId: args.leadId,
      channel: args.channel,
      direction: 'outbound',
      body: args.body,
      phoneHandle: args.to ?? primary?.handle ?? null,
      templateName: template?.name ?? null,
      attachment,
      caption: args.caption ?? null,
      status: 'pending',
      error: null,
      authorUserId: this.o.authorUserId(),
      createdAt: now,
      updatedAt: now,
    };
  }

  /** Send a failed message again: same text, a fresh client id (the old one is spent on the server). */
  retry(clientId: string): MessageView {
    const { store } = this.o;
    const current = store.messages.getByClientId(clientId);
    if (!current) throw new SendError(ErrorCode.NOT_FOUND, 'There is no message with that client id on this device.');
    if (current.status !== 'failed')
      throw new SendError(ErrorCode.CONFLICT, `Only a failed message can be retried; this one is ${current.status}.`);
    const old = store.messages.sendRequestOf(current.id);
    if (!old && current.templateName)
      throw new SendError(
        ErrorCode.CONFLICT,
        'This template message was sent from another device; send the template again from the composer.',
      );
    const newClientId = randomUUID();
    const request: SendRequest = old
      ? { ...old, clientId: newClientId }
      : {
          clientId: newClientId,
          leadId: current.leadId,
          channel: current.channel,
          to: current.phoneHandle,
          body: current.body,
          ...(current.attachment ? { attachmentId: current.attachment.id } : {}),
          ...(current.caption ? { caption: current.caption } : {}),
        };
    const now = this.o.now().toISOString();
    const message: MessageView = { ...current, clientId: newClientId, status: 'pending', error: null, updatedAt: now };
    store.transaction(() => {
      store.messages.replaceLocal(message, null);
      store.db.prepare('UPDATE messages SET send_request = ? WHERE id = ?').run(JSON.stringify(request), message.id);
      store.state.addOutbox({
        clientId: newClientId,
        messageId: message.id,
        request,
        createdMs: Date.parse(now),
        attempts: 0,
      });
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

  /** Send whatever has not been sent on the current link, oldest first. A send whose file is not
   * uploaded yet holds the ones after it, so the lead reads them in the order they were written. */
  flush(): void {
    const { store } = this.o;
    for (const entry of store.state.outbox()) {
      if (this.inFlight.has(entry.clientId)) continue;
      if (!entry.request.attachmentId && store.state.hasOutboxFile(entry.messageId)) {
        if (this.o.upload && this.o.linkUp?.()) this.uploadWaitingFile(entry.clientId, entry.messageId, entry.request);
        return;
      }
      if (!this.o.sendFrame({ type: 'send', send: entry.request })) return;
      this.inFlight.add(entry.clientId);
      store.state.countAttempt(entry.clientId);
    }
  }

  /** The rules the server applies (shared/send-rules.ts), with what this device knows, so a
   * send that cannot succeed is refused now instead of queued. */
  private check(a: SendArgs, attachment: AttachmentView | undefined): void {
    const { store } = this.o;
    const lead = store.leads.get(a.leadId);
    const phone = lead
      ? a.to === null
        ? (lead.phones.find((p) => p.primary) ?? lead.phones[0])
        : lead.phones.find((p) => p.handle === a.to)
      : undefined;
    // A lead or number this device has not synced yet: the server decides.
    const to: SendNumber | null =
      lead && lead.phones.length === 0
        ? null
        : phone
          ? { cannotReach: phone.cannotReach, smsOptedOut: phone.smsOptedOut }
          : {};
    const conv = a.channel === 'whatsapp' ? store.conversations.get(conversationIdOf(a.leadId, a.channel)) : null;
    const windowOpen =
      conv && conv.windowClosesAt !== undefined ? isServiceWindowOpen(conv.windowClosesAt, this.o.now()) : undefined;
    const refused = refuseSend({
      channel: a.channel,
      to,
      windowOpen,
      body: a.body,
      template: a.templateId !== undefined,
      attachment: attachment ? { kind: attachment.kind } : null,
      caption: a.caption,
    });
    if (refused) throw new SendError(refused.code, refused.message);
  }

  private uploadWaitingFile(clientId: string, messageId: string, request: SendRequest): void {
    const { store } = this.o;
    const file = store.state.outboxFile(messageId);
    if (!file || this.uploading.has(messageId)) return;
    this.uploading.add(messageId);
    this.o.upload!(request.channel, file.fileName, file.mimeType, file.bytes)
      .then(
        (attachment) => {
          let changed: MessageView | null = null;
          store.transaction(() => {
            const m = store.messages.getByClientId(clientId);
            if (!m || !store.state.outbox().some((e) => e.clientId === clientId)) return; // answered or gone meanwhile
            const next: SendRequest = { ...request, attachmentId: attachment.id };
            store.state.setOutboxRequest(clientId, next);
            store.db.prepare('UPDATE messages SET send_request = ? WHERE id = ?').run(JSON.stringify(next), m.id);
            store.state.removeOutboxFile(messageId);
            changed = { ...m, attachment, updatedAt: this.o.now().toISOString() };
            store.messages.replaceLocal(changed, store.messages.serverIdOf(m.id));
          });
          if (changed) this.o.onMessages((changed as MessageView).conversationId, [changed]);
        },
        (err: unknown) => {
          const code =
            typeof (err as { code?: unknown })?.code === 'string'
              ? (err as { code: string }).code
              : ErrorCode.PROVIDER_ERROR;
          this.o.log?.(
            `[outbox] upload of the file for ${clientId} failed: ${code}`,
            code === ErrorCode.OFFLINE ? 'info' : 'warn',
          );
          // Unreachable again: the next link tries again. Refused (type, size, quota): the message
          // fails with the reason and keeps its file, so Retry uploads it again.
          if (code !== ErrorCode.OFFLINE)
            this.rejected(clientId, { code, message: (err as Error).message ?? String(err) });
        },
      )
      .finally(() => {
        this.uploading.delete(messageId);
        this.flush();
      });
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

/** The id a waiting file's attachment has until it is uploaded: its message's, in the character
 * set the shells' file URLs accept (/attachments/<id>), and mapped back by waitingFileMessageId. */
export const localAttachmentId = (messageId: string): string => messageId.replace(/^local:/, 'local-');
export const waitingFileMessageId = (attachmentId: string): string | null =>
  attachmentId.startsWith('local-') ? `local:${attachmentId.slice('local-'.length)}` : null;

/** A file kept for the outbox and the attachment the message shows meanwhile. */
function localFile(messageId: string, fileName: string, bytes: Uint8Array) {
  const mimeType = mimeTypeFromFileName(fileName) ?? 'application/octet-stream';
  const kind = mimeType.startsWith('image/')
    ? 'image'
    : mimeType.startsWith('video/')
      ? 'video'
      : mimeType.startsWith('audio/')
        ? 'audio'
        : 'document';
  const view: AttachmentView = { id: localAttachmentId(messageId), fileName, mimeType, size: bytes.byteLength, kind };
  return { view, row: { fileName, mimeType, bytes } };
}
