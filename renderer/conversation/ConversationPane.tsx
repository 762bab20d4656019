// One conversation: who it is with (the name opens the lead's details), the channel and the
// number it goes to, the messages and the composer. Showing it marks it read and tells main
// it is on screen; opening it puts the cursor in the composer, so the rep can type at once.
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { conversationIdOf, type Channel, type LeadView, type PhoneView } from '../../shared/domain';
import { canReach, preferredNumber } from '../../shared/send-rules';
import { Composer } from '../composer/Composer';
import { converse, invoke } from '../converse';
import { reportFocus } from '../state/bootstrap';
import { useApp } from '../state/appStore';
import { useChat, type ActiveConversation } from '../state/chatStore';
import { useDarkTheme } from '../theme';
import { MessageList } from './MessageList';
import { crmLeadPageUrl } from '../lead/crm-link';
import { BackIcon } from '../components/icons';
import { MuteToggle } from '../components/MuteToggle';

export const leadName = (lead: LeadView | undefined): string =>
  lead ? `${lead.firstName} ${lead.lastName}`.trim() : '';

/** The number a conversation goes to: the one the rep chose, else the first the channel can
 * reach, the primary first (shared/send-rules.ts: an SMS never preselects a UK number). */
export function chosenPhone(lead: LeadView | undefined, handle: string | null, channel: Channel): PhoneView | null {
  if (!lead || lead.phones.length === 0) return null;
  return lead.phones.find((p) => p.handle === handle) ?? preferredNumber(lead.phones, channel);
}

/** The lead's page in the CRM through the OS browser (Electron, usable pattern set), else the
 * in-app details — also when the shell could not open it, so a click never does nothing. */
export async function openLeadDetails(leadId: string): Promise<void> {
  const url = crmLeadPageUrl(useApp.getState().settings?.crmLeadUrl, leadId);
  if (url && converse().shell === 'electron') {
    const r = await invoke('shell.openExternal', { url }).catch(() => ({ opened: false }));
    if (r.opened) return;
  }
  useApp.getState().setOverlay('lead-details');
}

/** The lead's name in the conversation header: it opens the lead's details, wherever they are. */
function LeadName({ leadId, name }: { leadId: string; name: string }) {
  const { t } = useTranslation();
  const url = useApp((s) => crmLeadPageUrl(s.settings?.crmLeadUrl, leadId));
  if (url && converse().shell === 'web') {
    // A browser tab cannot reach the OS browser (the browser shell's shell.openExternal answers
    // opened:false), and a rep in a browser expects a CRM link to open a new tab: so it is an
    // ordinary link — middle-click, "copy link" and the status-bar preview work too. noopener
    // keeps the CRM page from reaching back into this window, noreferrer tells it nothing of ours.
    return (
      <a
        className="lead-name"
        dir="auto"
        href={url}
        target="_blank"
        rel="noopener noreferrer"
        aria-label={t('conversation.openInCrmNewTab', { name })}
      >
        {name}
      </a>
    );
  }
  return (
    <button
      type="button"
      className="lead-name"
      dir="auto"
      aria-label={t(url ? 'conversation.openInCrm' : 'conversation.leadDetails', { name })}
      onClick={() => void openLeadDetails(leadId)}
    >
      {name}
    </button>
  );
}

/** What Select Number says after a number this channel cannot use. */
function numberNote(p: PhoneView, channel: Channel, t: (k: string) => string): string {
  if (channel === 'sms' && !canReach(p, 'sms')) return ` — ${t('conversation.numberNoSms')}`;
  return p.smsOptedOut && channel === 'sms' ? ` — ${t('lead.optedOut')}` : '';
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
  const phone = chosenPhone(lead, active.phoneHandle, active.channel);
  const name = leadName(lead) || summary?.leadName || '';
  const sectionRef = useRef<HTMLElement>(null);
  const composerReady = !!lead;

  // Focus in the composer when a conversation opens (and once its lead has loaded, since the
  // composer waits for it). The pane's only text area is the composer's message box, so the
  // composer needs no focus API; a disabled one (a file that takes no text) is left alone.
  useEffect(() => {
    if (!composerReady) return;
    const box = sectionRef.current?.querySelector<HTMLTextAreaElement>('textarea:not([disabled])');
    box?.focus({ preventScroll: true });
  }, [id, composerReady]);

  useEffect(() => {
    reportFocus();
  }, [id, focused]);
  // Read means seen: mark it when shown in a focused window, and again as new ones arrive.
  useEffect(() => {
    if (focused) void invoke('conversations.markRead', { conversationId: id }).catch(() => undefined);
  }, [id, focused, lastMessageId, unread > 0]);

  return (
    <section ref={sectionRef} className="conversation" aria-label={name}>
      <header className="conversation-header">
        {showBack && (
          <button
            type="button"
            className="icon-button back-button"
            aria-label={t('app.back')}
            onClick={() => {
              useChat.getState().close();
              reportFocus();
            }}
          >
            <BackIcon />
          </button>
        )}
        <LeadName leadId={active.leadId} name={name} />
        <ChannelChoice value={active.channel} onChange={(c) => useChat.getState().setChannel(c)} />
        <MuteToggle conversationId={id} />
        {lead && lead.phones.length > 1 && (
          <label className="select-number">
            <span className="visually-hidden">{t('conversation.selectNumber')}</span>
            <select
              aria-label={t('conversation.selectNumber')}
              value={phone?.handle ?? ''}
              onChange={(e) => useChat.getState().setPhone(e.target.value)}
            >
              {lead.phones.map((p) => (
                <option key={p.handle} value={p.handle}>
                  {p.label ? `${p.display} (${p.label})` : p.display}
                  {numberNote(p, active.channel, t)}
                </option>
              ))}
            </select>
          </label>
        )}
        {lead && lead.phones.length === 1 && phone && (
          <span className="phone-display" title={phone.masked ? t('composer.maskedPhone') : undefined}>
            {phone.display}
          </span>
        )}
      </header>
      <MessageList key={`list-${id}`} conversationId={id} leadName={name} />
      {lead ? (
        <Composer
          key={`composer-${id}`}
          lead={lead}
          channel={active.channel}
          phone={phone}
          windowClosesAt={summary?.windowClosesAt}
          dark={dark}
        />
      ) : (
        <div className="composer placeholder" role="status">
          {t('app.loading')}
        </div>
      )}
    </section>
  );
}
