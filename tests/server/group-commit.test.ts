// Group commit (server/storage/postgres/group-commit.ts) without a database: who goes in which
// group, and what a failing group does to its callers.
import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../server/storage/postgres/group-commit';

/** A writer that records its groups and answers each input doubled, after `waitMs`. */
function recordingWriter(o: { waitMs?: number; failOn?: number } = {}) {
  const groups: number[][] = [];
  const write = async (inputs: number[]) => {
    groups.push(inputs);
    await new Promise((r) => setTimeout(r, o.waitMs ?? 5));
    if (o.failOn !== undefined && inputs.includes(o.failOn)) throw new Error(`cannot write ${o.failOn}`);
    return inputs.map((n) => n * 2);
  };
  return { groups, write };
}

describe('group commit', () => {
  it('writes a lone call at once, and the calls made while it is written together after it', async () => {
    const { groups, write } = recordingWriter();
    const commit = new GroupCommit(write);
    const first = commit.submit(1);
    await new Promise((r) => setTimeout(r, 1));
    expect(groups).toEqual([[1]]);
    const rest = [2, 3, 4].map((n) => commit.submit(n));
    expect(await Promise.all([first, ...rest])).toEqual([2, 4, 6, 8]);
    expect(groups).toEqual([[1], [2, 3, 4]]);
  });

  it('puts calls made in one turn in one group, and no group over its bound', async () => {
    const { groups, write } = recordingWriter();
    const commit = new GroupCommit(write, 3);
    const outs = await Promise.all([1, 2, 3, 4, 5, 6, 7].map((n) => commit.submit(n)));
    expect(outs).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(groups).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it('writes a failing group again one call at a time, so only the bad call fails', async () => {
    const { groups, write } = recordingWriter({ failOn: 3 });
    const commit = new GroupCommit(write);
    const settled = await Promise.allSettled([1, 2, 3, 4].map((n) => commit.submit(n)));
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).toEqual([
      2,
      4,
      'cannot write 3',
      8,
    ]);
    expect(groups).toEqual([[1, 2, 3, 4], [1], [2], [3], [4]]);
    // The next call finds the commit ready.
    expect(await commit.submit(5)).toBe(10);
  });
});
