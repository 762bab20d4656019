// Carter settings are the rep's own, kept on the server so every desktop they sign in to follows
// them: a change is saved and appended to the rep's event log, which each desktop applies (a
// desktop signed in later replays it with everything else).
import { DEFAULT_NUDGE_SETTINGS, NudgeSettings } from '../../shared/domain';
import type { Store } from '../storage/store';
import type { Publisher } from './publisher';

/** What the rep saved; the defaults when nothing (or nothing readable any more) was saved. */
export async function nudgeSettingsOf(store: Store, userId: string): Promise<NudgeSettings> {
  const saved = NudgeSettings.safeParse(await store.nudgeSettings(userId));
  return saved.success ? saved.data : DEFAULT_NUDGE_SETTINGS;
}

export async function changeNudgeSettings(
  store: Store,
  publisher: Publisher,
  userId: string,
  settings: NudgeSettings,
  at: string,
): Promise<NudgeSettings> {
  await store.saveNudgeSettings(userId, settings, at);
  await publisher.toUsers([userId], () => ({ type: 'nudge-settings.changed', settings }));
  return settings;
}
