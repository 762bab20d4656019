// The renderer's calls, each answered from the local store where it can be (so the app works
// offline) and from the server's HTTP API where only the server knows. Arguments arrive
// already validated by parseIpcCall; results are validated against the same contract.
import type { z } from 'zod';
import { IpcCalls, PREVIEW_MAX_BYTES, type IpcCallName, type IpcResult, type Settings } from '../../shared/ipc';
import { fillTemplate, templateOffered } from '../../shared/template-fill';
import { mimeTypeFromFileName } from '../../shared/attachment-policy';
import { CallErrorCode, ErrorCode } from '../../shared/error-codes';
import type { LeadDetails } from '../../shared/domain';
import type { CallContext } from './call-context';
import { ApiCallError, HttpApi } from './http-api';
import { SendError, waitingFileMessageId, type SendArgs } from './outbox';
import { saveSettings } from './settings';
import { localActivityPage } from './local-activity';

type Args<N extends IpcCallName> = z.infer<(typeof IpcCalls)[N]['args']>;
type Handler<N extends IpcCallName> = (core: CallContext, args: Args<N>) => Promise<IpcResult<N>> | IpcResult<N>;

export class CallError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const isOffline = (err: unknown) => err instanceof ApiCallError && err.code === ErrorCode.OFFLINE;

const handlers: { [N in IpcCallName]: Handler<N> } = {
  'session.get': (core) => core.sessionView(),
  'session.signIn': async (core, a) => {
    const answer = await new HttpApi(a.serverUrl, null).signIn(a.email, a.password);
    await core.beginSession(a.serverUrl, answer.token, answer.user);
    return core.sessionView();
  },
  'session.signOut': async (core) => {
    if (core.signedIn()) {
      // Tell the server so the token dies there too; signing out locally must work offline.
      await core
        .api()
        .signOut()
        .catch((err) => core.log(`[session] server sign-out failed: ${(err as Error).message}`, 'warn'));
    }
    await core.endSession('signed-out', 'Signed out.');
    return core.sessionView();
  },
  'connection.get': (core) => core.connectionState(),

  'leads.search': (core, a) => core.store.leads.search(a.query, a.limit),
  'leads.get': (core, a) => core.store.leads.get(a.leadId),
  'leads.details': async (core, a) => {
    const local = (): LeadDetails => {
      const lead = core.store.leads.get(a.leadId);
      if (!lead) throw new CallError(ErrorCode.NOT_FOUND, 'This lead is not on this device.');
      return { lead, activity: [], conversations: core.store.conversations.ofLead(a.leadId) };
    };
    if (!core.signedIn()) return local();
    try {
      return await core.api().leadDetails(a.leadId);
    } catch (err) {
      if (isOffline(err)) return local();
      throw err;
    }
  },

  'leads.activity': async (core, a) => {
    // The history is the server's, so that every device and the CRM-side view agree; offline,
    // the conversation as this desktop holds it.
    if (!core.signedIn()) throw new CallError(ErrorCode.SIGNED_OUT, 'Sign in to Converse first.');
    try {
      return await core.api().leadActivity(a.leadId, a.before, a.limit);
    } catch (err) {
      if (isOffline(err) && a.before === null) return localActivityPage(core.store, a.leadId, a.limit);
      throw err;
    }
  },

  'conversations.list': (core, a) =>
    core.store.conversations.list(a.limit, new Set(core.settings().mutedConversations)),
  'conversations.get': (core, a) =>
    core.store.conversations.summary(a.conversationId, new Set(core.settings().mutedConversations)),
  'conversations.focus': (core, a) => {
    core.setFocus(a.conversationId, a.windowFocused);
    return {};
  },
  'conversations.markRead': (core, a) => {
    const { store } = core;
    const newest = store.messages.newestAt(a.conversationId);
    if (newest === null) return {};
    const readUpTo = new Date(newest).toISOString();
    if (store.conversations.setRead(a.conversationId, readUpTo, true)) {
      core.unread.touch([a.conversationId]);
      core.unread.flushNow();
      core.emit('conversations.changed', { conversationIds: [a.conversationId] });
    }
    // Other devices clear too: the server turns this into a conversation.read event for each.
    if (core.sendFrame({ type: 'read', conversationId: a.conversationId, readUpTo }))
      store.conversations.clearPendingRead(a.conversationId, readUpTo);
    return {};
  },
  'conversations.setMuted': (core, a) => {
    const muted = new Set(core.settings().mutedConversations);
    if (a.muted) muted.add(a.conversationId);
    else muted.delete(a.conversationId);
    const next = saveSettings(core.store, { mutedConversations: [...muted] });
    core.emit('settings.changed', next);
    core.emit('conversations.changed', { conversationIds: [a.conversationId] });
    return {};
  },

  'messages.page': (core, a) => {
    // Whoever reads a conversation's messages shows them: from now on its synced changes are handed over.
    core.watch(a.conversationId);
    return core.store.messages.page(a.conversationId, a.before, a.limit);
  },
  'messages.search': (core, a) => core.store.messages.search(a.query, a.limit),
  'messages.send': (core, a) => core.outbox.send(a as SendArgs),
  'messages.retry': (core, a) => core.outbox.retry(a.clientId),

  'templates.list': async (core, a) => {
    let templates = core.store.leads.templates(a.channel);
    if (core.signedIn()) {
      try {
        templates = await core.api().templates(a.channel);
        core.store.leads.replaceTemplates(a.channel, templates);
      } catch (err) {
        if (!isOffline(err)) throw err;
      }
    }
    let lead = a.leadId ? core.store.leads.get(a.leadId) : null;
    if (a.leadId && !lead && core.signedIn()) {
      // Not synced to this device yet (a first sync still running): the server knows the lead.
      lead = await core
        .api()
        .leadDetails(a.leadId)
        .then(
          (d) => d.lead,
          () => null,
        );
    }
    return templates.filter(templateOffered).map((t) => ({ ...t, preview: lead ? fillTemplate(t, lead) : t.body }));
  },

  'attachments.upload': async (core, a) => {
    if (core.uploads.has(a.uploadId))
      throw new CallError(ErrorCode.CONFLICT, 'An upload with this id is already running.');
    const controller = new AbortController();
    core.uploads.set(a.uploadId, controller);
    try {
      const mimeType = mimeTypeFromFileName(a.fileName) ?? 'application/octet-stream';
      return await core
        .api()
        .upload(
          a.channel,
          a.fileName,
          mimeType,
          a.bytes,
          (loaded, total) => core.emit('attachment.progress', { uploadId: a.uploadId, loaded, total }),
          controller.signal,
        );
    } finally {
      core.uploads.delete(a.uploadId);
    }
  },
  'attachments.cancel': (core, a) => {
    core.uploads.get(a.uploadId)?.abort();
    return {};
  },
  'attachments.preview': async (core, a) => {
    if (!core.signedIn()) throw new CallError(ErrorCode.SIGNED_OUT, 'Sign in to Converse first.');
    // The shell serves the file under its own URL (fetched through fetchAttachment when shown).
    const url = core.shell.previewUrl?.(a.attachmentId);
    if (url) return { url };
    const file = await core.fetchAttachment(a.attachmentId, PREVIEW_MAX_BYTES);
    return { url: dataUrl(file.mimeType, file.bytes) };
  },
  'attachments.download': async (core, a) => {
    // A file still waiting in the outbox (chosen offline) is here, not on the server yet.
    const file = waitingFileMessageId(a.attachmentId)
      ? await core.fetchAttachment(a.attachmentId)
      : await core.api().download(a.attachmentId);
    const name = file.fileName ?? a.attachmentId;
    const savedTo = core.shell.saveDownload ? await core.shell.saveDownload(name, file.bytes) : null;
    if (savedTo) return { url: null, savedTo };
    // No place to save (browser shell): hand the bytes over as a URL the page can open.
    return { url: dataUrl(file.mimeType, file.bytes), savedTo: null };
  },

  'nudges.list': (core, a) => core.store.state.nudges(a.limit),
  'reports.usage': (core, a) => core.api().usage(a),

  'settings.get': (core) => core.settings(),
  'settings.set': (core, a) => {
    const before = core.settings();
    const next: Settings = saveSettings(core.store, a);
    if (next.launchAtLogin !== before.launchAtLogin) core.shell.setLaunchAtLogin(next.launchAtLogin);
    core.emit('settings.changed', next);
    if (a.nudges && JSON.stringify(a.nudges) !== JSON.stringify(before.nudges)) core.nudgeSettingsChangedHere();
    return next;
  },

  'window.setExpanded': async (core, a) => {
    const expanded = await core.shell.setExpanded(a.expanded);
    core.emit('window.changed', { expanded, focused: core.windowFocused() });
    return { expanded };
  },
  'window.toggle': async (core) => {
    const expanded = await core.shell.toggle();
    core.emit('window.changed', { expanded, focused: core.windowFocused() });
    return { expanded };
  },
  'shell.openExternal': async (core, a) => {
    // Only web and mail links leave the app; file:, javascript: and custom schemes never do.
    const protocol = new URL(a.url).protocol;
    if (!['http:', 'https:', 'mailto:'].includes(protocol)) return { opened: false };
    return { opened: await core.shell.openExternal(a.url) };
  },
  'shortcut.status': (core) => core.shell.shortcutStatus(),
};

