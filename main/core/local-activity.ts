// The Activity History while the server cannot be reached: the conversation as this desktop holds
// it (each message, and a conversation's start when its first message is here), newest first, one
// page. The lead's other activities live only on the server, so the page says it came from here.
import type { ActivityPage, ActivityView, Channel, LeadView, MessageView } from '../../shared/domain';
import { conversationIdOf } from '../../shared/domain';
import type { LocalStore } from './store/local-store';

const CHANNEL_NAME: Record<Channel, string> = { sms: 'SMS', whatsapp: 'WhatsApp' };

export function localActivityPage(store: LocalStore, leadId: string, limit: number): ActivityPage {
  const lead = store.leads.get(leadId);
  const entries: ActivityView[] = [];
  for (const channel of ['sms', 'whatsapp'] as const) {
    const page = store.messages.page(conversationIdOf(leadId, channel), null, limit);
    for (const m of page.messages) entries.push(messageEntry(m, lead));
    const first = page.messages[0];
    // Only when the whole conversation is here is its first message known.
    if (first && page.before === null) {
      entries.push({
        ...where(first, lead),
        id: `start:${first.conversationId}`,
        type: 'conversation.started',
        at: first.createdAt,
        messageId: first.id,
        summary: `${CHANNEL_NAME[channel]} conversation started ${first.direction === 'inbound' ? 'by the lead' : 'by a rep'}.`,
      });
    }
  }
  // Same order as the server's: newest first, a message above its conversation's start.
  const rank = (a: ActivityView) => (a.type === 'conversation.started' ? 0 : 1);
  entries.sort((a, b) => b.at.localeCompare(a.at) || rank(b) - rank(a) || b.id.localeCompare(a.id));
  return { activity: entries.slice(0, limit), before: null, fromThisDevice: true };
}

function where(m: MessageView, lead: LeadView | null) {
  return {
    leadId: m.leadId,
    conversationId: m.conversationId,
    channel: m.channel,
    direction: m.direction,
    phone: lead?.phones.find((p) => p.handle === m.phoneHandle)?.display ?? null,
  };
}

function messageEntry(m: MessageView, lead: LeadView | null): ActivityView {
  const text = m.body || m.caption || '';
  const file = m.attachment?.fileName;
  return {
    ...where(m, lead),
    id: `message:${m.id}`,
    type: m.direction === 'inbound' ? 'message.inbound' : 'message.outbound',
    at: m.createdAt,
    messageId: m.id,
    status: m.status,
    summary: file ? (text ? `${file}: ${text}` : file) : text || m.templateName || '',
  };
}
