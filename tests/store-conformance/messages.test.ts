// Conversations and messages: sends deduplicated on the client id, arrivals once per provider id,
// the conversation's summary, read marks, pages of messages.
import { expect, it } from 'vitest';
import type { MessageRecord } from '../../server/storage/store';
import { forEachStore } from './stores';
import { at, inboundFrom, makeLead, makeUser, outboundTo, pendingOutbound, unique } from './fixtures';

forEachStore('conversations and messages', (s) => {
  it('stores an outbound message as pending and starts its conversation', async () => {
    const store = s.store();
    const rep = await makeUser(store);
    const lead = await makeLead(store, rep.id);
    const m = outboundTo(lead, rep, { at: at(10), templateId: 'tpl_1', templateName: 'Follow up', caption: null });
    const { message, duplicate } = await store.createOutbound(m);
    expect(duplicate).toBe(false);
    expect(message).toEqual(pendingOutbound(m, message.id, message.seq));
    expect(await store.getMessage(message.id)).toEqual(message);
    expect(await store.messageByClientId(m.clientId)).toEqual(message);
    expect(await store.getConversation(`${lead.id}:sms`)).toEqual({
      id: `${lead.id}:sms`,
      leadId: lead.id,
      channel: 'sms',
      assigneeId: null,
      lastMessageAt: at(10),
      lastMessagePreview: m.body,
      lastInboundAt: null,
    });
    expect(await store.getMessage('msg_nobody')).toBeNull();
    expect(await store.messageByClientId(unique('client'))).toBeNull();
    expect(await store.getConversation('lead_nobody:sms')).toBeNull();
  });

  it('returns the first message for a resent client id, even when both arrive at once', async () => {
    const store = s.store();
    const rep = await makeUser(store);
    const lead = await makeLead(store, rep.id);
    const m = outboundTo(lead, rep);
    const results = await Promise.all([
      store.createOutbound(m),
      store.createOutbound(m),
      store.createOutbound({ ...m, body: 'edited' }),
    ]);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    const first = results.find((r) => !r.duplicate)!.message;
    expect(results.map((r) => r.message)).toEqual([first, first, first]);
    expect(await store.messagesPage(first.conversationId, null, 10)).toEqual([first]);
  });

  it('previews a conversation by body, else caption, else its attachment, cut at 140 characters', async () => {
    const store = s.store();
    const rep = await makeUser(store);
    const lead = await makeLead(store, rep.id);
    const preview = async () => (await store.getConversation(`${lead.id}:sms`))!.lastMessagePreview;
    await store.createOutbound(outboundTo(lead, rep, { body: 'x'.repeat(200) }));
    expect(await preview()).toBe(`${'x'.repeat(139)}…`);
    const file = await store.createAttachment(
      {
        id: unique('att'),
        fileName: 'a.png',
        mimeType: 'image/png',
        size: 10,
        kind: 'image',
        path: 'a',
        uploadedBy: rep.id,
      },
      at(),
    );
    await store.createOutbound(outboundTo(lead, rep, { body: '', caption: 'See this', attachmentId: file.id }));
    expect(await preview()).toBe('See this');
    await store.createOutbound(outboundTo(lead, rep, { body: '', caption: null, attachmentId: file.id }));
    expect(await preview()).toBe('📎 Attachment');
  });

  it('stores an inbound message once per provider and provider id', async () => {
    const store = s.store();
    const lead = await makeLead(store, null);
    const m = inboundFrom(lead, { at: at(20), body: 'Yes please' });
    const { message, duplicate } = await store.createInbound(m);
    expect(duplicate).toBe(false);
    expect(message).toEqual({
      id: message.id,
      seq: message.seq,
      clientId: null,
      conversationId: `${lead.id}:sms`,
      leadId: lead.id,
      channel: 'sms',
      direction: 'inbound',
      body: 'Yes please',
      phoneId: lead.phones[0].id,
      templateId: null,
      templateName: null,
      attachment: null,
      caption: null,
      status: 'received',
      error: null,
      provider: 'sandbox',
      providerMessageId: m.providerMessageId,
      connector: null,
      authorUserId: null,
      createdAt: at(20),
      updatedAt: at(20),
    });
    expect(await store.createInbound({ ...m, body: 'redelivered' })).toEqual({ message, duplicate: true });
    const other = await store.createInbound({ ...m, provider: 'ctm' });
    expect(other.duplicate).toBe(false);
    expect(other.message.id).not.toBe(message.id);
  });

  it('moves the conversation’s last times forward only', async () => {
    const store = s.store();
    const lead = await makeLead(store, null);
    await store.createInbound(inboundFrom(lead, { at: at(50) }));
    // A delayed older message does not move the conversation back.
    await store.createInbound(inboundFrom(lead, { at: at(40) }));
    const conversation = (await store.getConversation(`${lead.id}:sms`))!;
    expect(conversation.lastMessageAt).toBe(at(50));
    expect(conversation.lastInboundAt).toBe(at(50));
  });

  it('lists a lead’s conversations by channel and assigns them', async () => {
    const store = s.store();
    const rep = await makeUser(store);
    const lead = await makeLead(store, rep.id);
    await store.createOutbound(outboundTo(lead, rep, { channel: 'whatsapp', provider: 'whatsapp', connector: 'wa' }));
    await store.createInbound(inboundFrom(lead));
    const [sms, whatsapp] = await store.listConversationsOfLead(lead.id);
    expect([sms.id, whatsapp.id]).toEqual([`${lead.id}:sms`, `${lead.id}:whatsapp`]);
    expect(await store.assignConversation(sms.id, rep.id)).toEqual({ ...sms, assigneeId: rep.id });
    expect(await store.getConversation(sms.id)).toEqual({ ...sms, assigneeId: rep.id });
    expect(await store.assignConversation(sms.id, null)).toEqual(sms);
    expect(await store.assignConversation('lead_nobody:sms', rep.id)).toBeNull();
    expect(await store.listConversationsOfLead('lead_nobody')).toEqual([]);
  });

  it('moves each user’s read mark forward only, whichever device sends it first', async () => {
    const store = s.store();
    const [rita, sam] = [await makeUser(store), await makeUser(store)];
    const lead = await makeLead(store, rita.id);
    const { message } = await store.createInbound(inboundFrom(lead));
    const id = message.conversationId;
    expect(await store.readUpTo(id, rita.id)).toBeNull();
    expect(await store.setReadUpTo(id, rita.id, at(30))).toBe(at(30));
    expect(await store.setReadUpTo(id, rita.id, at(20))).toBe(at(30));
    expect(await store.readUpTo(id, rita.id)).toBe(at(30));
    expect(await store.readUpTo(id, sam.id)).toBeNull();
    expect(await store.setReadUpTo(id, rita.id, at(35))).toBe(at(35));
  });

  it('pages a conversation’s messages oldest first, before a seq', async () => {
    const store = s.store();
    const rep = await makeUser(store);
    const lead = await makeLead(store, rep.id);
    const made: MessageRecord[] = [];
    for (let i = 0; i < 5; i++) {
      const { message } =
        i % 2
          ? await store.createInbound(inboundFrom(lead, { at: at(i) }))
          : await store.createOutbound(outboundTo(lead, rep, { at: at(i) }));
      made.push(message);
    }
    const id = made[0].conversationId;
    expect(made.map((m) => m.seq)).toEqual([...made.map((m) => m.seq)].sort((a, b) => a - b));
    expect(await store.messagesPage(id, null, 10)).toEqual(made);
    expect(await store.messagesPage(id, null, 2)).toEqual(made.slice(3));
    expect(await store.messagesPage(id, made[3].seq, 2)).toEqual(made.slice(1, 3));
    expect(await store.messagesPage(id, made[0].seq, 2)).toEqual([]);
  });
});
