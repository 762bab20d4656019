// Each user's event log (what the stream replays) and the desktops' acknowledgements: one part of
// the storage seam (server/storage/store.ts).
import type { LeadView } from '../../shared/domain';
import type { SequencedEvent, StreamEvent } from '../../shared/stream-protocol';
import type { AppendedEvent } from './records';

export interface EventLogStore {
  appendEvents(items: { userId: string; event: StreamEvent }[], at: string): Promise<AppendedEvent[]>;
  eventsAfter(userId: string, afterSeq: number, limit: number): Promise<SequencedEvent[]>;
  /** The same events as serialised SequencedEvent JSON, so a replay need not parse and re-serialise;
   * at most `maxChars` characters of JSON (one comma apiece counted), but always the first event. */
  eventsAfterJson(
    userId: string,
    afterSeq: number,
    limit: number,
    maxChars?: number,
  ): Promise<{ seq: number; json: string }[]>;
  headSeq(userId: string): Promise<number>;
  /** Heads of many users in one read (a node's periodic check that no doorbell was lost); users with no events are 0. */
  headSeqs(userIds: string[]): Promise<Map<string, number>>;
  /** Lead ids that lead.upserted events in this user's log carry. */
  leadIdsInLog(userId: string): Promise<string[]>;
  /** Rewrite this user's lead.upserted events, and nudges about those leads, as the given views (null: lead.removed), keeping seqs. */
  rewriteLeadEvents(userId: string, views: Map<string, LeadView | null>): Promise<number>;
  /** How far devices have acknowledged their users' logs (a device's seq never goes back; the same device twice keeps the highest). */
  recordAcks(acks: readonly DeviceAck[]): Promise<void>;
}

/** A device's acknowledgement: it has committed its user's log up to `seq`. */
export interface DeviceAck {
  userId: string;
  deviceId: string;
  seq: number;
  at: string;
}
