// Device acks written in batches (server/stream/ack-recorder.ts): one write for what arrives
// within the flush time, the highest seq per device, nothing lost when a write fails or the node stops.
import { expect, it } from 'vitest';
import { AckRecorder } from '../../server/stream/ack-recorder';
import type { DeviceAck } from '../../server/storage/event-log-store';
import { until } from '../support/eventually';

const ack = (deviceId: string, seq: number, at = `2030-01-01T00:00:0${seq % 10}.000Z`): DeviceAck => ({
  userId: 'usr_rita',
  deviceId,
  seq,
  at,
});

function recording(failures = 0) {
  const writes: DeviceAck[][] = [];
  let failing = failures;
  return {
    writes,
    store: {
      async recordAcks(acks: readonly DeviceAck[]) {
        if (failing-- > 0) throw new Error('connection terminated');
        writes.push([...acks]);
      },
    },
  };
}

it('writes the acks that arrive within the flush time in one write, the highest seq per device', async () => {
  const { writes, store } = recording();
  const acks = new AckRecorder(store, { flushMs: 20 });
  acks.record(ack('laptop', 3));
  acks.record(ack('phone', 1));
  acks.record(ack('laptop', 5));
  // A late, lower ack (one link's ack after another's) keeps the seq and refreshes the time.
  acks.record(ack('laptop', 4, '2030-01-01T00:00:09.000Z'));
  await until(() => writes.length === 1, { what: 'one batched write' });
  expect(writes[0]).toEqual([ack('laptop', 5, '2030-01-01T00:00:09.000Z'), ack('phone', 1)]);
  acks.record(ack('phone', 2));
  await until(() => writes.length === 2, { what: 'the next batch' });
  expect(writes[1]).toEqual([ack('phone', 2)]);
  await acks.close();
});

it('keeps the acks of a failed write for the next one, where newer acks win', async () => {
  const logs: string[] = [];
  const { writes, store } = recording(1);
  const acks = new AckRecorder(store, { flushMs: 20, log: (m) => logs.push(m) });
  acks.record(ack('laptop', 3));
  acks.record(ack('phone', 1));
  await until(() => logs.length === 1, { what: 'the failed write to be logged' });
  expect(logs[0]).toMatch(/2 device acks could not be recorded.*connection terminated/);
  acks.record(ack('laptop', 7));
  await until(() => writes.length === 1, { what: 'the retried write' });
  expect(writes[0]).toEqual(expect.arrayContaining([ack('laptop', 7), ack('phone', 1)]));
  expect(writes[0]).toHaveLength(2);
  await acks.close();
});

it('writes what waits when the node stops', async () => {
  const { writes, store } = recording();
  const acks = new AckRecorder(store, { flushMs: 60_000 });
  acks.record(ack('laptop', 9));
  await acks.close();
  expect(writes).toEqual([[ack('laptop', 9)]]);
});
