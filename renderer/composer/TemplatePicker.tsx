// "Select a Template": a searchable list of the templates this rep may send on this channel
// (WhatsApp ones only when approved and available in Converse), each previewed with the
// lead's own values.
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Channel, LeadView, TemplateView } from '../../shared/domain';
import { fillTemplate, templateOffered } from '../../shared/template-fill';
import { errorCode, errorMessage, invoke } from '../converse';
import { ErrorText } from '../errors/ErrorText';

export interface PickedTemplate {
  template: TemplateView;
  text: string;
}

export function TemplatePicker({
  channel,
  lead,
  onPick,
}: {
  channel: Channel;
  lead: LeadView;
  onPick: (t: PickedTemplate) => void;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const [templates, setTemplates] = useState<(TemplateView & { preview: string })[] | null>(null);
  const [error, setError] = useState<{ code: string | null; detail: string } | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    let live = true;
    setTemplates(null);
    setError(null);
    invoke('templates.list', { channel, leadId: lead.id })
      .then((list) => {
        if (live) setTemplates(list.filter((x) => x.channel === channel && templateOffered(x)));
      })
      .catch((e) => {
        if (live) setError({ code: errorCode(e), detail: errorMessage(e) });
      });
    searchRef.current?.focus();
    return () => {
      live = false;
    };
  }, [open, channel, lead.id]);

  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return (templates ?? [])
      .map((tpl) => ({ tpl, text: fillTemplate(tpl, lead) || tpl.preview }))
      .filter(({ tpl, text }) => !q || tpl.name.toLowerCase().includes(q) || text.toLowerCase().includes(q));
  }, [templates, query, lead]);

  const close = () => {
    setOpen(false);
    setQuery('');
    buttonRef.current?.focus();
  };

  return (
    <div className="template-wrap">
      <button
        ref={buttonRef}
        type="button"
        className="text-button"
        aria-expanded={open}
        aria-haspopup="dialog"
        onClick={() => (open ? close() : setOpen(true))}
      >
        {t('templates.select')}
      </button>
      {open && (
        <div
          className="popover template-popover"
          role="dialog"
          aria-label={t('templates.select')}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.stopPropagation();
              close();
            }
          }}
        >
          <input
            ref={searchRef}
            type="search"
            aria-label={t('templates.search')}
            placeholder={t('templates.search')}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
          {error && (
            <p role="alert">
              <ErrorText
                code={error.code}
                detail={error.detail}
                frame={(message) => t('templates.loadFailed', { message })}
              />
            </p>
          )}
          {templates === null && !error && <p className="hint">{t('app.loading')}</p>}
          {templates !== null && templates.length === 0 && <p className="hint">{t('templates.none')}</p>}
          {templates !== null && templates.length > 0 && shown.length === 0 && (
            <p className="hint">{t('templates.noMatch', { query })}</p>
          )}
          <ul className="template-list" aria-label={t('templates.list')}>
            {shown.map(({ tpl, text }) => (
              <li key={tpl.id}>
                <button
                  type="button"
                  className="template-option"
                  onClick={() => {
                    onPick({ template: tpl, text });
                    close();
                  }}
                >
                  <span className="template-name">{tpl.name}</span>
                  <span className="template-preview" dir="auto">
                    {text}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
