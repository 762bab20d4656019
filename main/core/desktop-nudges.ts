// Nudges on this desktop: the ones a batch brought offered to the OS once (a replay stays quiet),
// the rep's Carter settings followed from the server, and the facts the nudge policy decides on
// (signed in, do not disturb, the conversation open, quiet hours).
import type { NudgeSettings, NudgeView } from '../../shared/domain';
import type { IpcEventName, IpcEventPayload, Settings } from '../../shared/ipc';
import type { Notifier, NudgeResult } from './ports';
import type { LogLine } from './log';
import type { LocalStore } from './store/local-store';
import type { HttpApi } from './http-api';
import type { ActiveSession } from './session-owner';
import { NudgeCoordinator } from './nudges';
import { STALE_AFTER_MS, wantsSound, type NudgeContext } from './nudge-policy';
import { NudgeSettingsSync } from './nudge-settings-sync';
import { NudgeReplayGuard } from './nudge-replay-guard';
import { loadSettings } from './settings';

export interface DesktopNudgesOptions {
  notifier: Notifier;
  now: () => Date;
  log: LogLine;
  /** The current store (replaced when a damaged one is set aside). */
  store(): LocalStore;
  session(): ActiveSession | null;
  api(): HttpApi;
  focus(): { conversationId: string | null; windowFocused: boolean };
  emit<N extends IpcEventName>(event: N, payload: IpcEventPayload<N>): void;
  /** The rep clicked a nudge: the chat window comes up. */
  showWindow(): void;
  /** Every nudge attempt's outcome (diagnostics, tests). */
  onResult?: (nudge: NudgeView, result: NudgeResult) => void;
  coalesceWindowMs?: number;
}

export class DesktopNudges {
  private readonly coordinator: NudgeCoordinator;
  /** Carter settings: kept on the server, followed here. */
  private readonly settingsSync: NudgeSettingsSync;
  /** Nudges a replay stores again are not offered again. */
  private readonly replayGuard: NudgeReplayGuard;

  constructor(private readonly o: DesktopNudgesOptions) {
    this.replayGuard = new NudgeReplayGuard({
      store: o.store,
      owner: () => {
        const s = o.session();
        return s?.user ? { userId: s.user.id, serverUrl: s.serverUrl } : null;
      },
    });
    this.coordinator = new NudgeCoordinator({
      notifier: o.notifier,
      context: () => this.context(),
      leadName: (leadId) => {
        const lead = o.store()?.leads.get(leadId);
        return lead ? `${lead.firstName} ${lead.lastName}`.trim() : null;
      },
      onClick: (nudge) => {
        o.showWindow();
        o.emit('navigate', { conversationId: nudge.conversationId, leadId: nudge.leadId, taskId: nudge.taskId });
      },
      onResult: (nudge, result) => {
        o.log(
          `[nudge] ${nudge.id} ${result.status}${'reason' in result ? ` (${result.reason})` : ''}`,
          result.status === 'failed' ? 'warn' : 'info',
        );
        if (result.status === 'shown' && wantsSound(this.context())) o.emit('nudge.sound', { nudgeId: nudge.id });
        o.onResult?.(nudge, result);
      },
      coalesceWindowMs: o.coalesceWindowMs,
    });
    this.settingsSync = new NudgeSettingsSync({
      // The store is replaced when a damaged one is set aside: always the current one.
      get store() {
        return o.store();
      },
      signedIn: () => {
        // The rep's id: from sign-in, or (credentials restored at start) as the server's welcome recorded it.
        const s = o.session();
        const userId = s ? (s.user?.id ?? o.store().state.owner().userId) : null;
        return userId ? { userId, api: o.api() } : null;
      },
      applied: (settings) => o.emit('settings.changed', settings),
      log: (line, level) => o.log(line, level),
    });
  }

  /** A batch's nudges this device has not offered yet: listed when still fresh, and offered to the OS. */
  offer(nudges: readonly { nudge: NudgeView; at: string }[]): void {
    const now = this.o.now().getTime();
    for (const { nudge, at, atMs } of this.replayGuard.fresh(nudges)) {
      if (now - atMs <= STALE_AFTER_MS) this.o.emit('nudges.changed', { nudge });
      void this.coordinator.offer(nudge, at);
    }
  }

  /** Signed out or stopping: nudges not shown yet are dropped. */
  cancel(): void {
    this.coordinator.cancel('signed-out');
  }

  /** The link is up: Carter settings changed here while offline go to the server. */
  connected(): Promise<void> {
    return this.settingsSync.connected();
  }
  /** Carter settings as the server sent them in a batch. */
  fromServer(settings: NudgeSettings): void {
    this.settingsSync.fromServer(settings);
  }
  /** The rep changed Carter settings here. */
  changedHere(): void {
    this.settingsSync.changedHere();
  }

  private context(): NudgeContext {
    const s: Settings = loadSettings(this.o.store());
    const focus = this.o.focus();
    return {
      now: this.o.now().getTime(),
      signedIn: this.o.session() !== null,
      doNotDisturb: s.doNotDisturb,
      mutedConversations: new Set(s.mutedConversations),
      focusedConversationId: focus.conversationId,
      windowFocused: focus.windowFocused,
      nudgeSettings: s.nudges,
      localMinutes: localMinutes(this.o.now()),
    };
  }
}

/** Minutes since midnight on this computer's clock, in its time zone (quiet hours are the rep's local hours). */
const localMinutes = (d: Date): number => d.getHours() * 60 + d.getMinutes();
