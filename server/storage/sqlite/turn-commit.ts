// Group commit on SQLite: the writes asked for in one turn of the event loop are committed
// together, in one transaction, right after the turn (setImmediate: once the turn's I/O callbacks
// have run). Each write still keeps its own savepoint, so one that throws is rolled back alone
// and only its caller sees the error. A commit writes every page it changed to the WAL: the
// inbound path's four small commits per message (the webhook kept, the message, its outcome, the
// webhook marked processed) each rewrote the same index and table pages — about 155 KB written
// per message at 700 messages/s. Grouped, the pages a turn's writes share are written once, and
// the groups grow by themselves with the load: a quiet server commits each write alone, one turn
// later (microseconds); a busy one commits a long turn's worth at once.
//
// The same rule as the desktop's writer (main/core/store/writer-loop.ts), and the server's
// PostgreSQL store does likewise (postgres/group-commit.ts).
import { setImmediate as afterThisTurn } from 'node:timers';
import type Database from 'better-sqlite3';

interface Waiting {
  write: () => unknown;
  resolve(out: unknown): void;
  reject(err: unknown): void;
}

export class TurnCommit {
  private waiting: Waiting[] = [];

  /** `inTransaction(fn)`: fn in a transaction, or in a savepoint inside one (connection.ts). */
  constructor(
    private readonly db: Database.Database,
    private readonly inTransaction: Database.Transaction<(fn: () => unknown) => unknown>,
  ) {}

  /** Run `write` in this turn's group; resolves once the group has committed. */
  submit<T>(write: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ write, resolve: resolve as (out: unknown) => void, reject });
      if (this.waiting.length === 1) afterThisTurn(() => this.commit());
    });
  }

  /** Commit what is waiting now (at the end of a turn, and before the connection closes). */
  commit(): void {
    const group = this.waiting;
    if (group.length === 0) return;
    this.waiting = [];
    // Each caller's answer, given once the group has committed.
    const answers: (() => void)[] = [];
    try {
      // IMMEDIATE: the write lock first, as every write in it will want it.
      this.inTransaction.immediate(() => {
        for (const w of group) {
          try {
            const out = this.inTransaction(w.write);
            answers.push(() => w.resolve(out));
          } catch (err) {
            // An error that ended the whole transaction (SQLite rolls back on a full disk, say):
            // the group's earlier writes went with it, so the group fails as one.
            if (!this.db.inTransaction) throw err;
            answers.push(() => w.reject(err));
          }
        }
      });
    } catch (err) {
      // The commit itself failed (a full disk, a lock held past the busy timeout): nothing of the
      // group was stored, and every caller hears it.
      for (const w of group) w.reject(err);
      return;
    }
    for (const answer of answers) answer();
  }
}
