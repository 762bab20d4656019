// "Nothing more will arrive" as a fact rather than a pause: the server's head sequence for the rep
// is acknowledged by their device (so every event up to it was committed, and applied, on the
// desktop) and the desktop's outbox is empty (nothing left to send or resend).
import type { ConnectionState } from '../../../shared/ipc';
import type { Harness } from './core-harness';
import type { RealServer } from './real-server';
import { until } from '../../support/eventually';

export async function settled(
  h: Harness,
  rs: RealServer,
  email = 'rita@converse.demo',
  timeoutMs = 10_000,
): Promise<void> {
  const head = await rs.headSeq(email);
  await until(
    async () => rs.ackedSeq(email) >= head && (await h.call<ConnectionState>('connection.get')).outboxSize === 0,
    {
      timeoutMs,
      what: `${email}'s head seq ${head} acknowledged by the desktop and an empty outbox`,
    },
  );
}

let markers = 0;

/**
 * Sends made so far have all reached the provider, as a fact: after `settled`, one more SMS goes
 * through the same outbox, link and send pipeline, and is seen at the provider. A late duplicate
 * of an earlier send would have reached the provider before it.
 */
export async function sendsDrained(h: Harness, rs: RealServer, sends: string[], timeoutMs = 10_000): Promise<void> {
  await settled(h, rs, 'rita@converse.demo', timeoutMs);
  const body = `drain marker ${++markers}`;
  await h.call('messages.send', {
    clientId: `drain-marker-${process.pid}-${markers}`,
    leadId: rs.maria.id,
    channel: 'sms',
    to: null,
    body,
  });
  await until(() => sends.includes(body), { timeoutMs, what: `the marker send "${body}" at the provider` });
}

/**
 * Nudges so far have all been offered to the notification policy, as a fact: after `settled`,
 * Maria writes once more and that nudge is seen offered. The policy takes nudges in order, so a
 * late duplicate of an earlier one would have been offered before it.
 */
export async function nudgesDrained(h: Harness, rs: RealServer, timeoutMs = 10_000): Promise<void> {
  await settled(h, rs, 'rita@converse.demo', timeoutMs);
  const body = `nudge marker ${++markers}`;
  await rs.mariaWrites(body);
  await until(() => h.nudgeResults.some((r) => r.nudge.body === body), {
    timeoutMs,
    what: `the marker nudge "${body}" offered`,
  });
}
