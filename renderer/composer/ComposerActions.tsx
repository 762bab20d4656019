// Under the box: templates, attach, emoji, the SMS counter and Send — and, when Send is off for
// something the rep can change (too long, a caption on a document), why, before they type on.
import { useTranslation } from 'react-i18next';
import type { Channel, LeadView } from '../../shared/domain';
import { acceptAttribute } from '../../shared/attachment-policy';
import { ErrorCode } from '../../shared/error-codes';
import { errorWords } from '../errors/error-words';
import { EmojiButton } from './EmojiButton';
import { SmsCounter } from './SmsCounter';
import { TemplatePicker, type PickedTemplate } from './TemplatePicker';
import { connectorFor } from './useAttachmentDraft';
import type { ComposerState } from './useComposer';

interface Props {
  lead: LeadView;
  channel: Channel;
  s: ComposerState;
  dark: boolean;
  onPick: (p: PickedTemplate) => void;
  onEmoji: (e: string) => void;
  onSend: () => void;
}

/** One line for the SMS cost and why Send is off, kept apart from the buttons so that a longer
 * count never pushes Send onto another line at pop-up width. */
function ComposerStatus({ channel, s, open }: { channel: Channel; s: ComposerState; open: boolean }) {
  const { t } = useTranslation();
  // Empty is no mistake to point out; the number's own refusals are said above the box.
  const reason = s.refusal && s.refusal !== s.blocked && s.refusal.code !== ErrorCode.EMPTY_MESSAGE ? s.refusal : null;
  const counted = channel === 'sms' && open && !s.draft;
  if (!reason && !counted) return null;
  return (
    <div className="compose-status">
      {reason && (
        <p className="send-blocked" role="status">
          {errorWords(t, reason.code, reason.values)}
        </p>
      )}
      <span className="spacer" />
      {counted && <SmsCounter body={s.text} />}
    </div>
  );
}

/** Attach a file: one at a time, of the types the channel's connector takes. */
function AttachButton({ channel, s }: { channel: Channel; s: ComposerState }) {
  const { t } = useTranslation();
  return (
    <label className={`text-button attach-label${s.draft ? ' disabled' : ''}`}>
      <input
        type="file"
        className="visually-hidden"
        aria-label={t('composer.attach')}
        accept={acceptAttribute(connectorFor(channel))}
        disabled={s.draft !== null}
        onChange={(e) => {
          const f = e.target.files?.[0];
          e.target.value = '';
          if (f) void s.attach.choose(f);
        }}
      />
      <span aria-hidden="true">{t('composer.attach')}</span>
    </label>
  );
}

export function ComposerActions({ lead, channel, s, dark, onPick, onEmoji, onSend }: Props) {
  const { t } = useTranslation();
  const open = s.blocked === null;
  return (
    <>
      <ComposerStatus channel={channel} s={s} open={open} />
      <div className="composer-actions">
        {open && <TemplatePicker channel={channel} lead={lead} onPick={onPick} />}
        {open && s.windowOpen && !s.waTemplate && <AttachButton channel={channel} s={s} />}
        {open && s.windowOpen && !s.boxDisabled && <EmojiButton onPick={onEmoji} dark={dark} />}
        <span className="spacer" />
        <button type="button" className="primary-button" onClick={onSend} disabled={!s.canSend} aria-busy={s.sending}>
          {t('composer.send')}
        </button>
      </div>
    </>
  );
}
