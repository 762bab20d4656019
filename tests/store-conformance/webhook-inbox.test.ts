// The webhook inbox with leases: a kept webhook is claimed by the node that answered it until its
// lease runs out; then any node's sweep may claim it, never two at once; once processed (or failed
// for good) it is never claimed again.
import { expect, it } from 'vitest';
import type { SavedWebhook } from '../../server/storage/saved-webhooks';
import type { Store } from '../../server/storage/store';
import { forEachStore } from './stores';
import { at, date } from './fixtures';

const lease = (owner: string, untilSecond: number) => ({ owner, until: at(untilSecond) });

async function save(store: Store, second: number, owner = 'node-a', body = `{"n":${second}}`) {
  return store.saveWebhook(
    'sandbox',
    Buffer.from(body),
    { 'content-type': 'application/json' },
    at(second),
    lease(owner, second + 30),
  );
}

const ids = (list: SavedWebhook[]) => list.map((w) => w.id);
/** What a node that started at `second`, with 30-second leases, held before then. */
const startedAt = (owner: string, second: number) => ({ owner, leasedBefore: at(second + 30) });

forEachStore('webhook inbox', (s) => {
  it('keeps a webhook as it came, bytes and headers, claimed by the node that answered', async () => {
    const store = await s.freshStore();
    const body = Buffer.from([0x7b, 0x00, 0xff, 0x80, 0x7d]);
    const headers = { 'x-signature': 'sha256=abc', 'content-type': 'application/octet-stream' };
    const saved = await store.saveWebhook('whatsapp', body, headers, at(0), lease('node-a', 30));
    expect(saved).toEqual({ id: saved.id, provider: 'whatsapp', body, headers, receivedAt: date(0) });
    // Nobody else takes it while the answering node holds it.
    expect(await store.claimPendingWebhooks(at(10), lease('node-b', 40), 10)).toEqual([]);
    // Its node died: after the lease, another node's sweep gets it, exactly as kept.
    expect(await store.claimPendingWebhooks(at(31), lease('node-b', 61), 10)).toEqual([saved]);
  });

  it('lets a restarted node take back at once what it held in its earlier run, and nothing of a live node', async () => {
    const store = await s.freshStore();
    const mine = await save(store, 0, 'node-a');
    await save(store, 1, 'node-b');
    // node-a restarts at second 5, both leases still running: its own comes back, node-b's stays.
    expect(ids(await store.claimPendingWebhooks(at(5), lease('node-a', 35), 10, startedAt('node-a', 5)))).toEqual([
      mine.id,
    ]);
    expect(await store.claimPendingWebhooks(at(6), lease('node-c', 36), 10)).toEqual([]);
  });

  it('leaves a restarted node the webhooks it answered since its start, under way', async () => {
    const store = await s.freshStore();
    const before = await save(store, 0, 'node-a');
    // node-a restarts at second 5 and answers a webhook at second 6, before its first sweep.
    await save(store, 6, 'node-a');
    expect(ids(await store.claimPendingWebhooks(at(7), lease('node-a', 37), 10, startedAt('node-a', 5)))).toEqual([
      before.id,
    ]);
  });

  it('renews only its own claims on webhooks not processed yet', async () => {
    const store = await s.freshStore();
    const a = await save(store, 0, 'node-a');
    const b = await save(store, 0, 'node-b');
    const done = await save(store, 0, 'node-a');
    await store.markWebhookProcessed(done.id, at(1));
    // node-a renews all three ids: only its unprocessed one counts.
    expect(await store.renewWebhookLeases('node-a', [a.id, b.id, done.id], at(100))).toBe(1);
    expect(await store.renewWebhookLeases('node-a', [], at(100))).toBe(0);
    // At second 50 node-b's lease (until 30) has run out, node-a's renewed one (until 100) has not.
    expect(ids(await store.claimPendingWebhooks(at(50), lease('node-c', 80), 10))).toEqual([b.id]);
    // Past both: node-a's renewed lease and node-c's claim on b (until 80) have run out.
    expect(ids(await store.claimPendingWebhooks(at(101), lease('node-d', 131), 10))).toEqual([a.id, b.id]);
  });

  it('holds a claimed webhook for its new owner until that lease runs out too', async () => {
    const store = await s.freshStore();
    const w = await save(store, 0);
    expect(ids(await store.claimPendingWebhooks(at(31), lease('node-b', 61), 10))).toEqual([w.id]);
    expect(await store.claimPendingWebhooks(at(45), lease('node-c', 75), 10)).toEqual([]);
    expect(ids(await store.claimPendingWebhooks(at(62), lease('node-c', 92), 10))).toEqual([w.id]);
  });

  it('never claims a processed webhook again, nor one that failed for good', async () => {
    const store = await s.freshStore();
    const [done, failed, open] = [await save(store, 0), await save(store, 1), await save(store, 2)];
    await store.markWebhookProcessed(done.id, at(3));
    await store.markWebhookProcessed(failed.id, at(3), 'unparseable body');
    expect(ids(await store.claimPendingWebhooks(at(99_999), lease('node-b', 100_029), 10))).toEqual([open.id]);
    await store.markWebhookProcessed(open.id, at(100_000));
    expect(await store.claimPendingWebhooks(at(200_000), lease('node-c', 200_030), 10)).toEqual([]);
  });

  it('claims the oldest first, at most the limit', async () => {
    const store = await s.freshStore();
    const third = await save(store, 2);
    const first = await save(store, 0);
    const second = await save(store, 1);
    expect(ids(await store.claimPendingWebhooks(at(100), lease('node-b', 130), 2))).toEqual([first.id, second.id]);
    expect(ids(await store.claimPendingWebhooks(at(100), lease('node-c', 130), 2))).toEqual([third.id]);
    expect(await store.claimPendingWebhooks(at(100), lease('node-d', 130), 2)).toEqual([]);
  });

  it('never gives two sweeping nodes the same webhook', async () => {
    const store = await s.freshStore();
    const saved: SavedWebhook[] = [];
    for (let i = 0; i < 8; i++) saved.push(await save(store, i));
    const [b, c] = await Promise.all([
      store.claimPendingWebhooks(at(100), lease('node-b', 130), 8),
      store.claimPendingWebhooks(at(100), lease('node-c', 130), 8),
    ]);
    const claimed = [...ids(b), ...ids(c)];
    expect(new Set(claimed).size).toBe(claimed.length);
    expect(claimed.sort()).toEqual(ids(saved).sort());
  });
});
