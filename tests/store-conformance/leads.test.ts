// Leads and their numbers, and who sees them: an admin sees every lead; anyone else the leads
// they own or have a conversation assigned (server/storage/lead-scope.ts states the rule).
import { expect, it } from 'vitest';
import { wholeWorkspace, leadScope } from '../../server/storage/lead-scope';
import type { LeadRecord, Store, UserRecord } from '../../server/storage/store';
import { forEachStore } from './stores';
import { at, makeLead, makeUser, newPhone, outboundTo, unique, uniqueWord } from './fixtures';

/** Assign the lead's SMS conversation (started by one message) to `assignee`. */
async function assign(store: Store, lead: LeadRecord, author: UserRecord, assignee: UserRecord) {
  const { message } = await store.createOutbound(outboundTo(lead, author));
  return store.assignConversation(message.conversationId, assignee.id);
}

forEachStore('leads and phones', (s) => {
  it('creates a lead with its numbers (the first primary unless one says), found by id, number and external id', async () => {
    const store = s.store();
    const owner = await makeUser(store, 'sales', 'Olga Owner');
    const [p1, p2] = [newPhone(), newPhone()];
    const externalId = unique('crm');
    const lead = await store.createLead(
      {
        firstName: 'José',
        lastName: 'Núñez',
        email: 'jose@example.com',
        ownerId: owner.id,
        customFields: { Company: 'Acme' },
        externalId,
        phones: [
          { e164: p1, label: 'home' },
          { e164: p2, label: 'mobile', primary: true },
        ],
      },
      at(1),
    );
    expect(lead).toEqual({
      id: lead.id,
      firstName: 'José',
      lastName: 'Núñez',
      email: 'jose@example.com',
      ownerId: owner.id,
      ownerName: 'Olga Owner',
      customFields: { Company: 'Acme' },
      phones: [
        { id: lead.phones[0].id, leadId: lead.id, e164: p1, label: 'home', primary: false },
        { id: lead.phones[1].id, leadId: lead.id, e164: p2, label: 'mobile', primary: true },
      ],
      createdAt: at(1),
      updatedAt: at(1),
      externalId,
    });
    expect(await store.getLead(lead.id)).toEqual(lead);
    expect(await store.leadByPhone(p2)).toEqual(lead);
    expect(await store.leadByExternalId(externalId)).toEqual(lead);
    expect(await store.getPhone(lead.phones[1].id)).toEqual(lead.phones[1]);
    expect(await store.getLead('lead_nobody')).toBeNull();
    expect(await store.leadByPhone(newPhone())).toBeNull();
    expect(await store.leadByExternalId(unique('crm'))).toBeNull();
    expect(await store.getPhone('ph_nobody')).toBeNull();
  });

  it('fills the defaults of a lead with no owner, email, fields or external id', async () => {
    const store = s.store();
    const e164 = newPhone();
    const lead = await store.createLead(
      { firstName: 'Ann', lastName: 'Lee', ownerId: null, phones: [{ e164 }] },
      at(2),
    );
    expect(lead).toEqual({
      id: lead.id,
      firstName: 'Ann',
      lastName: 'Lee',
      email: null,
      ownerId: null,
      ownerName: null,
      customFields: {},
      phones: [{ id: lead.phones[0].id, leadId: lead.id, e164, label: null, primary: true }],
      createdAt: at(2),
      updatedAt: at(2),
      externalId: null,
    });
  });

  it('keeps a number on one lead only', async () => {
    const store = s.store();
    const lead = await makeLead(store, null);
    await expect(makeLead(store, null, { phones: [{ e164: lead.phones[0].e164 }] })).rejects.toThrow();
    expect(await store.leadByPhone(lead.phones[0].e164)).toEqual(lead);
  });

  it('updates a lead: names, owner, fields, and its numbers with a new primary', async () => {
    const store = s.store();
    const [olga, sam] = [await makeUser(store, 'sales', 'Olga'), await makeUser(store, 'sales', 'Sam')];
    const [a, b, c] = [newPhone(), newPhone(), newPhone()];
    const lead = await makeLead(store, olga.id, { phones: [{ e164: a }, { e164: b }] }, at(1));
    const updated = await store.updateLead(
      lead.id,
      {
        firstName: 'Mary',
        ownerId: sam.id,
        customFields: { Stage: 'won' },
        phones: [{ e164: b }, { e164: c, primary: true }],
      },
      at(9),
    );
    expect(updated).toEqual({
      ...lead,
      firstName: 'Mary',
      ownerId: sam.id,
      ownerName: 'Sam',
      customFields: { Stage: 'won' },
      phones: expect.any(Array),
      updatedAt: at(9),
    });
    const byNumber = [...updated!.phones].sort((x, y) => x.e164.localeCompare(y.e164));
    expect(byNumber.map((p) => ({ e164: p.e164, primary: p.primary }))).toEqual(
      [
        { e164: b, primary: false },
        { e164: c, primary: true },
      ].sort((x, y) => x.e164.localeCompare(y.e164)),
    );
    // The dropped number no longer finds the lead; the new one does.
    expect(await store.leadByPhone(a)).toBeNull();
    expect(await store.leadByPhone(c)).toEqual(updated);
    expect(await store.updateLead('lead_nobody', { firstName: 'x' }, at(9))).toBeNull();
  });

  it('keeps a number the lead has messages with, even when an update leaves it out', async () => {
    const store = s.store();
    const rep = await makeUser(store);
    const [a, b] = [newPhone(), newPhone()];
    const lead = await makeLead(store, rep.id, { phones: [{ e164: a }] });
    await store.createOutbound(outboundTo(lead, rep));
    const updated = await store.updateLead(lead.id, { phones: [{ e164: b }] }, at(5));
    expect(updated!.phones.map((p) => p.e164).sort()).toEqual([a, b].sort());
    expect(updated!.phones.find((p) => p.primary)!.e164).toBe(b);
    // The number messages went to keeps its id: the messages still point at it.
    expect(updated!.phones.find((p) => p.e164 === a)!.id).toBe(lead.phones[0].id);
    expect(await store.leadByPhone(a)).toEqual(updated);
  });

  it('finds or creates the lead of an unknown number once, however many ask at once', async () => {
    const store = s.store();
    const e164 = newPhone();
    let made = 0;
    const make = () => {
      made++;
      return { lead: { firstName: 'New', lastName: 'Lead', ownerId: null, phones: [{ e164 }] } };
    };
    const results = await Promise.all(
      Array.from({ length: 5 }, () => store.findOrCreateLeadByPhone(e164, make, at(3))),
    );
    expect(new Set(results.map((r) => r.lead.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(results[0].lead).toEqual(await store.leadByPhone(e164));
    // A known number never asks for a new lead.
    const madeBefore = made;
    const again = await store.findOrCreateLeadByPhone(e164, make, at(4));
    expect(again).toEqual({ lead: results[0].lead, created: false });
    expect(made).toBe(madeBefore);
  });
});

forEachStore('lead scope', (s) => {
  it('lets an admin see every lead, a rep the leads they own or are assigned', async () => {
    const store = s.store();
    const [admin, rita, sam] = [await makeUser(store, 'admin'), await makeUser(store), await makeUser(store)];
    const owned = await makeLead(store, rita.id);
    const assigned = await makeLead(store, sam.id);
    const others = await makeLead(store, sam.id);
    await assign(store, assigned, sam, rita);
    const ritaScope = leadScope(rita);
    expect(leadScope(admin)).toEqual(wholeWorkspace());
    expect(await store.leadInScope(ritaScope, owned.id)).toBe(true);
    expect(await store.leadInScope(ritaScope, assigned.id)).toBe(true);
    expect(await store.leadInScope(ritaScope, others.id)).toBe(false);
    expect(await store.leadInScope(leadScope(admin), others.id)).toBe(true);
    expect(await store.leadInScope(leadScope(admin), 'lead_nobody')).toBe(false);
  });

  it('lists a scope by last name, first name, with limit and offset', async () => {
    const store = s.store();
    const rita = await makeUser(store);
    const [c, a, b] = [
      await makeLead(store, rita.id, { firstName: 'Zoe', lastName: 'Adams' }),
      await makeLead(store, rita.id, { firstName: 'Amy', lastName: 'Adams' }),
      await makeLead(store, rita.id, { firstName: 'Bob', lastName: 'Brown' }),
    ];
    const scope = leadScope(rita);
    expect(await store.listLeads({ scope, limit: 10, offset: 0 })).toEqual([a, c, b]);
    expect(await store.listLeads({ scope, limit: 2, offset: 1 })).toEqual([c, b]);
  });

  it('searches names by every token, exact or prefix, accent-free, names typed in full first', async () => {
    const store = s.store();
    const rita = await makeUser(store);
    const tag = uniqueWord();
    const Tag = tag[0].toUpperCase() + tag.slice(1);
    const prefixOnly = await makeLead(store, rita.id, { firstName: 'Aaron', lastName: `${Tag}ez` });
    const exact = await makeLead(store, rita.id, { firstName: Tag, lastName: 'Zúñiga' });
    const maria = await makeLead(store, rita.id, { firstName: 'María', lastName: `${Tag}ov` });
    const scope = leadScope(rita);
    const search = (tokens: string[], fields: ('first' | 'last')[] = ['first', 'last'], limit = 10) =>
      store.searchLeads({ tokens, scope, fields, limit });
    expect(await search([tag])).toEqual([exact, prefixOnly, maria]);
    expect(await search([tag], ['last'])).toEqual([prefixOnly, maria]);
    expect(await search(['maria', tag])).toEqual([maria]);
    expect(await search(['zuniga', tag])).toEqual([exact]);
    expect(await search([tag.slice(2)])).toEqual([]);
    expect(await search([tag], ['first', 'last'], 1)).toEqual([exact]);
    expect(await search([])).toEqual([]);
    expect(await search([tag], [])).toEqual([]);
  });

  it('searches only within the scope', async () => {
    const store = s.store();
    const [admin, rita, sam] = [await makeUser(store, 'admin'), await makeUser(store), await makeUser(store)];
    const tag = uniqueWord();
    const ritas = await makeLead(store, rita.id, { lastName: tag });
    const sams = await makeLead(store, sam.id, { lastName: tag, firstName: 'Zed' });
    const q = { tokens: [tag], fields: ['last' as const], limit: 10 };
    expect(await store.searchLeads({ ...q, scope: leadScope(rita) })).toEqual([ritas]);
    expect(await store.searchLeads({ ...q, scope: leadScope(admin) })).toEqual([ritas, sams]);
  });

  it("names a lead's audience: active admins, its owner and its conversations' assignees", async () => {
    const store = await s.freshStore();
    const admin = await makeUser(store, 'admin');
    const retired = await makeUser(store, 'admin');
    await store.updateUser(retired.id, { active: false });
    const [owner, assignee, stranger] = [await makeUser(store), await makeUser(store), await makeUser(store)];
    const lead = await makeLead(store, owner.id);
    await assign(store, lead, owner, assignee);
    expect((await store.leadAudience(lead.id)).sort()).toEqual([admin.id, owner.id, assignee.id].sort());
    await store.updateUser(owner.id, { active: false });
    expect((await store.leadAudience(lead.id)).sort()).toEqual([admin.id, assignee.id].sort());
    expect(await store.leadAudience('lead_nobody')).toEqual([admin.id]);
    expect(stranger.id).not.toBe(admin.id);
  });
});
