// Nudges and the monthly usage counters the reports read: per user, and the workspace total
// (user id '') that usage(months, null) reads.
import { expect, it } from 'vitest';
import type { UsageCounterRow } from '../../server/storage/store';
import { forEachStore } from './stores';
import { at, makeLead, makeUser, nudgeFor } from './fixtures';

let monthCounter = 0;
/** A month no other test of the file counts in (a file's tests share a store). */
const month = () => `20${40 + Math.floor(monthCounter / 12)}-${String((monthCounter++ % 12) + 1).padStart(2, '0')}`;

const byKey = (rows: UsageCounterRow[]) => [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

forEachStore('usage and nudges', (s) => {
  it('adds nudges and lists a user’s newest first', async () => {
    const store = s.store();
    const rita = await makeUser(store);
    const lead = await makeLead(store, rita.id);
    const m = month();
    const first = await store.addNudge(nudgeFor(rita.id, { leadId: lead.id, createdAt: at(1) }), m);
    expect(first).toEqual({ id: first.id, ...nudgeFor(rita.id, { leadId: lead.id, createdAt: at(1) }) });
    const third = await store.addNudge(nudgeFor(rita.id, { kind: 'task', entityType: 'task', createdAt: at(3) }), m);
    const second = await store.addNudge(nudgeFor(rita.id, { createdAt: at(2) }), m);
    const tie = await store.addNudge(nudgeFor(rita.id, { createdAt: at(3), title: 'tie' }), m);
    expect(await store.listNudges(rita.id, 10)).toEqual([tie, third, second, first]);
    expect(await store.listNudges(rita.id, 2)).toEqual([tie, third]);
  });

  it('counts nudges per month and entity, for one user or everyone', async () => {
    const store = s.store();
    const [rita, sam] = [await makeUser(store), await makeUser(store)];
    const [m1, m2] = [month(), month()];
    await store.addNudge(nudgeFor(rita.id), m1);
    await store.addNudge(nudgeFor(rita.id), m1);
    await store.addNudge(nudgeFor(rita.id, { kind: 'task', entityType: 'task' }), m1);
    await store.addNudge(nudgeFor(sam.id), m1);
    await store.addNudge(nudgeFor(sam.id, { kind: 'activity', entityType: 'activity' }), m2);
    const sorted = (rows: { month: string; entityType: string; count: number }[]) =>
      [...rows].sort((a, b) => `${a.month}${a.entityType}`.localeCompare(`${b.month}${b.entityType}`));
    expect(sorted(await store.countNudges([m1, m2], rita.id))).toEqual([
      { month: m1, entityType: 'lead', count: 2 },
      { month: m1, entityType: 'task', count: 1 },
    ]);
    expect(sorted(await store.countNudges([m1, m2], null))).toEqual([
      { month: m1, entityType: 'lead', count: 3 },
      { month: m1, entityType: 'task', count: 1 },
      { month: m2, entityType: 'activity', count: 1 },
    ]);
    expect(await store.countNudges([m2], rita.id)).toEqual([]);
    expect(await store.countNudges([], null)).toEqual([]);
  });

  it('counts messages per month, user, provider, channel and direction; null reads the workspace total', async () => {
    const store = s.store();
    const rita = await makeUser(store);
    const [m1, m2] = [month(), month()];
    const sms = { provider: 'ctm', channel: 'sms', direction: 'outbound' } as const;
    const wa = { provider: 'whatsapp', channel: 'whatsapp', direction: 'inbound' } as const;
    for (const row of [
      { month: m1, userId: '', ...sms },
      { month: m1, userId: rita.id, ...sms },
      { month: m1, userId: '', ...sms },
      { month: m1, userId: rita.id, ...sms },
      { month: m2, userId: '', ...wa },
    ])
      await store.bumpUsage(row);
    expect(await store.usage([m1, m2], rita.id)).toEqual([{ month: m1, userId: rita.id, ...sms, count: 2 }]);
    expect(byKey(await store.usage([m1, m2], null))).toEqual(
      byKey([
        { month: m1, userId: '', ...sms, count: 2 },
        { month: m2, userId: '', ...wa, count: 1 },
      ]),
    );
    expect(await store.usage([], null)).toEqual([]);
  });

  it('loses no count when many messages bump the workspace total at once', async () => {
    const store = s.store();
    const m = month();
    const row = { month: m, userId: '', provider: 'sandbox', channel: 'sms', direction: 'inbound' } as const;
    await Promise.all(Array.from({ length: 20 }, () => store.bumpUsage(row)));
    expect(await store.usage([m], null)).toEqual([{ ...row, count: 20 }]);
  });
});
