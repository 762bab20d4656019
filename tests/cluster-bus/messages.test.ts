// The bus messages (server/cluster/messages.ts) without Redis: what a node writes, it knows as
// its own without parsing it; what another node writes, it parses and validates.
import { describe, expect, it } from 'vitest';
import { eventsMessage, parseBusMessage, revokedMessage, seqsMessage, writtenBy } from '../../server/cluster/messages';

const event = {
  userId: 'usr_1',
  seq: 7,
  at: '2030-01-01T00:00:00.000Z',
  event: { type: 'lead.removed' as const, leadId: 'lead_1' },
};

describe('bus messages', () => {
  it('knows its own messages of every kind, and no other node’s, without parsing them', () => {
    const own = [
      eventsMessage('node-1', [event], 8192),
      eventsMessage('node-1', [event], 10), // too large: seqs only
      seqsMessage('node-1', [{ userId: 'usr_1', seq: 7 }]),
      revokedMessage('node-1', ['ses_1']),
    ];
    for (const text of own) {
      expect(writtenBy(text, 'node-1')).toBe(true);
      // Another node whose id starts with this one's, or is a prefix of it, is not this node.
      expect(writtenBy(text, 'node-10')).toBe(false);
      expect(writtenBy(text, 'node-')).toBe(false);
      expect(parseBusMessage(text).ok).toBe(true);
    }
    // A node id that needs escaping in JSON.
    expect(writtenBy(revokedMessage('n"1', ['ses_1']), 'n"1')).toBe(true);
    // Not a message at all, or one shaped otherwise.
    expect(writtenBy('not json', 'node-1')).toBe(false);
    expect(writtenBy(JSON.stringify({ kind: 'events', v: 1, node: 'node-1' }), 'node-1')).toBe(false);
  });
});
