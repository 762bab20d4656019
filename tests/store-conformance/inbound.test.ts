// An inbound message end to end: stored with its lead (when the number is new) and its opt-out
// keyword in one go, once per provider id; then its outcome (activities, usage, events, nudges)
// committed once.
import { expect, it } from 'vitest';
import type { InboundOutcome, Store } from '../../server/storage/store';
import { forEachStore } from './stores';
import {
  arrivalFrom,
  at,
  receive,
  makeLead,
  makeUser,
  newPhone,
  nudgeEvent,
  nudgeFor,
  removed,
  unique,
} from './fixtures';

let monthCounter = 0;
const month = () => `2050-${String((monthCounter++ % 12) + 1).padStart(2, '0')}`;

/** One of everything an outcome may hold, for `userId` about `leadId`. */
function outcomeFor(userId: string, leadId: string, messageId: string, m: string): InboundOutcome {
  return {
    activities: [{ leadId, type: 'message.received', summary: 'SMS received', at: at(6), messageId }],
    usage: [{ month: m, userId, provider: 'sandbox', channel: 'sms', direction: 'inbound' }],
    events: [{ userId, event: removed(`shown-${leadId}`) }],
    nudges: [{ nudge: nudgeFor(userId, { leadId, createdAt: at(6) }), month: m }],
    nudgeEvent,
  };
}

async function unapplied(store: Store, id: string) {
  return (await store.unappliedInbound()).includes(id);
}

