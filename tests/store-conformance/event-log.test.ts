// Each user's event log: contiguous sequences per user (the gateway's gap check relies on them),
// replay by seq with a size budget that always returns the first event, heads, rewrites that
// keep seqs, and the desktops' acks.
import { expect, it } from 'vitest';
import type { StreamEvent } from '../../shared/stream-protocol';
import { forEachStore } from './stores';
import { at, leadView, makeLead, makeUser, nudgeEvent, nudgeFor, removed } from './fixtures';

forEachStore('event log', (s) => {
  it('appends contiguous sequences per user, in one call across users', async () => {
    const store = s.store();
    const [rita, sam] = [await makeUser(store), await makeUser(store)];
    const appended = await store.appendEvents(
      [
        { userId: rita.id, event: removed('a') },
        { userId: sam.id, event: removed('b') },
        { userId: rita.id, event: removed('c') },
      ],
      at(1),
    );
    expect(appended).toEqual([
      { userId: rita.id, seq: 1, at: at(1), event: removed('a') },
      { userId: sam.id, seq: 1, at: at(1), event: removed('b') },
      { userId: rita.id, seq: 2, at: at(1), event: removed('c') },
    ]);
    expect(await store.appendEvents([], at(2))).toEqual([]);
    expect(await store.appendEvents([{ userId: rita.id, event: removed('d') }], at(3))).toEqual([
      { userId: rita.id, seq: 3, at: at(3), event: removed('d') },
    ]);
    expect(await store.eventsAfter(rita.id, 0, 10)).toEqual([
      { seq: 1, at: at(1), event: removed('a') },
      { seq: 2, at: at(1), event: removed('c') },
      { seq: 3, at: at(3), event: removed('d') },
    ]);
    expect(await store.eventsAfter(rita.id, 1, 1)).toEqual([{ seq: 2, at: at(1), event: removed('c') }]);
    expect(await store.eventsAfter(rita.id, 3, 10)).toEqual([]);
  });

  it('leaves no gap and no repeat when many appends for one user race', async () => {
    const store = s.store();
    const [rita, sam] = [await makeUser(store), await makeUser(store)];
    const batches = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        store.appendEvents(
          [
            { userId: rita.id, event: removed(`r${i}`) },
            { userId: sam.id, event: removed(`s${i}`) },
          ],
          at(i),
        ),
      ),
    );
    const seqsOf = (userId: string) =>
      batches
        .flat()
        .filter((e) => e.userId === userId)
        .map((e) => e.seq)
        .sort((a, b) => a - b);
    const oneToTen = Array.from({ length: 10 }, (_, i) => i + 1);
    expect(seqsOf(rita.id)).toEqual(oneToTen);
    expect(seqsOf(sam.id)).toEqual(oneToTen);
    expect((await store.eventsAfter(rita.id, 0, 100)).map((e) => e.seq)).toEqual(oneToTen);
    // Each seq holds the event its append returned.
    const stored = new Map((await store.eventsAfter(rita.id, 0, 100)).map((e) => [e.seq, e.event]));
    for (const e of batches.flat().filter((x) => x.userId === rita.id)) expect(stored.get(e.seq)).toEqual(e.event);
  });

  it('appends for the same users in opposite orders at once without a deadlock', async () => {
    const store = s.store();
    const [rita, sam] = [await makeUser(store), await makeUser(store)];
    const batches = await Promise.all(
      Array.from({ length: 12 }, (_, i) => {
        const pair = [rita.id, sam.id];
        const users = i % 2 ? pair : pair.reverse();
        return store.appendEvents(
          users.map((userId) => ({ userId, event: removed(`${i}`) })),
          at(i),
        );
      }),
    );
    expect(batches.flat()).toHaveLength(24);
    expect(await store.headSeqs([rita.id, sam.id])).toEqual(
      new Map([
        [rita.id, 12],
        [sam.id, 12],
      ]),
    );
  });

  it('replays as JSON within a character budget, always at least the first event', async () => {
    const store = s.store();
    const rita = await makeUser(store);
    const events: StreamEvent[] = [removed('x'.repeat(300)), removed('short'), removed('y'.repeat(50)), removed('z')];
    await store.appendEvents(
      events.map((event) => ({ userId: rita.id, event })),
      at(1),
    );
    const all = await store.eventsAfterJson(rita.id, 0, 10);
    expect(all.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(all.map((e) => JSON.parse(e.json))).toEqual(events.map((event, i) => ({ seq: i + 1, at: at(1), event })));
    // The budget counts each event's JSON plus one comma.
    const cost = all.map((e) => e.json.length + 1);
    expect(await store.eventsAfterJson(rita.id, 0, 10, cost[0] + cost[1])).toEqual(all.slice(0, 2));
    expect(await store.eventsAfterJson(rita.id, 0, 10, cost[0] + cost[1] - 1)).toEqual(all.slice(0, 1));
    expect(await store.eventsAfterJson(rita.id, 0, 10, 1)).toEqual(all.slice(0, 1));
    expect(await store.eventsAfterJson(rita.id, 1, 2)).toEqual(all.slice(1, 3));
    expect(await store.eventsAfterJson(rita.id, 4, 10)).toEqual([]);
  });

  it('reads the head of one user, and of many in one read (0 with no events)', async () => {
    const store = s.store();
    const [rita, sam, newcomer] = [await makeUser(store), await makeUser(store), await makeUser(store)];
    expect(await store.headSeq(rita.id)).toBe(0);
    await store.appendEvents(
      [
        { userId: rita.id, event: removed('a') },
        { userId: rita.id, event: removed('b') },
        { userId: sam.id, event: removed('c') },
      ],
      at(),
    );
    expect(await store.headSeq(rita.id)).toBe(2);
    expect(await store.headSeqs([rita.id, sam.id, newcomer.id])).toEqual(
      new Map([
        [rita.id, 2],
        [sam.id, 1],
        [newcomer.id, 0],
      ]),
    );
    expect(await store.headSeqs([])).toEqual(new Map());
  });

  it('names the leads its lead.upserted events carry, and rewrites them and their nudges in place', async () => {
    const store = s.store();
    const rita = await makeUser(store);
    const [kept, renamed, gone] = [
      await makeLead(store, rita.id),
      await makeLead(store, rita.id),
      await makeLead(store, rita.id),
    ];
    const nudge = await store.addNudge(nudgeFor(rita.id, { leadId: renamed.id }), '2060-01');
    const log: StreamEvent[] = [
      { type: 'lead.upserted', lead: leadView(kept) },
      { type: 'lead.upserted', lead: leadView(renamed) },
      nudgeEvent(nudge),
      { type: 'lead.upserted', lead: leadView(gone) },
      removed('other'),
      { type: 'lead.upserted', lead: leadView(renamed) },
    ];
    await store.appendEvents(
      log.map((event) => ({ userId: rita.id, event })),
      at(1),
    );
    expect((await store.leadIdsInLog(rita.id)).sort()).toEqual([kept.id, renamed.id, gone.id].sort());
    const now = leadView(renamed, 'Mary');
    const n = await store.rewriteLeadEvents(
      rita.id,
      new Map([
        [renamed.id, now],
        [gone.id, null],
      ]),
    );
    expect(n).toBe(4);
    const upserted: StreamEvent = { type: 'lead.upserted', lead: now };
    expect((await store.eventsAfter(rita.id, 0, 10)).map((e) => [e.seq, e.event])).toEqual([
      [1, log[0]],
      [2, upserted],
      [3, upserted],
      [4, removed(gone.id)],
      [5, log[4]],
      [6, upserted],
    ]);
    expect(await store.headSeq(rita.id)).toBe(6);
    expect(await store.rewriteLeadEvents(rita.id, new Map())).toBe(0);
  });

  it('records devices’ acks, again and lower, one device twice in a batch, without touching the log', async () => {
    const store = s.store();
    const rita = await makeUser(store);
    await store.appendEvents([{ userId: rita.id, event: removed('a') }], at());
    const ack = (deviceId: string, seq: number, t: number) => ({ userId: rita.id, deviceId, seq, at: at(t) });
    await expect(store.recordAcks([ack('laptop', 1, 1)])).resolves.toBeUndefined();
    await expect(store.recordAcks([ack('laptop', 0, 2), ack('phone', 1, 2)])).resolves.toBeUndefined();
    await expect(store.recordAcks([ack('phone', 1, 3), ack('phone', 0, 4)])).resolves.toBeUndefined();
    await expect(store.recordAcks([])).resolves.toBeUndefined();
    expect(await store.headSeq(rita.id)).toBe(1);
    expect(await store.eventsAfter(rita.id, 0, 10)).toEqual([{ seq: 1, at: at(), event: removed('a') }]);
  });
});
