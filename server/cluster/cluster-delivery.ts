// Live delivery on many nodes: appended events reach this node's connections at once and every
// other node through the bus; doorbells from other nodes reach the connections held here. What a
// connection receives is still checked against its log position (StreamConnection.offer and
// ring), so a doorbell that is late, doubled or lost costs at most a read of the log.
import type { LiveDelivery } from '../domain/publisher';
import type { AppendedEvent, Store } from '../storage/store';
import type { Hub } from '../stream/hub';
import { carriesEvent, type Doorbell } from './messages';

export class ClusterDelivery implements LiveDelivery {
  constructor(
    private readonly hub: Hub,
    private readonly publish: (events: AppendedEvent[]) => void,
  ) {}

  /** Events this node appended (committed): its own connections first, then the other nodes. */
  deliver(events: AppendedEvent[]) {
    if (events.length === 0) return;
    this.hub.deliver(events);
    this.publish(events);
  }

  /** Doorbells from another node: events that came along are offered, the rest ring (read the log). */
  received(doorbells: Doorbell[]) {
    const offered: AppendedEvent[] = [];
    const rings = new Map<string, number>();
    for (const d of doorbells) {
      if (carriesEvent(d)) offered.push({ userId: d.userId, seq: d.seq, at: d.at, event: d.event });
      else rings.set(d.userId, Math.max(d.seq, rings.get(d.userId) ?? 0));
    }
    if (offered.length > 0) this.hub.deliver(offered);
    for (const [userId, seq] of rings) this.hub.ring(userId, seq);
  }
}

/** How many users' heads one query reads. */
const HEADS_PER_READ = 500;

/**
 * Reads the heads of the users connected here and rings those whose connections are behind:
 * what catches a doorbell that was lost (Redis away, a message dropped). Resolves to the number
 * of connections that went to the log.
 */
export async function ringBehindHeads(hub: Hub, store: Pick<Store, 'headSeqs'>): Promise<number> {
  const userIds = hub.userIds();
  let reading = 0;
  for (let i = 0; i < userIds.length; i += HEADS_PER_READ) {
    const heads = await store.headSeqs(userIds.slice(i, i + HEADS_PER_READ));
    for (const [userId, head] of heads) if (head > 0) reading += hub.ring(userId, head);
  }
  return reading;
}
