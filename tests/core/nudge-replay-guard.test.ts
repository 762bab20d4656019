// The replay guard (main/core/nudge-replay-guard.ts): a replay from sequence 0 stores a rep's nudges
// again; only the ones this device never offered to that rep on that server come through.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalStore } from '../../main/core/store/local-store';
import { NudgeReplayGuard } from '../../main/core/nudge-replay-guard';
import { iso, nudge } from './support/fixtures';

describe('nudge replay guard', () => {
  let store: LocalStore;
  let owner: { userId: string; serverUrl: string } | null;
  let guard: NudgeReplayGuard;
  const at = (offsetMs: number, id: string) => ({
    nudge: nudge(id, 'message', 'lead-1', iso(offsetMs)),
    at: iso(offsetMs),
  });
  const ids = (list: { nudge: { id: string } }[]) => list.map((n) => n.nudge.id);

  beforeEach(() => {
    store = LocalStore.open(path.join(mkdtempSync(path.join(tmpdir(), 'converse-guard-')), 'converse.db'));
    owner = { userId: 'rep-1', serverUrl: 'http://127.0.0.1:4000/' };
    guard = new NudgeReplayGuard({ store: () => store, owner: () => owner });
  });
  afterEach(() => store.close());

  it('lets each nudge through once, including a new one at the newest time already offered', () => {
    expect(ids(guard.fresh([at(1000, 'a'), at(2000, 'b')]))).toEqual(['a', 'b']);
    expect(ids(guard.fresh([at(1000, 'a'), at(2000, 'b')]))).toEqual([]);
    expect(ids(guard.fresh([at(2000, 'b'), at(2000, 'c'), at(3000, 'd')]))).toEqual(['c', 'd']);
    expect(ids(guard.fresh([at(2000, 'c'), at(3000, 'd')]))).toEqual([]);
  });

  it('remembers per rep and server, and the same server written another way is the same', () => {
    guard.fresh([at(1000, 'a')]);
    owner = { userId: 'rep-2', serverUrl: 'http://127.0.0.1:4000' };
    expect(ids(guard.fresh([at(1000, 'a')]))).toEqual(['a']);
    owner = { userId: 'rep-1', serverUrl: 'HTTP://127.0.0.1:4000' };
    expect(ids(guard.fresh([at(1000, 'a')]))).toEqual([]);
  });

  it('with no rep known, passes everything and remembers nothing', () => {
    owner = null;
    expect(ids(guard.fresh([at(1000, 'a')]))).toEqual(['a']);
    expect(store.state.settingsWithPrefix('nudges.offeredUpTo:')).toEqual([]);
  });
});
