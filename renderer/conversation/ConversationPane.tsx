// One conversation: who it is with (the name opens the lead's details), the channel and the
// number it goes to, the messages and the composer. Showing it marks it read and tells main
// it is on screen.
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { conversationIdOf, type Channel, type LeadView, type PhoneView } from '../../shared/domain';
import { Composer } from '../composer/Composer';
import { converse, invoke } from '../converse';
import { reportFocus } from '../state/bootstrap';
import { useApp } from '../state/appStore';
import { useChat, type ActiveConversation } from '../state/chatStore';
import { useDarkTheme } from '../theme';
import { MessageList } from './MessageList';
import { BackIcon } from '../components/icons';

export const leadName = (lead: LeadView | undefined): string => (lead ? `${lead.firstName} ${lead.lastName}`.trim() : '');

/** The number a conversation goes to: the chosen one, else the primary, else the first. */
export function chosenPhone(lead: LeadView | undefined, handle: string | null): PhoneView | null {
  if (!lead || lead.phones.length === 0) return null;
  return lead.phones.find((p) => p.handle === handle) ?? lead.phones.find((p) => p.primary) ?? lead.phones[0];
}

/** The lead's page in the CRM (Electron, pattern set) or the in-app details view. */
export async function openLeadDetails(leadId: string): Promise<void> {
  const pattern = useApp.getState().settings?.crmLeadUrl ?? '';
  if (converse().shell === 'electron' && pattern.includes('{leadId}')) {
    const r = await invoke('shell.openExternal', { url: pattern.replaceAll('{leadId}', encodeURIComponent(leadId)) }).catch(() => ({ opened: false }));
    if (r.opened) return;
  }
  useApp.getState().setOverlay('lead-details');
}

function ChannelChoice({ value, onChange }: { value: Channel; onChange: (c: Channel) => void }) {
  const { t } = useTranslation();
  return (
    <fieldset className="channel-choice">
      <legend className="visually-hidden">{t('channel.label')}</legend>
      {(['sms', 'whatsapp'] as const).map((c) => (
        <label key={c} className={`segment${value === c ? ' selected' : ''}`}>
          <input type="radio" name="channel" value={c} checked={value === c} onChange={() => onChange(c)} />
          <span>{t(`channel.${c}`)}</span>
        </label>
      ))}
    </fieldset>
  );
}

export function ConversationPane({ active, showBack }: { active: ActiveConversation; showBack: boolean }) {
  const { t } = useTranslation();
  const id = conversationIdOf(active.leadId, active.channel);
  const lead = useChat((s) => s.leads[active.leadId]);
  const summary = useChat((s) => s.conversations[id]);
  const unread = useChat((s) => s.unread.byConversation[id] ?? 0);
  const lastMessageId = useChat((s) => s.threads[id]?.messages.at(-1)?.id);
  const focused = useApp((s) => s.windowFocused);
  const dark = useDarkTheme();
  const phone = chosenPhone(lead, active.phoneHandle);
  const name = leadName(lead) || summary?.leadName || '';

  useEffect(() => { reportFocus(); }, [id, focused]);
  // Read means seen: mark it when shown in a focused window, and again as new ones arrive.
  useEffect(() => {
    if (focused) void invoke('conversations.markRead', { conversationId: id }).catch(() => undefined);
  }, [id, focused, lastMessageId, unread > 0]);

  return (
    <section className="conversation" aria-label={name}>
      <header className="conversation-header">
        {showBack && (
          <button type="button" className="icon-button" aria-label={t('app.back')} onClick={() => { useChat.getState().close(); reportFocus(); }}>
            <BackIcon />
          </button>
        )}
        <button type="button" className="lead-name" dir="auto" aria-label={t('conversation.leadDetails', { name })} onClick={() => void openLeadDetails(active.leadId)}>
          {name}
        </button>
        <ChannelChoice value={active.channel} onChange={(c) => useChat.getState().setChannel(c)} />
        {lead && lead.phones.length > 1 && (
          <label className="select-number">
            <span className="visually-hidden">{t('conversation.selectNumber')}</span>
            <select aria-label={t('conversation.selectNumber')} value={phone?.handle ?? ''} onChange={(e) => useChat.getState().setPhone(e.target.value)}>
              {lead.phones.map((p) => (
                <option key={p.handle} value={p.handle}>{p.label ? `${p.display} (${p.label})` : p.display}{p.smsOptedOut && active.channel === 'sms' ? ` — ${t('lead.optedOut')}` : ''}</option>
              ))}
            </select>
          </label>
        )}
        {lead && lead.phones.length === 1 && phone && <span className="phone-display" title={phone.masked ? t('composer.maskedPhone') : undefined}>{phone.display}</span>}
      </header>
      <MessageList key={`list-${id}`} conversationId={id} leadName={name} />
      {lead
        ? <Composer key={`composer-${id}`} lead={lead} channel={active.channel} phone={phone} windowClosesAt={summary?.windowClosesAt} dark={dark} />
        : <div className="composer placeholder" role="status">{t('app.loading')}</div>}
    </section>
  );
}
