// Writing to a lead, with the channel's rules (shared/send-rules.ts) applied as the rep writes:
// Send is off and the reason shown before anything doomed is sent — a number SMS cannot reach, an
// opted-out number, a closed WhatsApp window, a message too long, a caption on a document. The
// core's outbox and the server apply the same rules.
import { useTranslation } from 'react-i18next';
import { CloseIcon } from '../components/icons';
import { ErrorText } from '../errors/ErrorText';
import { AttachmentBox } from './AttachmentBox';
import { ComposerActions } from './ComposerActions';
import { ComposerNotes } from './ComposerNotes';
import { MessageBox } from './MessageBox';
import type { PickedTemplate } from './TemplatePicker';
import { useComposer, type ComposerInput } from './useComposer';
import { useSend } from './useSend';

export interface ComposerProps extends ComposerInput {
  dark?: boolean;
}

export function Composer({ dark = false, ...input }: ComposerProps) {
  const { t } = useTranslation();
  const s = useComposer(input);
  const send = useSend(input, s);
  const { waTemplate, draft, attach } = s;

  const pickTemplate = (p: PickedTemplate) => {
    s.setError(null);
    s.setTemplate(p);
    if (p.template.channel === 'whatsapp') return;
    s.setText(p.text);
    s.textRef.current?.focus();
  };
  const insertEmoji = (emoji: string) => {
    const el = s.textRef.current;
    const start = el?.selectionStart ?? s.text.length;
    const end = el?.selectionEnd ?? s.text.length;
    s.setText(s.text.slice(0, start) + emoji + s.text.slice(end));
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + emoji.length, start + emoji.length);
    });
  };

  return (
    <section className="composer" aria-label={t('composer.message')}>
      <ComposerNotes
        lead={input.lead}
        channel={input.channel}
        phone={input.phone}
        blocked={s.blocked}
        windowClosesAt={input.windowClosesAt}
        now={s.now}
      />
      {waTemplate && (
        <div
          className="draft-chip"
          role="group"
          aria-label={t('templates.selected', { name: waTemplate.template.name })}
        >
          <div>
            <strong>{waTemplate.template.name}</strong>
            <p className="template-preview" dir="auto">
              {waTemplate.text}
            </p>
          </div>
          <button
            type="button"
            className="icon-button"
            aria-label={t('templates.remove')}
            onClick={() => s.setTemplate(null)}
          >
            <CloseIcon />
          </button>
        </div>
      )}
      {attach.rejection && (
        <div role="alert" className="error-banner">
          {attach.rejection}
          <button type="button" className="icon-button" aria-label={t('app.dismiss')} onClick={attach.dismissRejection}>
            <CloseIcon />
          </button>
        </div>
      )}
      {s.error && (
        <div role="alert" className="error-banner">
          <ErrorText
            code={s.error.code}
            detail={s.error.detail}
            className=""
            frame={(m) => t('composer.sendFailed', { message: m })}
          />
        </div>
      )}
      <div className={`compose-box${draft ? ' with-file' : ''}`}>
        {draft && <AttachmentBox draft={draft} captioned={s.captioned} onRemove={attach.discard} />}
        <MessageBox s={s} onSend={() => void send()} />
      </div>
      <ComposerActions
        lead={input.lead}
        channel={input.channel}
        s={s}
        dark={dark}
        onPick={pickTemplate}
        onEmoji={insertEmoji}
        onSend={() => void send()}
      />
    </section>
  );
}
