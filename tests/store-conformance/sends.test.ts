// Send leases: the node sending a message holds a lease it renews while the send is under way.
// A send left pending with no provider id whose lease expired (its node died), or that the
// restarting node itself held in its earlier run, is an interrupted send.
import { expect, it } from 'vitest';
import type { MessageRecord, Store } from '../../server/storage/store';
import { forEachStore } from './stores';
import { at, makeLead, makeUser, outboundTo, unique } from './fixtures';

async function sender(store: Store) {
  const rep = await makeUser(store);
  const lead = await makeLead(store, rep.id);
  return async (owner: string, untilSecond: number) =>
    (await store.createOutbound(outboundTo(lead, rep, { sendLease: { owner, until: at(untilSecond) } }))).message;
}

const ids = (list: MessageRecord[]) => list.map((m) => m.id);

forEachStore('send leases', (s) => {
  it('finds sends whose lease expired, oldest first, and not those still held', async () => {
    const store = await s.freshStore();
    const send = await sender(store);
    const a1 = await send('node-a', 30);
    const b1 = await send('node-b', 60);
    const a2 = await send('node-a', 30);
    expect(await store.interruptedSends(at(10), null)).toEqual([]);
    expect(await store.interruptedSends(at(31), null)).toEqual([a1, a2]);
    expect(ids(await store.interruptedSends(at(61), null))).toEqual([a1.id, b1.id, a2.id]);
  });

  it('finds, at a node’s start, the sends it held in its earlier run, leases or not', async () => {
    const store = await s.freshStore();
    const send = await sender(store);
    const mine = await send('node-a', 3600);
    await send('node-b', 3600);
    expect(ids(await store.interruptedSends(at(10), 'node-a'))).toEqual([mine.id]);
    expect(await store.interruptedSends(at(10), 'node-z')).toEqual([]);
  });

  it('does not count a send the provider answered or that is no longer pending', async () => {
    const store = await s.freshStore();
    const send = await sender(store);
    const answered = await send('node-a', 30);
    const sent = await send('node-a', 30);
    const waiting = await send('node-a', 30);
    await store.setProviderId(answered.id, unique('SM'));
    await store.applyStatus(sent.id, 'failed', at(5), { code: 'send_failed', message: 'refused' });
    expect(ids(await store.interruptedSends(at(100), 'node-a'))).toEqual([waiting.id]);
  });

  it('renews the leases of one node’s sends under way, and says how many', async () => {
    const store = await s.freshStore();
    const send = await sender(store);
    const [a1, a2] = [await send('node-a', 30), await send('node-a', 30)];
    const answered = await send('node-a', 30);
    await store.setProviderId(answered.id, unique('SM'));
    const b = await send('node-b', 30);
    expect(await store.renewSendLeases('node-a', at(90))).toBe(2);
    expect(ids(await store.interruptedSends(at(60), null))).toEqual([b.id]);
    expect(ids(await store.interruptedSends(at(91), null))).toEqual([a1.id, a2.id, b.id]);
    expect(await store.renewSendLeases('node-z', at(90))).toBe(0);
  });
});
