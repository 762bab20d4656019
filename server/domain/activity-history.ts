// A lead's Activity History as one viewer may read it: the lead's activities, every conversation
// started and each of its messages (in and out, channel, number, status), newest first, a page at
// a time. Built from the server's own rows, so the desktop, the CRM-side view and every device
// show the same history; the messages are the conversation itself, not copies of it.
import type { ActivityPage, ActivityView, Channel } from '../../shared/domain';
import { conversationIdOf } from '../../shared/domain';
import { formatPhone, maskPhone } from '../../shared/phone';
import type { HistoryCursor, HistoryEntry, LeadRecord, MessageRecord, Store } from '../storage/store';
import { activityView, attachmentView, type Viewer } from './views';

export const ACTIVITY_PAGE_MAX = 100;

const CHANNEL_NAME: Record<Channel, string> = { sms: 'SMS', whatsapp: 'WhatsApp' };
const KINDS: readonly HistoryEntry['kind'][] = ['activity', 'start', 'message'];

/** The cursor travels as an opaque string: `<at>|<kind>|<id>`. */
export function parseHistoryCursor(text: string): HistoryCursor | null {
  const [at, kind, ...rest] = text.split('|');
  const id = rest.join('|');
  if (!at || !id || Number.isNaN(Date.parse(at)) || !KINDS.includes(kind as HistoryEntry['kind'])) return null;
  return { at, kind: kind as HistoryEntry['kind'], id };
}

const cursorOf = (e: HistoryEntry): string =>
  `${e.at}|${e.kind}|${e.kind === 'activity' ? e.activity.id : e.kind === 'start' ? e.conversationId : e.message.id}`;

export async function activityHistoryPage(
  store: Store,
  lead: LeadRecord,
  viewer: Viewer,
  before: HistoryCursor | null,
  limit: number,
): Promise<ActivityPage> {
  const conversationIds = (['sms', 'whatsapp'] as const).map((c) => conversationIdOf(lead.id, c));
  const entries = await store.activityHistory(lead.id, conversationIds, before, limit);
  return {
    activity: entries.map((e) => entryView(e, lead, viewer)),
    before: entries.length === limit ? cursorOf(entries[entries.length - 1]) : null,
  };
}

function entryView(e: HistoryEntry, lead: LeadRecord, viewer: Viewer): ActivityView {
  if (e.kind === 'activity') return activityView(e.activity, viewer);
  const m = e.kind === 'start' ? e.first : e.message;
  const where = {
    conversationId: m.conversationId,
    channel: m.channel,
    direction: m.direction,
    phone: phoneOf(m, lead, viewer),
  };
  if (e.kind === 'start') {
    return {
      id: `start:${e.conversationId}`,
      leadId: lead.id,
      type: 'conversation.started',
      at: e.at,
      messageId: m.id,
      ...where,
      summary: `${CHANNEL_NAME[m.channel]} conversation started ${m.direction === 'inbound' ? 'by the lead' : 'by a rep'}.`,
    };
  }
  return {
    id: `message:${m.id}`,
    leadId: lead.id,
    type: m.direction === 'inbound' ? 'message.inbound' : 'message.outbound',
    at: e.at,
    messageId: m.id,
    status: m.status,
    ...where,
    // The message itself, as the thread shows it (bodies are not masked).
    summary: messageSummary(m),
  };
}

function messageSummary(m: MessageRecord): string {
  const text = m.body || m.caption || '';
  if (m.attachment) {
    const name = attachmentView(m.attachment).fileName;
    return text ? `${name}: ${text}` : name;
  }
  if (m.templateName && !text) return m.templateName;
  return text;
}

/** The number the message went to or came from, as this viewer may see it. */
function phoneOf(m: MessageRecord, lead: LeadRecord, viewer: Viewer): string | null {
  const phone = lead.phones.find((p) => p.id === m.phoneId);
  if (!phone) return null;
  return viewer.maskedFields.includes('phones') ? maskPhone(phone.e164) : formatPhone(phone.e164);
}
