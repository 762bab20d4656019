// SMS opt-outs, per business number and lead number.
import { expect, it } from 'vitest';
import { forEachStore } from './stores';
import { at, newPhone } from './fixtures';

forEachStore('opt-outs', (s) => {
  it('opts a number out from one business number, and back in', async () => {
    const store = s.store();
    const [ours, other, lead] = [newPhone(), newPhone(), newPhone()];
    expect(await store.isOptedOut(ours, lead)).toBe(false);
    await store.setOptOut(ours, lead, true, 'STOP', at(1));
    expect(await store.isOptedOut(ours, lead)).toBe(true);
    expect(await store.isOptedOut(other, lead)).toBe(false);
    await store.setOptOut(ours, lead, false, 'START', at(2));
    expect(await store.isOptedOut(ours, lead)).toBe(false);
  });

  it('names the numbers opted out from any of our numbers', async () => {
    const store = s.store();
    const [ours, other] = [newPhone(), newPhone()];
    const [a, b, c, d] = [newPhone(), newPhone(), newPhone(), newPhone()];
    await store.setOptOut(ours, a, true, 'STOP', at(1));
    await store.setOptOut(other, b, true, 'UNSUBSCRIBE', at(1));
    await store.setOptOut(ours, b, true, 'STOP', at(1));
    await store.setOptOut(ours, c, true, 'STOP', at(1));
    await store.setOptOut(ours, c, false, 'START', at(2));
    expect(await store.optedOutNumbers([a, b, c, d])).toEqual(new Set([a, b]));
    expect(await store.optedOutNumbers([])).toEqual(new Set());
  });
});
