// The rep's settings, kept in the local store beside the data they shape.
import { Settings } from '../../shared/ipc';
import { DEFAULT_NUDGE_SETTINGS } from '../../shared/domain';
import type { LocalStore } from './store/local-store';

export const DEFAULT_SETTINGS: Settings = {
  doNotDisturb: false,
  language: 'system',
  theme: 'system',
  mutedConversations: [],
  launchAtLogin: false,
  crmLeadUrl: '',
  nudges: DEFAULT_NUDGE_SETTINGS,
};

const KEY = 'app.settings';

export function loadSettings(store: LocalStore): Settings {
  const saved = Settings.partial().safeParse(store.state.setting<unknown>(KEY) ?? {});
  return { ...DEFAULT_SETTINGS, ...(saved.success ? saved.data : {}) };
}

export function saveSettings(store: LocalStore, patch: Partial<Settings>): Settings {
  const next = Settings.parse({ ...loadSettings(store), ...patch });
  next.mutedConversations = [...new Set(next.mutedConversations)];
  store.state.setSetting(KEY, next);
  return next;
}
