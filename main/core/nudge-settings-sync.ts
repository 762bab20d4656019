// Carter settings live on the server, per rep, so that every desktop the rep uses follows them.
// A change made here is applied at once (the policy reads the local copy) and sent to the server,
// now or, when offline, on the next connection; until the server has it, what the server says
// does not overwrite it. Otherwise the server's copy wins: it arrives as `nudge-settings.changed`
// events in the rep's log, live from another device or replayed to a new one (no extra request
// on connecting). A rep new to this desktop starts from the defaults, not the last rep's choice.
import { DEFAULT_NUDGE_SETTINGS, type NudgeSettings } from '../../shared/domain';
import type { Settings } from '../../shared/ipc';
import type { HttpApi } from './http-api';
import type { LocalStore } from './store/local-store';
import { loadSettings, saveSettings } from './settings';

export interface NudgeSettingsHost {
  store: LocalStore;
  /** The signed-in rep's id and an API client; null when signed out. */
  signedIn(): { userId: string; api: HttpApi } | null;
  applied(settings: Settings): void;
  log(line: string, level?: 'info' | 'warn' | 'error'): void;
}

const unsentKey = (userId: string) => `nudgeSettings.unsent:${userId}`;
/** Whose Carter settings the local copy is. */
const OWNER_KEY = 'nudgeSettings.owner';
const same = (a: NudgeSettings, b: NudgeSettings) => JSON.stringify(a) === JSON.stringify(b);

export class NudgeSettingsSync {
  constructor(private readonly host: NudgeSettingsHost) {}

  /** The rep changed them on this desktop (already saved locally). */
  changedHere(): void {
    const who = this.host.signedIn();
    if (!who) return;
    this.host.store.state.setSetting(OWNER_KEY, who.userId);
    this.host.store.state.setSetting(unsentKey(who.userId), true);
    void this.push();
  }

  /** The link is up (the rep's log follows): send what is unsent; another rep's copy goes. */
  async connected(): Promise<void> {
    const who = this.host.signedIn();
    if (!who) return;
    const { store } = this.host;
    if (store.state.setting<string>(OWNER_KEY) !== who.userId && !this.unsent(who.userId)) {
      store.state.setSetting(OWNER_KEY, who.userId);
      if (!same(loadSettings(store).nudges, DEFAULT_NUDGE_SETTINGS))
        this.host.applied(saveSettings(store, { nudges: DEFAULT_NUDGE_SETTINGS }));
    }
    if (this.unsent(who.userId)) await this.push();
  }

  /** The server's copy: a `nudge-settings.changed` event from the rep's log. */
  fromServer(settings: NudgeSettings): void {
    const who = this.host.signedIn();
    if (!who || this.unsent(who.userId)) return;
    if (same(loadSettings(this.host.store).nudges, settings)) return;
    this.host.applied(saveSettings(this.host.store, { nudges: settings }));
  }

  private unsent(userId: string): boolean {
    return this.host.store.state.setting<boolean>(unsentKey(userId)) === true;
  }

  private pushing: Promise<void> | null = null;

  private async push(): Promise<void> {
    if (this.pushing) {
      await this.pushing;
      return this.push();
    }
    const who = this.host.signedIn();
    if (!who || !this.unsent(who.userId)) return;
    const sent = loadSettings(this.host.store).nudges;
    this.pushing = who.api
      .saveNudgeSettings(sent)
      .then(
        () => {
          // Changed again while this was on its way: that newer copy is still unsent.
          if (same(loadSettings(this.host.store).nudges, sent))
            this.host.store.state.setSetting(unsentKey(who.userId), false);
        },
        (err: Error) => {
          this.host.log(`[settings] Carter settings kept here until the server can be reached: ${err.message}`, 'warn');
        },
      )
      .finally(() => {
        this.pushing = null;
      });
    await this.pushing;
    if (this.unsent(who.userId) && !same(loadSettings(this.host.store).nudges, sent)) await this.push();
  }
}
