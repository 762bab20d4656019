// "Search leads": the seed's rule is a first or last name typed in full; the server may also
// match prefixes as the rep types. Phones show as the server sends them (masked where masked).
import { useEffect, useState } from 'react';
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
    if (!q) { setResults(null); setError(null); return; }
    let live = true;
    setBusy(true);
    const timer = setTimeout(() => {
      invoke('leads.search', { query: q, limit: 20 })
        .then((leads) => { if (live) { setResults(leads); setError(null); } })
        .catch((e) => { if (live) setError(errorMessage(e)); })
        .finally(() => { if (live) setBusy(false); });
    }, DEBOUNCE_MS);
    return () => { live = false; clearTimeout(timer); };
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
  await useChat.getState().open(lead.id, channel, primaryPhone(lead)?.handle ?? null);
  reportFocus();
}

export function LeadSearch({ query, onQuery }: { query: string; onQuery: (q: string) => void }) {
  const { t } = useTranslation();
  const { results, error, busy } = useLeadSearch(query);
  return (
    <div className="lead-search">
      <input type="search" className="search-input" aria-label={t('search.label')} placeholder={t('search.placeholder')} value={query}
        onChange={(e) => onQuery(e.target.value)} onKeyDown={(e) => { if (e.key === 'Escape') onQuery(''); }} />
      {query.trim() && (
        <div className="search-results">
          {busy && !results && <p className="hint" role="status">{t('search.searching')}</p>}
          {error && <p role="alert" className="error-text">{t('search.failed', { message: error })}</p>}
          {results && results.length === 0 && <p className="hint" role="status">{t('search.none', { query: query.trim() })}</p>}
          {results && results.length > 0 && (
            <ul aria-label={t('search.results')} className="result-list">
              {results.map((lead) => {
                const phone = primaryPhone(lead);
                return (
                  <li key={lead.id}>
                    <button type="button" className="result" onClick={() => { onQuery(''); void openLead(lead); }}>
                      <span className="result-name" dir="auto">{lead.firstName} {lead.lastName}</span>
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