/** A data: URL for bytes; a content type that is not a plain type/subtype becomes octet-stream. */
function dataUrl(mimeType: string, bytes: Uint8Array): string {
  const type = mimeType.split(';')[0].trim().toLowerCase();
  const safe = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/.test(type)
    ? type
    : 'application/octet-stream';
  return `data:${safe};base64,${Buffer.from(bytes).toString('base64')}`;
}

/** Run one validated call; failures become CallErrors carrying a code. The result is checked against
 * the call's contract, so it is the contract's type. */
export async function runCall<N extends IpcCallName>(core: CallContext, name: N, args: unknown): Promise<IpcResult<N>> {
  if (!core.started) throw new CallError(CallErrorCode.NOT_STARTED, 'The app is still starting.');
  let result: unknown;
  try {
    result = await (handlers[name] as Handler<IpcCallName>)(core, args as never);
  } catch (err) {
    if (err instanceof CallError) throw err;
    if (err instanceof ApiCallError || err instanceof SendError) throw new CallError(err.code, err.message);
    const code = (err as { code?: unknown })?.code;
    throw new CallError(
      typeof code === 'string' && /^[a-z_]+$/.test(code) ? code : ErrorCode.INTERNAL,
      (err as Error)?.message ?? String(err),
    );
  }
  const checked = IpcCalls[name].result.safeParse(result);
  if (!checked.success) {
    const first = checked.error.issues[0];
    core.log(`[ipc] ${name} produced an invalid result at ${first?.path.join('.')}: ${first?.message}`, 'error');
    throw new CallError(ErrorCode.INTERNAL, `${name} produced a result the app cannot use.`);
  }
  // safeParse of IpcCalls[N].result: TypeScript cannot follow the generic index to the result's type.
  return checked.data as IpcResult<N>;
}
