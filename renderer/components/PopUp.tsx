// The chat pop-up: search and recent conversations, or the open conversation.
import { useState } from 'react';
import { useApp } from '../state/appStore';
import { useChat } from '../state/chatStore';
import { ConversationPane } from '../conversation/ConversationPane';
import { LeadDetailsView } from '../lead/LeadDetailsView';
import { ConversationList } from './ConversationList';
import { LeadSearch } from './LeadSearch';
import { Notices } from './Notices';
import { ShellStatus } from './ShellStatus';
import { NudgesPanel } from './NudgesPanel';
import { SettingsPanel } from './SettingsPanel';
import { WindowHeader } from './WindowHeader';
import { ReportsView } from './ReportsView';

export function PopUp() {
  const overlay = useApp((s) => s.overlay);
  const active = useChat((s) => s.active);
  const [query, setQuery] = useState('');
  const closeOverlay = () => useApp.getState().setOverlay(null);

  let body;
  if (overlay === 'nudges') body = <NudgesPanel />;
  else if (overlay === 'settings') body = <SettingsPanel />;
  else if (overlay === 'reports') body = <ReportsView onClose={closeOverlay} />;
  else if (overlay === 'lead-details' && active)
    body = <LeadDetailsView leadId={active.leadId} onClose={closeOverlay} />;
  else if (active) body = <ConversationPane active={active} showBack />;
  else
    body = (
      <>
        <LeadSearch query={query} onQuery={setQuery} />
        {!query.trim() && <ConversationList />}
      </>
    );

  return (
    <div className="window popup">
      <WindowHeader />
      <ShellStatus />
      <Notices />
      <div className="popup-body">{body}</div>
    </div>
  );
}
