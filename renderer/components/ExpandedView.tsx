// Full screen: conversations on the left, the conversation in the middle, the lead on the right.
// Narrower windows drop the lead pane, and at pop-up width one pane shows at a time — the list,
// or what is open with a Back button — so alt+m into this view never squeezes three panes
// side by side (styles.css, "Responsive expanded view").
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApp } from '../state/appStore';
import { useChat } from '../state/chatStore';
import { ConversationPane } from '../conversation/ConversationPane';
import { LeadDetailsView } from '../lead/LeadDetailsView';
import { ConversationList } from './ConversationList';
import { LeadSearch } from './LeadSearch';
import { Notices } from './Notices';
import { ShellStatus } from './ShellStatus';
import { NudgesPanel } from './NudgesPanel';
import { ReportsView } from './ReportsView';
import { SettingsPanel } from './SettingsPanel';
import { WindowHeader } from './WindowHeader';

/** Below this width the lead pane is hidden (styles.css), so lead details open in the middle. */
const LEAD_PANE_QUERY = '(max-width: 1100px)';

function useMediaQuery(query: string): boolean {
  const get = () => (typeof window !== 'undefined' && window.matchMedia ? window.matchMedia(query).matches : false);
  const [matches, setMatches] = useState(get);
  useEffect(() => {
    if (!window.matchMedia) return;
    const mq = window.matchMedia(query);
    const on = () => setMatches(mq.matches);
    on();
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, [query]);
  return matches;
}

export function ExpandedView() {
  const { t } = useTranslation();
  const overlay = useApp((s) => s.overlay);
  const active = useChat((s) => s.active);
  const [query, setQuery] = useState('');
  const closeOverlay = () => useApp.getState().setOverlay(null);
  const noLeadPane = useMediaQuery(LEAD_PANE_QUERY);

  // Where the lead pane is shown, "open lead details" just takes the focus there.
  useEffect(() => {
    if (overlay !== 'lead-details' || noLeadPane) return;
    useApp.getState().setOverlay(null);
    requestAnimationFrame(() => document.querySelector<HTMLElement>('.lead-panel h2')?.focus());
  }, [overlay, noLeadPane]);

  if (overlay === 'reports') {
    return (
      <div className="window expanded">
        <WindowHeader />
        <ShellStatus />
        <main className="reports-area">
          <ReportsView onClose={closeOverlay} />
        </main>
      </div>
    );
  }

  let middle;
  if (overlay === 'nudges') middle = <NudgesPanel />;
  else if (overlay === 'settings') middle = <SettingsPanel />;
  else if (overlay === 'lead-details' && active && noLeadPane)
    middle = <LeadDetailsView leadId={active.leadId} onClose={closeOverlay} />;
  // Back shows only when the panes stack (narrow window); side by side, the list is in view.
  else if (active) middle = <ConversationPane active={active} showBack />;
  else middle = <p className="hint empty">{t('conversation.choose')}</p>;
  const showing = overlay === 'nudges' || overlay === 'settings' || active ? 'main' : 'list';
  const leadPane = active && !noLeadPane;

  return (
    <div className="window expanded">
      <WindowHeader />
      <ShellStatus />
      <Notices />
      <div className={`columns showing-${showing}`}>
        <aside className="sidebar">
          <LeadSearch query={query} onQuery={setQuery} />
          <ConversationList />
        </aside>
        <main className="main-column">{middle}</main>
        {leadPane && (
          <aside className="lead-panel">
            <LeadDetailsView leadId={active.leadId} />
          </aside>
        )}
      </div>
    </div>
  );
}
