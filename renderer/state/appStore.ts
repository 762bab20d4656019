// Who is signed in, how the link to the server is, the rep's settings, and the window's size:
// the state every part of the chat window reads.
import { create } from 'zustand';
import type { ConnectionState, Session, Settings } from '../../shared/ipc';
import { invoke } from '../converse';

/** What fills the main area besides the conversation. */
export type Overlay = null | 'nudges' | 'settings' | 'reports' | 'lead-details';

interface AppState {
  ready: boolean;
  loadError: string | null;
  session: Session;
  settings: Settings | null;
  connection: ConnectionState;
  expanded: boolean;
  windowFocused: boolean;
  overlay: Overlay;
  notices: { id: number; kind: string; message: string }[];
  /** Nudges that arrived since the rep last looked at the Nudges panel. On Linux the OS toast
   * cannot be clicked (notify-send reports no clicks), so the bell is where a nudge is opened. */
  unseenNudges: number;
  noteNudge(): void;
  setSession(s: Session): void;
  setSettings(s: Settings): void;
  setConnection(c: ConnectionState): void;
  setWindow(expanded: boolean, focused?: boolean): void;
  setWindowFocused(focused: boolean): void;
  setOverlay(o: Overlay): void;
  addNotice(kind: string, message: string): void;
  dismissNotice(id: number): void;
  updateSettings(patch: Partial<Settings>): Promise<void>;
  setExpanded(expanded: boolean): Promise<void>;
  toggleWindow(): Promise<void>;
}

let noticeSeq = 0;

export const useApp = create<AppState>((set) => ({
  ready: false,
  loadError: null,
  session: { signedIn: false, user: null, serverUrl: null },
  settings: null,
  connection: { status: 'connecting', outboxSize: 0 },
  expanded: false,
  windowFocused: typeof document !== 'undefined' ? document.hasFocus() : true,
  overlay: null,
  notices: [],
  unseenNudges: 0,
  noteNudge: () => set((s) => (s.overlay === 'nudges' ? {} : { unseenNudges: s.unseenNudges + 1 })),
  setSession: (session) => set({ session }),
  setSettings: (settings) => set({ settings }),
  setConnection: (connection) => set({ connection }),
  setWindow: (expanded, focused) => set((s) => ({ expanded, windowFocused: focused ?? s.windowFocused })),
  setWindowFocused: (windowFocused) => set({ windowFocused }),
  setOverlay: (overlay) => set(overlay === 'nudges' ? { overlay, unseenNudges: 0 } : { overlay }),
  addNotice: (kind, message) => set((s) => ({ notices: [...s.notices.slice(-4), { id: ++noticeSeq, kind, message }] })),
  dismissNotice: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
  updateSettings: async (patch) => {
    const settings = await invoke('settings.set', patch);
    set({ settings });
  },
  setExpanded: async (expanded) => {
    // Show the new layout at once; main's answer (and window.changed) settles it.
    set({ expanded });
    const r = await invoke('window.setExpanded', { expanded });
    set({ expanded: r.expanded });
  },
  toggleWindow: async () => {
    const r = await invoke('window.toggle', {});
    set({ expanded: r.expanded });
  },
}));
