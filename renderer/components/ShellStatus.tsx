// What the rep is told about the browser shell that served this page (the web bridge's
// `notice`s of SHELL_NOTICE kinds): when it has stopped, in their language, how to start it
// again; when it was restarted, to open the new address in this tab. These notices are taken
// out of the general notice list as they arrive, so the rep reads one translated sentence, not
// the bridge's English one as well; the latest one decides what is shown.
import { useTranslation } from 'react-i18next';
import { create } from 'zustand';
import { SHELL_NOTICE, type ShellNoticeKind } from '../../shared/shell-notice';
import { useApp } from '../state/appStore';

type ShellState = 'running' | 'stopped' | 'restarted';

const STATE_OF: Record<ShellNoticeKind, ShellState> = {
  [SHELL_NOTICE.stopped]: 'stopped',
  [SHELL_NOTICE.restarted]: 'restarted',
  [SHELL_NOTICE.back]: 'running',
};
const isShellNotice = (kind: string): kind is ShellNoticeKind => Object.prototype.hasOwnProperty.call(STATE_OF, kind);

export const useShellStatus = create<{ state: ShellState }>(() => ({ state: 'running' }));

/** Move shell notices from the notice list into the shell state (from the start, so none is missed). */
function takeShellNotices(notices: { id: number; kind: string }[]): void {
  const mine = notices.filter((n) => isShellNotice(n.kind));
  if (mine.length === 0) return;
  useShellStatus.setState({ state: STATE_OF[mine.at(-1)!.kind as ShellNoticeKind] });
  for (const n of mine) useApp.getState().dismissNotice(n.id);
}
takeShellNotices(useApp.getState().notices);
useApp.subscribe((s, prev) => {
  if (s.notices !== prev.notices) takeShellNotices(s.notices);
});

const COMMAND = 'npm run web';

export function ShellStatus() {
  const { t } = useTranslation();
  const state = useShellStatus((s) => s.state);
  if (state === 'running') return null;
  return (
    <div className={`banner shell-status shell-status-${state}`} role="alert">
      <strong>{t(state === 'stopped' ? 'shell.stopped' : 'shell.restarted')}</strong>{' '}
      <span>{t(state === 'stopped' ? 'shell.startAgain' : 'shell.openNewAddress', { command: COMMAND })}</span>
    </div>
  );
}
