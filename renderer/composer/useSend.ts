// Sending what the composer holds: through the core's outbox (which queues it while offline),
// then an empty composer; a refusal keeps everything the rep wrote and says why.
import type { ComposerInput, ComposerState } from './useComposer';
import { errorCode, errorMessage, invoke, newClientId } from '../converse';
import { useChat } from '../state/chatStore';
import { draftPayload } from './useAttachmentDraft';

export function useSend({ lead, channel, phone }: ComposerInput, s: ComposerState) {
  return async () => {
    if (!s.canSend || !phone) return;
    s.setSending(true);
    s.setError(null);
    try {
      const m = await invoke('messages.send', {
        clientId: newClientId(),
        leadId: lead.id,
        channel,
        to: phone.handle,
        body: s.body,
        templateId: s.waTemplate?.template.id ?? s.smsTemplateId,
        caption: s.caption,
        ...(await draftPayload(s.draft)),
      });
      useChat.getState().applyMessages({ conversationId: m.conversationId, messages: [m] });
      // Text typed before a document was attached did not go with it: it stays for the next message.
      if (!(s.draft && !s.captioned)) s.setText('');
      s.setTemplate(null);
      s.attach.clear();
      s.textRef.current?.focus();
    } catch (e) {
      s.setError({ code: errorCode(e), detail: errorMessage(e) });
    } finally {
      s.setSending(false);
    }
  };
}
