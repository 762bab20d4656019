// Load what the window shows at start and keep it current from main's events.
import { parseConversationId } from '../../shared/domain';
import { converse, invoke } from '../converse';
import { changeLanguage } from '../i18n';
import { useApp } from './appStore';
import { activeConversationId, useChat } from './chatStore';
import { startUnreadSignals } from './unread-signals';

/** Load the signed-in rep's data (after start or sign-in). */
export async function loadSignedInData(): Promise<void> {
  await Promise.all([
    useChat.getState().loadConversations(),
    invoke('connection.get', {}).then((c) => useApp.getState().setConnection(c)),
  ]);
}

/** Tell main what is on screen, so it nudges only about what the rep cannot see. */
export function reportFocus(): void {
  const conversationId = activeConversationId(useChat.getState().active);
  void invoke('conversations.focus', { conversationId, windowFocused: useApp.getState().windowFocused }).catch(
    () => undefined,
  );
}

/** Open a conversation the way a nudge or the tray asks for it. */
export async function navigateTo(target: { conversationId: string | null; leadId: string | null }): Promise<void> {
  const app = useApp.getState();
  const parsed = target.conversationId ? parseConversationId(target.conversationId) : null;
  if (parsed) {
    app.setOverlay(null);
    await useChat.getState().open(parsed.leadId, parsed.channel);
  } else if (target.leadId) {
    await useChat.getState().open(target.leadId, 'sms');
    app.setOverlay('lead-details');
  }
  reportFocus();
}

/** Read everything once and subscribe to main's events. Returns the unsubscribe. */
export async function bootstrap(): Promise<() => void> {
  const api = converse();
  const app = useApp.getState();
  const offs = [
    api.on('session.changed', (s) => {
      const wasSignedIn = useApp.getState().session.signedIn;
      useApp.getState().setSession(s);
      if (!s.signedIn) useChat.getState().reset();
      else if (!wasSignedIn) void loadSignedInData();
    }),
    api.on('connection.changed', (c) => useApp.getState().setConnection(c)),
    api.on('settings.changed', (s) => {
      useApp.getState().setSettings(s);
      void changeLanguage(s.language);
    }),
    // Focus is the page's own knowledge (focus/blur events); main's copy of it can lag behind.
    api.on('window.changed', (w) => useApp.getState().setWindow(w.expanded)),
    api.on('messages.changed', (e) => useChat.getState().applyMessages(e)),
    api.on('conversations.changed', (e) => void useChat.getState().refreshConversations(e.conversationIds)),
    api.on('unread.changed', (u) => useChat.getState().setUnread(u)),
    api.on('navigate', (n) => void navigateTo(n)),
    api.on('nudges.changed', () => useApp.getState().noteNudge()),
    api.on('notice', (n) => useApp.getState().addNotice(n.kind, n.message)),
    startUnreadSignals(),
  ];
  try {
    const [session, settings] = await Promise.all([invoke('session.get', {}), invoke('settings.get', {})]);
    app.setSettings(settings);
    await changeLanguage(settings.language);
    app.setSession(session);
    if (session.signedIn) await loadSignedInData();
    useApp.setState({ ready: true, loadError: null });
  } catch (e) {
    useApp.setState({ ready: true, loadError: e instanceof Error ? e.message : String(e) });
  }
  return () => offs.forEach((off) => off());
}
