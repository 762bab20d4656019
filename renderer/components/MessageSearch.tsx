// "Find a message": words from any message, across every conversation, searched in the local
// store's full-text index (so it works offline). ↓/↑ move through the results, Enter (or a click)
// opens the conversation with that message in view, Escape closes.
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { MessageView } from '../../shared/domain';
import { errorMessage, invoke } from '../converse';
import { formatDateTime } from '../i18n/format';
import { useApp } from '../state/appStore';
import { useChat } from '../state/chatStore';
import { reportFocus } from '../state/bootstrap';

const SEARCH_AFTER_MS = 200;
const RESULTS = 30;

export const SearchIcon = () => (
  <svg aria-hidden="true" focusable="false" viewBox="0 0 24 24" width="18" height="18">
    <path
      fill="currentColor"
      d="M15.5 14h-.79l-.28-.27A6.47 6.47 0 0 0 16 9.5 6.5 6.5 0 1 0 9.5 16a6.47 6.47 0 0 0 4.23-1.57l.27.28v.79l5 4.99L20.49 19l-4.99-5Zm-6 0C7.01 14 5 11.99 5 9.5S7.01 5 9.5 5 14 7.01 14 9.5 11.99 14 9.5 14Z"
    />
  </svg>
);

/** Who a found message is with, as the conversation list names them. */
function leadNameOf(m: MessageView): string {
  const s = useChat.getState();
  const lead = s.leads[m.leadId];
  return s.conversations[m.conversationId]?.leadName ?? (lead ? `${lead.firstName} ${lead.lastName}`.trim() : '');
}

/** The part of a long body around the first word searched for, so the hit is in view. */
export function snippet(body: string, query: string, width = 120): string {
  if (body.length <= width) return body;
  const word = query.trim().split(/\s+/)[0]?.toLocaleLowerCase() ?? '';
  const at = word ? body.toLocaleLowerCase().indexOf(word) : -1;
  const start = Math.max(0, Math.min(at - 30, body.length - width));
  return `${start > 0 ? '…' : ''}${body.slice(start, start + width)}${start + width < body.length ? '…' : ''}`;
}

export function MessageSearch({ onClose }: { onClose: (restoreFocus?: boolean) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<MessageView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [current, setCurrent] = useState(0);
  const [notFound, setNotFound] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  // Names show as soon as a found message's lead is known here.
  useChat((s) => s.leads);
  useChat((s) => s.conversations);

  useEffect(() => {
    input.current?.focus();
  }, []);

  useEffect(() => {
    const q = query.trim();
    if (!q) {
      setResults(null);
      setError(null);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      invoke('messages.search', { query: q, limit: RESULTS })
        .then((found) => {
          if (!live) return;
          setResults(found);
          setCurrent(0);
          setError(null);
          const chat = useChat.getState();
          for (const leadId of new Set(found.map((m) => m.leadId)))
            if (!chat.leads[leadId]) void chat.loadLead(leadId).catch(() => null);
        })
        .catch((e) => {
          if (live) {
            setResults(null);
            setError(errorMessage(e));
          }
        });
    }, SEARCH_AFTER_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [query]);

  const open = async (m: MessageView) => {
    setNotFound(false);
    useApp.getState().setOverlay(null);
    const shown = await useChat.getState().showMessage(m.leadId, m.channel, m.id);
    reportFocus();
    if (shown) onClose(false);
    else setNotFound(true);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      onClose();
      return;
    }
    if (!results || results.length === 0) return;
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setCurrent((c) => Math.min(results.length - 1, c + 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setCurrent((c) => Math.max(0, c - 1));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      void open(results[current]);
    }
  };

  const optionId = (i: number) => `${id}-result-${i}`;
  return (
    <div className="message-search" role="dialog" aria-label={t('messageSearch.label')} onKeyDown={onKeyDown}>
      <input
        ref={input}
        type="search"
        className="message-search-input"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        placeholder={t('messageSearch.placeholder')}
        aria-label={t('messageSearch.label')}
        role="combobox"
        aria-expanded={!!results && results.length > 0}
        aria-controls={`${id}-results`}
        aria-autocomplete="list"
        aria-activedescendant={results && results.length > 0 ? optionId(current) : undefined}
      />
      {!query.trim() && <p className="hint">{t('messageSearch.hint')}</p>}
      {error && (
        <p role="alert" className="error-text">
          {t('messageSearch.failed', { message: error })}
        </p>
      )}
      {notFound && (
        <p role="alert" className="error-text">
          {t('messageSearch.notFound')}
        </p>
      )}
      {results && results.length === 0 && (
        <p className="hint" role="status">
          {t('messageSearch.none', { query: query.trim() })}
        </p>
      )}
      {results && results.length > 0 && (
        <ul
          id={`${id}-results`}
          role="listbox"
          aria-label={t('messageSearch.results')}
          className="message-search-results"
        >
          {results.map((m, i) => (
            <li
              key={m.id}
              id={optionId(i)}
              role="option"
              aria-selected={i === current}
              className={i === current ? 'current' : undefined}
              onMouseEnter={() => setCurrent(i)}
              onClick={() => void open(m)}
            >
              <span className="conversation-line">
                <span className="lead-name-text" dir="auto">
                  {leadNameOf(m)}
                </span>
                <span className="channel-tag">{t(`channel.${m.channel}`)}</span>
                <time className="hint" dateTime={m.createdAt}>
                  {formatDateTime(m.createdAt)}
                </time>
              </span>
              <span className="conversation-preview" dir="auto">
                {snippet(m.body || m.caption || m.attachment?.fileName || '', query)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
