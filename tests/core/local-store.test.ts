// The local store as the sync engine and the renderer use it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalStore } from '../../main/core/store/local-store';
import type { SequencedEvent, StreamEvent } from '../../shared/stream-protocol';
import { conversation, inbound, iso, lead, nudge } from './support/fixtures';

let dir: string;
let store: LocalStore;
let seq = 0;
const ev = (...events: StreamEvent[]): SequencedEvent[] => events.map((event) => ({ seq: ++seq, at: iso(0), event }));

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'converse-store-'));
  store = LocalStore.open(path.join(dir, 'converse.db'));
  seq = 0;
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('local store', () => {
  it('applies a batch in one transaction and moves the committed sequence with it', () => {
    const out = store.applyEvents(
      ev(
        { type: 'lead.upserted', lead: lead('l1', 'Maria', 'Garcia') },
        { type: 'conversation.upserted', conversation: conversation('l1', 'sms', iso(1000)) },
        { type: 'message.upserted', message: inbound('l1', 'Hola, is the offer still open?', iso(1000)) },
      ),
    );
    expect(out.seq).toBe(3);
    expect(store.state.committedSeq()).toBe(3);
    expect(store.conversations.list(10, new Set())[0]).toMatchObject({ leadName: 'Maria Garcia', unreadCount: 1 });
  });

  it('skips events at or below the committed sequence, so a replay stores nothing twice', () => {
    const batch = ev(
      { type: 'message.upserted', message: inbound('l1', 'one', iso(1), 'sms', 'm1') },
      { type: 'message.upserted', message: inbound('l1', 'two', iso(2), 'sms', 'm2') },
    );
    store.applyEvents(batch);
    const again = store.applyEvents(batch);
    expect(again.duplicates).toBe(2);
    expect(store.messages.page('l1:sms', null, 10).messages.map((m) => m.body)).toEqual(['one', 'two']);
  });

  it('rolls back the whole batch, cursor included, when one event fails', () => {
    store.applyEvents(ev({ type: 'message.upserted', message: inbound('l1', 'first', iso(1), 'sms', 'm1') }));
    const broken = { ...inbound('l1', 'x', 'not a date'), createdAt: 'garbage' };
    const bad: SequencedEvent[] = [
      {
        seq: 2,
        at: iso(0),
        event: { type: 'message.upserted', message: inbound('l1', 'second', iso(2), 'sms', 'm2') },
      },
      {
        seq: 3,
        at: iso(0),
        event: { type: 'message.upserted', message: { ...broken, body: null as unknown as string } },
      },
    ];
    expect(() => store.applyEvents(bad)).toThrow();
    expect(store.state.committedSeq()).toBe(1);
    expect(store.messages.page('l1:sms', null, 10).messages.map((m) => m.body)).toEqual(['first']);
  });

  it('keeps the local id of a message this device sent when the server echoes it', () => {
    const local = {
      ...inbound('l1', 'See you at 5', iso(5)),
      id: 'local:c-123456789',
      clientId: 'c-123456789',
      direction: 'outbound' as const,
      status: 'pending' as const,
    };
    store.messages.insertLocal(local, {
      clientId: 'c-123456789',
      leadId: 'l1',
      channel: 'sms',
      to: null,
      body: 'See you at 5',
    });
    store.applyEvents(ev({ type: 'message.upserted', message: { ...local, id: 'srv-1', status: 'delivered' } }));
    const page = store.messages.page('l1:sms', null, 10).messages;
    expect(page).toHaveLength(1);
    expect(page[0]).toMatchObject({ id: 'local:c-123456789', status: 'delivered' });
    // a later status event finds it by the server id
    store.applyEvents(ev({ type: 'message.upserted', message: { ...local, id: 'srv-1', status: 'read' } }));
    expect(store.messages.get('local:c-123456789')?.status).toBe('read');
  });

  it('counts unread inbound messages after the read mark, which only moves forward', () => {
    store.applyEvents(
      ev(
        { type: 'message.upserted', message: inbound('l1', 'a', iso(1000)) },
        { type: 'message.upserted', message: inbound('l1', 'b', iso(2000)) },
        { type: 'message.upserted', message: inbound('l2', 'c', iso(3000)) },
        { type: 'conversation.read', conversationId: 'l1:sms', readUpTo: iso(1000) },
      ),
    );
    expect(store.conversations.unreadAll()).toEqual({ 'l1:sms': 1, 'l2:sms': 1 });
    store.applyEvents(ev({ type: 'conversation.read', conversationId: 'l1:sms', readUpTo: iso(0) }));
    expect(store.conversations.unreadOf('l1:sms')).toBe(1);
    store.applyEvents(ev({ type: 'conversation.read', conversationId: 'l1:sms', readUpTo: iso(2000) }));
    expect(store.conversations.unreadOf('l1:sms')).toBe(0);
  });

  it('finds leads by first or last name, as a prefix while typing, ignoring accents', () => {
    store.applyEvents(
      ev(
        { type: 'lead.upserted', lead: lead('l1', 'Maria', 'Garcia') },
        { type: 'lead.upserted', lead: lead('l2', 'José', 'Núñez') },
      ),
    );
    expect(store.leads.search('garcia', 10).map((l) => l.id)).toEqual(['l1']);
    expect(store.leads.search('Mar', 10).map((l) => l.id)).toEqual(['l1']);
    expect(store.leads.search('jose nunez', 10).map((l) => l.id)).toEqual(['l2']);
    expect(store.leads.search('Núñ', 10).map((l) => l.id)).toEqual(['l2']);
    expect(store.leads.search('m', 10).map((l) => l.id)).toEqual(['l1']);
    // FTS syntax in the input is text, never an error
    expect(store.leads.search('"AND (', 10)).toEqual([]);
  });

  it('searches messages newest first and pages a conversation oldest first with a cursor', () => {
    const events: StreamEvent[] = [];
    for (let i = 0; i < 25; i++)
      events.push({ type: 'message.upserted', message: inbound('l1', `quote number ${i}`, iso(i * 1000)) });
    store.applyEvents(ev(...events));
    expect(store.messages.search('quote', 3).map((m) => m.body)).toEqual([
      'quote number 24',
      'quote number 23',
      'quote number 22',
    ]);
    const first = store.messages.page('l1:sms', null, 10);
    expect(first.messages.map((m) => m.body)[0]).toBe('quote number 15');
    const second = store.messages.page('l1:sms', first.before, 10);
    expect(second.messages.map((m) => m.body)).toEqual(Array.from({ length: 10 }, (_, i) => `quote number ${i + 5}`));
    const third = store.messages.page('l1:sms', second.before, 10);
    expect(third.messages).toHaveLength(5);
    expect(third.before).toBeNull();
    expect(() => store.messages.page('l1:sms', 'nonsense', 10)).toThrow(/page cursor/);
  });

  it('stores a replayed nudge once', () => {
    const n = nudge('n1', 'assignment', 'l1', iso(0));
    expect(store.applyEvents(ev({ type: 'nudge', nudge: n })).nudges).toHaveLength(1);
    expect(store.applyEvents(ev({ type: 'nudge', nudge: n })).nudges).toHaveLength(0);
    expect(store.state.nudges(10)).toHaveLength(1);
  });

  it('forgets a removed lead with its conversations and messages', () => {
    store.applyEvents(
      ev(
        { type: 'lead.upserted', lead: lead('l1', 'Maria', 'Garcia') },
        { type: 'message.upserted', message: inbound('l1', 'hello', iso(1)) },
        { type: 'lead.removed', leadId: 'l1' },
      ),
    );
    expect(store.leads.get('l1')).toBeNull();
    expect(store.conversations.list(10, new Set())).toEqual([]);
    expect(store.messages.search('hello', 10)).toEqual([]);
  });

  const ftsCheck = () =>
    store.db.prepare("INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)").run();

  it('keeps the search index sound when the newest messages leave with a removed lead', () => {
    store.applyEvents(
      ev(
        { type: 'message.upserted', message: inbound('l1', 'older words', iso(1), 'sms', 'm1') },
        { type: 'message.upserted', message: inbound('l2', 'gone soon', iso(2), 'sms', 'm2') },
      ),
    );
    store.applyEvents(ev({ type: 'lead.removed', leadId: 'l2' }));
    // The next row reuses the removed row's id; it must still be indexed, and editing it later must not corrupt the index.
    store.applyEvents(ev({ type: 'message.upserted', message: inbound('l1', 'fresh words', iso(3), 'sms', 'm3') }));
    expect(store.messages.search('fresh', 10).map((m) => m.id)).toEqual(['m3']);
    store.applyEvents(
      ev({ type: 'message.upserted', message: inbound('l1', 'fresh words edited', iso(3), 'sms', 'm3') }),
    );
    expect(() => ftsCheck()).not.toThrow();
    expect(store.messages.search('edited', 10).map((m) => m.id)).toEqual(['m3']);
  });

  it("wipes into a sound, empty search index that indexes the next rep's messages", () => {
    store.applyEvents(
      ev(
        ...[1, 2, 3, 4].map((i) => ({
          type: 'message.upserted' as const,
          message: inbound('l1', `first rep ${i}`, iso(i), 'sms', `a${i}`),
        })),
      ),
    );
    store.state.setOwner('u1', 'http://127.0.0.1:1');
    store.wipe();
    seq = 0;
    store.applyEvents(
      ev({ type: 'message.upserted', message: inbound('l9', 'second rep hello', iso(9), 'sms', 'b1') }),
    );
    expect(store.messages.search('hello', 10).map((m) => m.id)).toEqual(['b1']);
    expect(store.messages.search('first', 10)).toEqual([]);
    store.wipe();
    expect(() => ftsCheck()).not.toThrow();
  });

  it('parks the outbox on a wipe under its rep and gives it back only to that rep', () => {
    const m = {
      ...inbound('l1', 'unsent words', iso(5), 'sms', 'local:c-0001'),
      direction: 'outbound' as const,
      status: 'pending' as const,
      clientId: 'c-0001',
    };
    const request = { clientId: 'c-0001', leadId: 'l1', channel: 'sms' as const, to: null, body: 'unsent words' };
    store.transaction(() => {
      store.messages.insertLocal(m, request);
      store.state.addOutbox({ clientId: 'c-0001', messageId: m.id, request, createdMs: 5, attempts: 1 });
    });
    store.state.setOwner('rita', 'http://127.0.0.1:9/');
    store.wipe();
    expect(store.state.outboxSize()).toBe(0);
    expect(store.messages.search('unsent', 10)).toEqual([]);
    expect(store.restoreParked('sam', 'http://127.0.0.1:9')).toBe(0);
    expect(store.restoreParked('rita', 'http://127.0.0.1:9')).toBe(1); // the same server, written without the slash
    expect(store.state.outbox().map((o) => [o.clientId, o.attempts])).toEqual([['c-0001', 1]]);
    expect(store.messages.search('unsent', 10).map((x) => x.id)).toEqual(['local:c-0001']);
    expect(store.restoreParked('rita', 'http://127.0.0.1:9')).toBe(0); // once

    // No owner on record: kept aside, never handed to whoever signs in next.
    store.state.setOwner('rita', 'http://127.0.0.1:9');
    store.db.prepare('UPDATE sync_cursor SET user_id = NULL, server_url = NULL').run();
    expect(() => store.wipe()).not.toThrow();
    expect(store.state.outboxSize()).toBe(0);
    expect(store.state.setting<unknown[]>('outbox.parked:unknown')).toHaveLength(1);
    expect(store.restoreParked('rita', 'http://127.0.0.1:9')).toBe(0);
  });
});
