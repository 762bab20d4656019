// Full screen: conversations on the left, the conversation in the middle, the lead on the right.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApp } from '../state/appStore';
import { useChat } from '../state/chatStore';
import { ConversationPane } from '../conversation/ConversationPane';
import { LeadDetailsView } from '../lead/LeadDetailsView';
import { ConversationList } from './ConversationList';
import { LeadSearch } from './LeadSearch';
import { Notices } from './Notices';
import { NudgesPanel } from './NudgesPanel';
import { ReportsView } from './ReportsView';
import { SettingsPanel } from './SettingsPanel';
import { WindowHeader } from './WindowHeader';

export function ExpandedView() {
  const { t } = useTranslation();
  const overlay = useApp((s) => s.overlay);
  const active = useChat((s) => s.active);
  const [query, setQuery] = useState('');
  const closeOverlay = () => useApp.getState().setOverlay(null);

  // The lead panel is always shown here: "open lead details" just takes the focus there.
  useEffect(() => {
    if (overlay !== 'lead-details') return;
    useApp.getState().setOverlay(null);
    requestAnimationFrame(() => document.querySelector<HTMLElement>('.lead-panel h2')?.focus());
  }, [overlay]);

  if (overlay === 'reports') {
    return (
      <div className="window expanded">
        <WindowHeader />
        <main className="reports-area"><ReportsView onClose={closeOverlay} /></main>
      </div>
    );
  }

  let middle;
  if (overlay === 'nudges') middle = <NudgesPanel />;
  else if (overlay === 'settings') middle = <SettingsPanel />;
  else if (active) middle = <ConversationPane active={active} showBack={false} />;
  else middle = <p className="hint empty">{t('conversation.choose')}</p>;

  return (
    <div className="window expanded">
      <WindowHeader />
      <Notices />
      <div className="columns">
        <aside className="sidebar">
          <LeadSearch query={query} onQuery={setQuery} />
          <ConversationList />
        </aside>
        <main className="main-column">{middle}</main>
        {active && <aside className="lead-panel"><LeadDetailsView leadId={active.leadId} /></aside>}
      </div>
    </div>
  );
}
