// Workspace API keys, and the claims that make each CRM event (POST /events) handled once: a
// claim holds for its lease, a handled event stays handled, a released one can be claimed again.
import { expect, it } from 'vitest';
import { forEachStore } from './stores';
import { at, unique } from './fixtures';

forEachStore('CRM events and API keys', (s) => {
  it('adds an API key once per hash and lists the hashes', async () => {
    const store = s.store();
    const hash = unique('sha256');
    const added = await store.addApiKey(hash, 'Zapier', at());
    expect(added).toEqual({ id: expect.any(String), added: true });
    expect(await store.addApiKey(hash, 'Zapier again', at(1))).toEqual({ id: added.id, added: false });
    const hashes = await store.apiKeyHashes();
    expect(hashes.filter((h) => h === hash)).toEqual([hash]);
  });

  it('claims an event for its lease: busy while it holds, claimable again once it has passed', async () => {
    const store = s.store();
    const id = unique('evt');
    expect(await store.claimEventLease(id, 'lead.upsert', at(0), at(30))).toBe('claimed');
    expect(await store.claimEventLease(id, 'lead.upsert', at(10), at(40))).toBe('busy');
    // The first handler died: after its lease the resend is handled.
    expect(await store.claimEventLease(id, 'lead.upsert', at(31), at(61))).toBe('claimed');
    expect(await store.claimEventLease(id, 'lead.upsert', at(45), at(75))).toBe('busy');
  });

  it('keeps a completed event handled for good', async () => {
    const store = s.store();
    const id = unique('evt');
    expect(await store.claimEventLease(id, 'task.upsert', at(0), at(30))).toBe('claimed');
    await store.completeEvent(id, at(1));
    expect(await store.claimEventLease(id, 'task.upsert', at(2), at(32))).toBe('handled');
    expect(await store.claimEventLease(id, 'task.upsert', at(99_999), at(100_029))).toBe('handled');
  });

  it('forgets a released claim, so the resend is claimed at once', async () => {
    const store = s.store();
    const id = unique('evt');
    expect(await store.claimEventLease(id, 'lead.upsert', at(0), at(30))).toBe('claimed');
    await store.releaseEvent(id);
    expect(await store.claimEventLease(id, 'lead.upsert', at(1), at(31))).toBe('claimed');
  });

  it('gives one of two simultaneous deliveries the claim', async () => {
    const store = s.store();
    const id = unique('evt');
    const outcomes = await Promise.all([
      store.claimEventLease(id, 'lead.upsert', at(0), at(30)),
      store.claimEventLease(id, 'lead.upsert', at(0), at(30)),
    ]);
    expect(outcomes.sort()).toEqual(['busy', 'claimed']);
  });
});
