import { prependOlder, threadRows, upsertMessages } from './threadRows';
import { makeMessage } from '../test-support/FakeConverse';

const at = (iso: string) => new Date(iso).toISOString();

describe('thread rows', () => {
  it('puts a day heading before the first message of each local day', () => {
    const rows = threadRows([
      makeMessage({ id: 'a', createdAt: at('2026-03-01T09:00:00') }),
      makeMessage({ id: 'b', createdAt: at('2026-03-01T18:00:00') }),
      makeMessage({ id: 'c', createdAt: at('2026-03-02T08:00:00') }),
    ]);
    expect(rows.map((r) => (r.kind === 'day' ? `day:${r.day}` : r.message.id))).toEqual([
      'day:2026-03-01',
      'a',
      'b',
      'day:2026-03-02',
      'c',
    ]);
  });

  it('replaces a pending send by its client id instead of showing it twice', () => {
    const pending = makeMessage({
      id: 'local-1',
      clientId: 'client-1',
      status: 'pending',
      createdAt: at('2026-03-01T09:00:00'),
    });
    const stored = { ...pending, id: 'srv-1', status: 'sent' as const };
    const next = upsertMessages([pending], [stored]);
    expect(next).toHaveLength(1);
    expect(next[0]).toMatchObject({ id: 'srv-1', status: 'sent' });
  });

  it('keeps messages in time order when one arrives late', () => {
    const a = makeMessage({ id: 'a', createdAt: at('2026-03-01T09:00:00') });
    const c = makeMessage({ id: 'c', createdAt: at('2026-03-01T11:00:00') });
    const b = makeMessage({ id: 'b', createdAt: at('2026-03-01T10:00:00') });
    expect(upsertMessages([a, c], [b]).map((m) => m.id)).toEqual(['a', 'b', 'c']);
  });

  it('prepends an older page without duplicating what is loaded', () => {
    const loaded = ['m3', 'm4'].map((id) => makeMessage({ id }));
    const older = ['m1', 'm2', 'm3'].map((id) => makeMessage({ id }));
    expect(prependOlder(older, loaded).map((m) => m.id)).toEqual(['m1', 'm2', 'm3', 'm4']);
  });
});
