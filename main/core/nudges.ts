// Turns nudge events into OS notifications: asks the policy, folds a burst from one lead into
// one notification, shows it through the shell's Notifier and opens the app at the right place
// when it is clicked. Every attempt ends in a NudgeResult, reported to `onResult`.
import type { NudgeView } from '../../shared/domain';
import type { Notifier, NudgeResult } from './ports';
import { burstText, coalesceKey, decideNudge, COALESCE_WINDOW_MS, type NudgeContext } from './nudge-policy';

export interface NudgeCoordinatorOptions {
  notifier: Notifier;
  context: () => NudgeContext;
  leadName: (leadId: string) => string | null;
  onClick: (nudge: NudgeView) => void;
  onResult?: (nudge: NudgeView, result: NudgeResult) => void;
  coalesceWindowMs?: number;
}

interface Burst {
  nudges: { nudge: NudgeView; at: string; resolve: (r: NudgeResult) => void }[];
  timer: NodeJS.Timeout;
}

export class NudgeCoordinator {
  private bursts = new Map<string, Burst>();
  private readonly windowMs: number;

  constructor(private readonly o: NudgeCoordinatorOptions) {
    this.windowMs = o.coalesceWindowMs ?? COALESCE_WINDOW_MS;
  }

  /** One nudge event; resolves when its fate is known (shown, suppressed, coalesced or failed). */
  offer(nudge: NudgeView, at: string): Promise<NudgeResult> {
    const decision = decideNudge(nudge, at, this.o.context());
    if (!decision.show) return Promise.resolve(this.report(nudge, decision.result));
    const key = coalesceKey(nudge);
    return new Promise<NudgeResult>((resolve) => {
      const burst = this.bursts.get(key);
      if (burst) {
        burst.nudges.push({ nudge, at, resolve });
        return;
      }
      const timer = setTimeout(() => {
        void this.flush(key);
      }, this.windowMs);
      this.bursts.set(key, { nudges: [{ nudge, at, resolve }], timer });
    });
  }

  /** Show every waiting burst now (tests, quit). */
  async flushAll(): Promise<void> {
    await Promise.all([...this.bursts.keys()].map((k) => this.flush(k)));
  }

  /** Drop waiting bursts without showing them (sign-out, stop). */
  cancel(reason: 'signed-out'): void {
    for (const [key, burst] of this.bursts) {
      clearTimeout(burst.timer);
      this.bursts.delete(key);
      for (const n of burst.nudges) n.resolve(this.report(n.nudge, { status: 'suppressed', reason }));
    }
  }

  private async flush(key: string): Promise<void> {
    const burst = this.bursts.get(key);
    if (!burst) return;
    clearTimeout(burst.timer);
    this.bursts.delete(key);
    const all = burst.nudges;
    const last = all[all.length - 1];
    for (const n of all.slice(0, -1)) n.resolve(this.report(n.nudge, { status: 'suppressed', reason: 'coalesced' }));
    // The rep may have opened the conversation or turned on do-not-disturb while we waited.
    const again = decideNudge(last.nudge, last.at, this.o.context());
    if (!again.show) {
      last.resolve(this.report(last.nudge, again.result));
      return;
    }
    const text = burstText(
      all.map((n) => n.nudge),
      last.nudge.leadId ? this.o.leadName(last.nudge.leadId) : null,
    );
    let result: NudgeResult;
    try {
      result = await this.o.notifier.show(
        { id: last.nudge.id, title: text.title, body: text.body, nudge: last.nudge },
        () => this.o.onClick(last.nudge),
      );
    } catch (err) {
      result = { status: 'failed', reason: (err as Error).message || String(err) };
    }
    last.resolve(this.report(last.nudge, result));
  }

  private report(nudge: NudgeView, result: NudgeResult): NudgeResult {
    try {
      this.o.onResult?.(nudge, result);
    } catch {}
    return result;
  }
}
