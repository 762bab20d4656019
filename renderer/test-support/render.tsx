// Render the whole window (or one part) against a FakeConverse, with fresh stores and English.
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { I18nextProvider } from 'react-i18next';
import { App } from '../App';
import { i18n } from '../i18n';
import { useApp } from '../state/appStore';
import { useChat } from '../state/chatStore';
import { FakeConverse } from './FakeConverse';

export function resetStores(): void {
  useApp.setState({
    ready: false,
    loadError: null,
    session: { signedIn: false, user: null, serverUrl: null },
    settings: null,
    connection: { status: 'connecting', outboxSize: 0 },
    expanded: false,
    windowFocused: true,
    overlay: null,
    notices: [],
    unseenNudges: 0,
  });
  useChat.getState().reset();
}

export async function install(api: FakeConverse = new FakeConverse()): Promise<FakeConverse> {
  resetStores();
  window.converse = api;
  // jsdom has no window manager: the rep is looking at the window unless a test blurs it.
  document.hasFocus = () => true;
  await i18n.changeLanguage('en');
  return api;
}

export function renderWithI18n(ui: ReactElement) {
  return render(<I18nextProvider i18n={i18n}>{ui}</I18nextProvider>);
}

export function renderApp() {
  return renderWithI18n(<App />);
}
