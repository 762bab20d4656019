// The signed-in window: pop-up or expanded, alt+m / option+m toggling between them inside the
// window too, Escape closing the open panel (nudges, settings, lead details, reports), and focus
// changes reported to main (its nudge policy depends on them).
import { useEffect } from 'react';
import { useApp } from '../state/appStore';
import { reportFocus } from '../state/bootstrap';
import { ExpandedView } from './ExpandedView';
import { PopUp } from './PopUp';

/** alt+m on Windows/Linux, option+m on macOS (where the key itself types "µ", hence `code`). */
export const isToggleShortcut = (e: KeyboardEvent): boolean =>
  e.altKey && !e.ctrlKey && !e.metaKey && !e.shiftKey && (e.code === 'KeyM' || e.key.toLowerCase() === 'm');

/** Escape closes a panel unless something inside used it first (a menu, a picker, a filled search box). */
export const closesPanel = (e: KeyboardEvent): boolean =>
  e.key === 'Escape' && !e.defaultPrevented && !e.altKey && !e.ctrlKey && !e.metaKey && !e.shiftKey;

export function ChatWindow() {
  const expanded = useApp((s) => s.expanded);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (closesPanel(e) && useApp.getState().overlay !== null) {
        e.preventDefault();
        useApp.getState().setOverlay(null);
        return;
      }
      if (!isToggleShortcut(e)) return;
      e.preventDefault();
      void useApp.getState().toggleWindow();
    };
    // Main's nudge policy needs to know from the start whether the rep is looking.
    useApp.getState().setWindowFocused(document.hasFocus());
    reportFocus();
    const onFocus = () => {
      useApp.getState().setWindowFocused(true);
      reportFocus();
    };
    const onBlur = () => {
      useApp.getState().setWindowFocused(false);
      reportFocus();
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('focus', onFocus);
    window.addEventListener('blur', onBlur);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('focus', onFocus);
      window.removeEventListener('blur', onBlur);
    };
  }, []);

  return expanded ? <ExpandedView /> : <PopUp />;
}
