// "Search leads": the seed's rule is a first or last name typed in full; the server may also
// match prefixes as the rep types. Phones show as the server sends them (masked where masked).
// The keyboard goes through it like a list box: ↓ from the box to the results, ↑/↓ between
// them (↑ from the first back to the box), Enter opens the focused one — or, in the box, the
// first; Home/End jump to the ends.
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { LeadView } from '../../shared/domain';
import { errorMessage, invoke } from '../converse';
import { useChat } from '../state/chatStore';
import { useApp } from '../state/appStore';
import { reportFocus } from '../state/bootstrap';

const DEBOUNCE_MS = 200;

export function useLeadSearch(query: string) {
  const [results, setResults] = useState<LeadView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Search is local to the device: right after signing in, leads may still be syncing. While a
  // search found nothing, each sync step (the conversation list changing) asks again, so the
  // rep need not retype the name.
  const conversations = useChat((s) => s.conversations);
  const retryKey = results !== null && results.length === 0 ? conversations : null;
  useEffect(() => {
    const q = query.trim();
    if (!q) {
      setResults(null);
      setError(null);
      return;
    }
    let live = true;
    setBusy(true);
    const timer = setTimeout(() => {
      invoke('leads.search', { query: q, limit: 20 })
        .then((leads) => {
          if (live) {
            setResults(leads);
            setError(null);
          }
        })
        .catch((e) => {
          if (live) setError(errorMessage(e));
        })
        .finally(() => {
          if (live) setBusy(false);
        });
    }, DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [query, retryKey]);
  return { results, error, busy };
}

export function primaryPhone(lead: LeadView) {
  return lead.phones.find((p) => p.primary) ?? lead.phones[0] ?? null;
}

export async function openLead(lead: LeadView): Promise<void> {
  useChat.getState().rememberLead(lead);
  useApp.getState().setOverlay(null);
  const channel = useChat.getState().active?.channel ?? 'sms';
  // No number chosen yet: the conversation preselects the first its channel can reach (send rules).
  await useChat.getState().open(lead.id, channel, null);
  reportFocus();
}

/** Where ↑/↓/Home/End go from result `from` (-1: the search box) among `count`; -1 is the box. */
export function nextResultIndex(key: string, from: number, count: number): number | null {
  if (count === 0) return null;
  switch (key) {
    case 'ArrowDown':
      return Math.min(from + 1, count - 1);
    case 'ArrowUp':
      return from - 1; // from the first result back to the box
    case 'Home':
      return from < 0 ? null : 0; // in the box, Home/End move the caret
    case 'End':
      return from < 0 ? null : count - 1;
    default:
      return null;
  }
}

export function LeadSearch({ query, onQuery }: { query: string; onQuery: (q: string) => void }) {
  const { t } = useTranslation();
  const { results, error, busy } = useLeadSearch(query);
  const inputRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const listId = useId();
  const choose = (lead: LeadView) => {
    onQuery('');
    void openLead(lead);
  };
  const moveFrom = (e: KeyboardEvent, from: number) => {
    const to = nextResultIndex(e.key, from, results?.length ?? 0);
    if (to === null) return;
    e.preventDefault();
    if (to < 0) inputRef.current?.focus();
    else listRef.current?.querySelectorAll<HTMLButtonElement>('button.result')[to]?.focus();
  };
  const onBoxKey = (e: KeyboardEvent<HTMLInputElement>) => {
    // Escape empties a filled box; in an empty one it is left to close an open panel (ChatWindow).
    if (e.key === 'Escape') {
      if (query) {
        e.preventDefault();
        onQuery('');
      }
      return;
    }
    if (e.key === 'Enter' && results && results.length > 0) {
      e.preventDefault();
      choose(results[0]);
      return;
    }
    moveFrom(e, -1);
  };
  return (
    <div className="lead-search">
      <input
        ref={inputRef}
        type="search"
        className="search-input"
        aria-label={t('search.label')}
        placeholder={t('search.placeholder')}
        value={query}
        aria-controls={results && results.length > 0 ? listId : undefined}
        onChange={(e) => onQuery(e.target.value)}
        onKeyDown={onBoxKey}
      />
      {query.trim() && (
        <div className="search-results">
          {busy && !results && (
            <p className="hint" role="status">
              {t('search.searching')}
            </p>
          )}
          {error && (
            <p role="alert" className="error-text">
              {t('search.failed', { message: error })}
            </p>
          )}
          {results && results.length === 0 && (
            <p className="hint" role="status">
              {t('search.none', { query: query.trim() })}
            </p>
          )}
          {results && results.length > 0 && (
            <ul id={listId} ref={listRef} aria-label={t('search.results')} className="result-list">
              {results.map((lead, i) => {
                const phone = primaryPhone(lead);
                return (
                  <li key={lead.id}>
                    <button
                      type="button"
                      className="result"
                      onClick={() => choose(lead)}
                      onKeyDown={(e) => {
                        if (e.key === 'Escape') {
                          e.preventDefault();
                          onQuery('');
                          inputRef.current?.focus();
                        } else moveFrom(e, i);
                      }}
                    >
                      <span className="result-name" dir="auto">
                        {lead.firstName} {lead.lastName}
                      </span>
                      {phone && <span className={`result-phone${phone.masked ? ' masked' : ''}`}>{phone.display}</span>}
                    </button>
                  </li>
                );
              })}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