forEachStore('inbound messages', (s) => {
  it('stores nothing from a new number until its lead is given, and needs none from a known one', async () => {
    const store = s.store();
    const known = newPhone();
    const fresh = newPhone();
    await receive(store, arrivalFrom(known));
    const noLead = { newLead: () => null };
    const offered = [arrivalFrom(known, noLead), arrivalFrom(fresh, noLead), arrivalFrom(newPhone())];
    // Offered at once (one group on PostgreSQL): the new number without a lead answers null, alone.
    const [k, f, n] = await Promise.all(offered.map((a) => store.receiveInbound(a)));
    expect(k).toEqual(expect.objectContaining({ leadCreated: false, duplicate: false }));
    expect(f).toBeNull();
    expect(n).toEqual(expect.objectContaining({ leadCreated: true, duplicate: false }));
    expect(await store.leadByPhone(fresh)).toBeNull();
    expect(await store.inboundReceipt('sandbox', offered[1]!.providerMessageId)).toBeNull();
    // Offered again with its lead: stored, with its new lead.
    const again = await receive(store, arrivalFrom(fresh, { providerMessageId: offered[1]!.providerMessageId }));
    expect(again).toEqual(expect.objectContaining({ leadCreated: true, duplicate: false }));
    expect((await store.leadByPhone(fresh))?.id).toBe(again.lead.id);
  });

  it('stores an arrival from a new number with its new lead and its opt-out, in one go', async () => {
    const store = s.store();
    const from = newPhone();
    const business = newPhone();
    const a = arrivalFrom(from, { optOut: { businessNumber: business, optedOut: true, keyword: 'STOP' } });
    const receipt = await receive(store, a);
    const lead = (await store.leadByPhone(from))!;
    expect(lead).toEqual(expect.objectContaining({ firstName: 'Unknown', lastName: from, createdAt: at(5) }));
    expect(receipt).toEqual({
      message: await store.getMessage(receipt.message.id),
      lead,
      leadCreated: true,
      conversationStarted: true,
      duplicate: false,
      applied: false,
    });
    expect(receipt.message).toEqual(
      expect.objectContaining({
        leadId: lead.id,
        phoneId: lead.phones[0].id,
        direction: 'inbound',
        status: 'received',
        body: 'STOP',
        providerMessageId: a.providerMessageId,
      }),
    );
    expect(await store.isOptedOut(business, from)).toBe(true);
    expect(await unapplied(store, receipt.message.id)).toBe(true);
  });

  it('answers a redelivery with the first receipt, and stores nothing twice', async () => {
    const store = s.store();
    const from = newPhone();
    const a = arrivalFrom(from);
    const receipt = await receive(store, a);
    let asked = 0;
    const again = await receive(store, { ...a, body: 'changed', newLead: () => (asked++, a.newLead()) });
    expect(again).toEqual({ ...receipt, duplicate: true });
    expect(asked).toBe(0);
    expect(await store.inboundReceipt('sandbox', a.providerMessageId)).toEqual({ ...receipt, duplicate: true });
    expect(await store.inboundReceipt('sandbox', unique('pm'))).toBeNull();
    expect(await store.messagesPage(receipt.message.conversationId, null, 10)).toEqual([receipt.message]);
  });

  it('uses the lead of a known number, and starts only a conversation not yet there', async () => {
    const store = s.store();
    const rep = await makeUser(store);
    const lead = await makeLead(store, rep.id);
    const from = lead.phones[0].e164;
    const first = await receive(store, arrivalFrom(from));
    expect(first).toEqual(expect.objectContaining({ lead, leadCreated: false, conversationStarted: true }));
    const second = await receive(store, arrivalFrom(from, { at: at(7) }));
    expect(second).toEqual(
      expect.objectContaining({ leadCreated: false, conversationStarted: false, duplicate: false }),
    );
    const wa = await receive(store, arrivalFrom(from, { channel: 'whatsapp', provider: 'whatsapp' }));
    expect(wa).toEqual(expect.objectContaining({ leadCreated: false, conversationStarted: true }));
    expect(wa.message.conversationId).toBe(`${lead.id}:whatsapp`);
  });

  it('makes one lead of two first messages from one new number arriving at once', async () => {
    const store = s.store();
    const from = newPhone();
    const receipts = await Promise.all([receive(store, arrivalFrom(from)), receive(store, arrivalFrom(from))]);
    expect(receipts[0].lead.id).toBe(receipts[1].lead.id);
    expect(receipts.map((r) => r.leadCreated).sort()).toEqual([false, true]);
    expect(receipts.map((r) => r.conversationStarted).sort()).toEqual([false, true]);
    expect(receipts[0].message.id).not.toBe(receipts[1].message.id);
  });

  it('stores one message of one provider id delivered twice at once', async () => {
    const store = s.store();
    const a = arrivalFrom(newPhone());
    const receipts = await Promise.all([receive(store, a), receive(store, a)]);
    expect(receipts.map((r) => r.duplicate).sort()).toEqual([false, true]);
    expect(receipts[0].message).toEqual(receipts[1].message);
    expect(receipts[0].lead).toEqual(receipts[1].lead);
  });

  it('commits an outcome once: activities, usage, events and nudges together', async () => {
    const store = s.store();
    const rep = await makeUser(store);
    const lead = await makeLead(store, rep.id);
    const receipt = await receive(store, arrivalFrom(lead.phones[0].e164));
    const m = month();
    const outcome = outcomeFor(rep.id, lead.id, receipt.message.id, m);
    const head = await store.headSeq(rep.id);
    const appended = await store.applyInboundOutcome(receipt.message.id, outcome, at(6));
    const [nudge] = await store.listNudges(rep.id, 10);
    expect(nudge).toEqual({ id: nudge.id, ...outcome.nudges[0].nudge });
    expect(appended).toEqual([
      { userId: rep.id, seq: head + 1, at: at(6), event: outcome.events[0].event },
      { userId: rep.id, seq: head + 2, at: at(6), event: nudgeEvent(nudge) },
    ]);
    expect(await store.listActivity(lead.id, 10)).toEqual([{ id: expect.any(String), ...outcome.activities[0] }]);
    expect(await store.usage([m], rep.id)).toEqual([{ ...outcome.usage[0], count: 1 }]);
    expect(await store.countNudges([m], rep.id)).toEqual([{ month: m, entityType: 'lead', count: 1 }]);
    expect(await store.inboundReceipt('sandbox', receipt.message.providerMessageId!)).toEqual(
      expect.objectContaining({ applied: true, duplicate: true }),
    );
    expect(await unapplied(store, receipt.message.id)).toBe(false);
  });

  it('commits an outcome only once, however often or concurrently it is applied', async () => {
    const store = s.store();
    const rep = await makeUser(store);
    const lead = await makeLead(store, rep.id);
    const receipt = await receive(store, arrivalFrom(lead.phones[0].e164));
    const m = month();
    const outcome = outcomeFor(rep.id, lead.id, receipt.message.id, m);
    const results = await Promise.all([
      store.applyInboundOutcome(receipt.message.id, outcome, at(6)),
      store.applyInboundOutcome(receipt.message.id, outcome, at(6)),
    ]);
    expect(results.filter((r) => r === null)).toHaveLength(1);
    expect(await store.applyInboundOutcome(receipt.message.id, outcome, at(7))).toBeNull();
    expect(await store.headSeq(rep.id)).toBe(2);
    expect(await store.listNudges(rep.id, 10)).toHaveLength(1);
    expect(await store.usage([m], rep.id)).toEqual([{ ...outcome.usage[0], count: 1 }]);
    expect(await store.listActivity(lead.id, 10)).toHaveLength(1);
  });

  it('has no outcome to commit for a message it did not receive', async () => {
    const store = s.store();
    const rep = await makeUser(store);
    const lead = await makeLead(store, rep.id);
    expect(
      await store.applyInboundOutcome('msg_nobody', outcomeFor(rep.id, lead.id, 'msg_nobody', month()), at()),
    ).toBeNull();
    expect(await store.headSeq(rep.id)).toBe(0);
  });
});
