// Delivery statuses by the rank rule (shared/message-status.ts), with statuses that arrive before
// the provider's id kept until the send learns it, then drained.
import { expect, it } from 'vitest';
import type { MessageError } from '../../shared/domain';
import type { Store } from '../../server/storage/store';
import { forEachStore } from './stores';
import { at, inboundFrom, makeLead, makeUser, outboundTo, unique } from './fixtures';

const refused: MessageError = { code: 'provider_refused', message: 'Carrier refused', providerCode: '30007' };

async function pending(store: Store) {
  const rep = await makeUser(store);
  const lead = await makeLead(store, rep.id);
  return (await store.createOutbound(outboundTo(lead, rep))).message;
}

forEachStore('message statuses', (s) => {
  it('moves a status only up the ranks', async () => {
    const store = s.store();
    const m = await pending(store);
    const sent = await store.applyStatus(m.id, 'sent', at(1), null);
    expect(sent).toEqual({ message: { ...m, status: 'sent', updatedAt: at(1) }, changed: true });
    expect(await store.applyStatus(m.id, 'queued', at(2), null)).toEqual({ message: sent!.message, changed: false });
    const delivered = await store.applyStatus(m.id, 'delivered', at(3), null);
    expect(delivered).toEqual({ message: { ...m, status: 'delivered', updatedAt: at(3) }, changed: true });
    expect(await store.applyStatus(m.id, 'delivered', at(4), null)).toEqual({
      message: delivered!.message,
      changed: false,
    });
    expect(await store.getMessage(m.id)).toEqual(delivered!.message);
  });

  it('keeps a delivered status on a later failure, recording its error, which a read clears', async () => {
    const store = s.store();
    const m = await pending(store);
    await store.applyStatus(m.id, 'delivered', at(1), null);
    const failed = await store.applyStatus(m.id, 'failed', at(2), refused);
    expect(failed).toEqual({ message: { ...m, status: 'delivered', error: refused, updatedAt: at(2) }, changed: true });
    const read = await store.applyStatus(m.id, 'read', at(3), null);
    expect(read).toEqual({ message: { ...m, status: 'read', error: null, updatedAt: at(3) }, changed: true });
  });

  it('fails a message below delivered, and lets only proof of delivery override the failure', async () => {
    const store = s.store();
    const m = await pending(store);
    await store.applyStatus(m.id, 'sent', at(1), null);
    const failed = await store.applyStatus(m.id, 'failed', at(2), refused);
    expect(failed).toEqual({ message: { ...m, status: 'failed', error: refused, updatedAt: at(2) }, changed: true });
    expect(await store.applyStatus(m.id, 'sent', at(3), null)).toEqual({ message: failed!.message, changed: false });
    expect(await store.applyStatus(m.id, 'failed', at(3), refused)).toEqual({
      message: failed!.message,
      changed: false,
    });
    const delivered = await store.applyStatus(m.id, 'delivered', at(4), null);
    expect(delivered).toEqual({ message: { ...m, status: 'delivered', error: null, updatedAt: at(4) }, changed: true });
  });

  it('never moves a received message, and knows no status for an unknown one', async () => {
    const store = s.store();
    const lead = await makeLead(store, null);
    const { message } = await store.createInbound(inboundFrom(lead));
    expect(await store.applyStatus(message.id, 'read', at(1), null)).toEqual({ message, changed: false });
    expect(await store.applyStatus('msg_nobody', 'sent', at(1), null)).toBeNull();
  });

  it('applies a status by provider id once the send knows it, and keeps earlier ones to drain', async () => {
    const store = s.store();
    const m = await pending(store);
    const providerId = unique('SM');
    // The provider's webhooks outran its answer to the send.
    expect(await store.applyProviderStatus('sandbox', providerId, 'sent', at(1), null)).toBeNull();
    expect(await store.applyProviderStatus('sandbox', providerId, 'failed', at(2), refused)).toBeNull();
    expect(await store.getMessage(m.id)).toEqual(m);
    await store.setProviderId(m.id, providerId);
    expect((await store.getMessage(m.id))!.providerMessageId).toBe(providerId);
    expect(await store.takeEarlyStatuses('sandbox', providerId)).toEqual([
      { status: 'sent', at: at(1), error: null },
      { status: 'failed', at: at(2), error: refused },
    ]);
    expect(await store.takeEarlyStatuses('sandbox', providerId)).toEqual([]);
    const delivered = await store.applyProviderStatus('sandbox', providerId, 'delivered', at(3), null);
    expect(delivered).toEqual({
      message: { ...m, providerMessageId: providerId, status: 'delivered', updatedAt: at(3) },
      changed: true,
    });
    // Another provider's id of the same value is another message.
    expect(await store.applyProviderStatus('ctm', providerId, 'read', at(4), null)).toBeNull();
    expect(await store.takeEarlyStatuses('ctm', providerId)).toEqual([{ status: 'read', at: at(4), error: null }]);
  });

  it('records the provider taking a send in one go: its id, the status, the statuses that raced ahead, the usage count', async () => {
    const store = await s.freshStore();
    const m = await pending(store);
    const providerId = unique('SM');
    expect(await store.applyProviderStatus('sandbox', providerId, 'delivered', at(1), null)).toBeNull();
    const month = '2031-02';
    const usage = [
      { month, userId: '', provider: 'sandbox' as const, channel: 'sms' as const, direction: 'outbound' as const },
      {
        month,
        userId: m.authorUserId!,
        provider: 'sandbox' as const,
        channel: 'sms' as const,
        direction: 'outbound' as const,
      },
    ];
    const latest = await store.recordProviderAcceptance({
      messageId: m.id,
      provider: 'sandbox',
      providerMessageId: providerId,
      status: 'sent',
      at: at(2),
      usage,
    });
    // The early "delivered" ranks above the answer's "sent"; nothing is left to drain.
    expect(latest).toEqual({ ...m, providerMessageId: providerId, status: 'delivered', updatedAt: at(1) });
    expect(await store.getMessage(m.id)).toEqual(latest);
    expect(await store.takeEarlyStatuses('sandbox', providerId)).toEqual([]);
    expect(await store.usage([month], null)).toEqual([{ ...usage[0], count: 1 }]);
    expect(await store.usage([month], m.authorUserId)).toEqual([{ ...usage[1], count: 1 }]);
  });
});
