// The workspace's own settings on SQLite: its time zone and the round-robin turn (one row, id 1).
import type { Store } from '../store';
import type { SqliteConnection } from './connection';

type WorkspacePart = Pick<Store, 'workspaceTimeZone' | 'setWorkspaceTimeZone' | 'takeRoundRobinTurn' | 'isEmpty'>;

export class SqliteWorkspace implements WorkspacePart {
  constructor(private readonly c: SqliteConnection) {}

  async workspaceTimeZone() {
    return this.c.get<{ time_zone: string }>('SELECT time_zone FROM workspace WHERE id = 1')!.time_zone;
  }
  async setWorkspaceTimeZone(timeZone: string) {
    this.c.run('UPDATE workspace SET time_zone = ? WHERE id = 1', timeZone);
  }
  async takeRoundRobinTurn(candidateIds: string[]) {
    if (candidateIds.length === 0) return null;
    return this.c.tx(() => {
      const turn = this.c.get<{ t: number }>('SELECT round_robin_turn AS t FROM workspace WHERE id = 1')!.t;
      this.c.run('UPDATE workspace SET round_robin_turn = round_robin_turn + 1 WHERE id = 1');
      return candidateIds[turn % candidateIds.length];
    });
  }
  async isEmpty() {
    return this.c.get<{ n: number }>('SELECT COUNT(*) AS n FROM users')!.n === 0;
  }
}
