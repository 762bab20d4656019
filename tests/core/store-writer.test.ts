// The sync's writer on its own: frames in (raw bytes and parsed), one transaction per batch,
// acks only after the commit, unreadable events skipped with the cursor moved past them, a
// closed link's frames dropped, `exclusive` keeping main-connection writes out of a batch, and a
// closed writer writing nothing more.
// Both ways it runs: the worker thread (loaded through tsx here, bundled in the app) and the
// main-thread fallback.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SyncEngine } from '../../main/core/sync';
import { LocalStore, type BatchOutcome } from '../../main/core/store/local-store';
import { writerWorkerSource } from '../../main/core/store/store-writer';
import { BatchWriter, type WriterOutput } from '../../main/core/store/batch-writer';
import { inbound, iso } from './support/fixtures';
import { until } from '../support/eventually';
import type { SequencedEvent } from '../../shared/stream-protocol';
import { conversationIdOf } from '../../shared/domain';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function setup(inlineWriter: boolean) {
  const dir = mkdtempSync(path.join(tmpdir(), 'converse-writer-'));
  dirs.push(dir);
  const store = LocalStore.open(path.join(dir, 'converse.db'));
  const acks: { seq: number; link: number }[] = [];
  const outcomes: BatchOutcome[] = [];
  const errors: unknown[] = [];
  const live = new Set([1]);
  const sync = new SyncEngine({
    file: store.file,
    inlineWriter,
    // The thread's cases give it every frame, however small (sync-writers.ts gives a trickle to the main thread).
    threadFromEvents: 0,
    ack: (seq, link) => acks.push({ seq, link }),
    isLive: (link) => live.has(link),
    onApplied: (o) => outcomes.push(o),
    onError: (err) => errors.push(err),
  });
  return { store, sync, acks, outcomes, errors, live };
}

const message = (seq: number, body = `message ${seq}`): SequencedEvent => ({
  seq,
  at: iso(seq),
  event: { type: 'message.upserted', message: inbound('maria', body, iso(seq), 'sms', `m-${seq}`) },
});
const frameBytes = (events: unknown[]) => new TextEncoder().encode(JSON.stringify({ type: 'events', events }));

describe.each([
  ['a worker thread', false],
  ['the main thread (fallback)', true],
])('store writer on %s', (_name, inlineWriter) => {
  it('applies raw and parsed frames, acks after the commit, and hands back the views of watched conversations', async () => {
    const { store, sync, acks, outcomes, errors } = setup(inlineWriter);
    expect(sync.writerKind).toBe('none');
    sync.watch(conversationIdOf('maria', 'sms'));
    sync.enqueueUnparsed(frameBytes([1, 2, 3].map((s) => message(s))), 1);
    sync.enqueue(
      [4, 5].map((s) => message(s)),
      1,
    );
    await sync.idle();
    expect(sync.writerKind).toBe(inlineWriter ? 'main-thread' : 'worker');
    expect(errors).toEqual([]);
    expect(store.state.committedSeq()).toBe(5);
    expect(acks.at(-1)).toEqual({ seq: 5, link: 1 });
    const views = outcomes.flatMap((o) =>
      (o.messagesWire ?? []).flatMap(([, json]) => JSON.parse(json) as { id: string }[]),
    );
    expect(views.map((v) => v.id)).toEqual(['m-1', 'm-2', 'm-3', 'm-4', 'm-5']);
    // In the search index within the same commit.
    expect(store.messages.search('message', 10)).toHaveLength(5);
    // A replay stores nothing twice.
    sync.enqueue(
      [4, 5, 6].map((s) => message(s)),
      1,
    );
    await sync.idle();
    expect((store.db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n).toBe(6);
    await sync.close();
    store.close();
  });

  it('builds no views for conversations nobody watches, and names watched ones a batch could not list', async () => {
    const { store, sync, outcomes, errors } = setup(inlineWriter);
    const other = (seq: number): SequencedEvent => ({
      seq,
      at: iso(seq),
      event: { type: 'message.upserted', message: inbound('ada', `to ada ${seq}`, iso(seq), 'sms', `a-${seq}`) },
    });
    sync.enqueue([message(1), other(2)], 1);
    await sync.idle();
    expect(errors).toEqual([]);
    expect(outcomes.at(-1)?.messagesWire).toEqual([]);
    expect([...(outcomes.at(-1)?.conversations ?? [])].sort()).toEqual([
      conversationIdOf('ada', 'sms'),
      conversationIdOf('maria', 'sms'),
    ]);
    // Watched from now on: the next batch lists Ada's conversation and only hers.
    sync.watch(conversationIdOf('ada', 'sms'));
    sync.enqueue([message(3), other(4)], 1);
    await sync.idle();
    const wire = outcomes.at(-1)?.messagesWire ?? [];
    expect(wire.map(([id]) => id)).toEqual([conversationIdOf('ada', 'sms')]);
    expect((JSON.parse(wire[0][1]) as { id: string }[]).map((m) => m.id)).toEqual(['a-4']);
    expect(outcomes.at(-1)?.viewsStale ?? []).toEqual([]);
    // Watched while a batch was already on its way: the engine names it for a read-back.
    sync.enqueue([message(5)], 1);
    sync.watch(conversationIdOf('maria', 'sms'));
    await sync.idle();
    const last = outcomes.at(-1)!;
    const listed = (last.messagesWire ?? []).map(([id]) => id);
    expect(
      listed.includes(conversationIdOf('maria', 'sms')) ||
        (last.viewsStale ?? []).includes(conversationIdOf('maria', 'sms')),
    ).toBe(true);
    await sync.close();
    store.close();
  });

  it('skips events it cannot read but moves the cursor past them, and ignores a frame that is not JSON', async () => {
    const { store, sync } = setup(inlineWriter);
    sync.enqueue([message(1), { seq: 2, at: iso(2), event: { type: 'from.the.future' } }], 1);
    sync.enqueueUnparsed(new TextEncoder().encode('{ not json'), 1);
    await sync.idle();
    expect(store.state.committedSeq()).toBe(2);
    expect(sync.invalidEvents).toBe(1);
    await sync.close();
    store.close();
  });

  it('writes nothing once close resolves: what was handed over but not committed is replayed into the next writer', async () => {
    const { store } = setup(inlineWriter);
    const outcomes: BatchOutcome[] = [];
    const errors: unknown[] = [];
    let closing: Promise<void> | null = null;
    const sync = new SyncEngine({
      file: store.file,
      inlineWriter,
      threadFromEvents: 0,
      maxBatchEvents: 20,
      ack: () => {},
      isLive: () => true,
      onApplied: (o) => {
        outcomes.push(o);
        // Closed as soon as the first batch is committed, with the rest of the backlog handed over.
        closing ??= sync.close();
      },
      onError: (err) => errors.push(err),
    });
    const total = 2_000;
    for (let s = 1; s <= total; s += 20)
      sync.enqueue(
        Array.from({ length: 20 }, (_, i) => message(s + i)),
        1,
      );
    await until(() => closing !== null, { what: 'the first batch committed' });
    await closing;
    const atClose = store.state.committedSeq();
    expect(atClose).toBeGreaterThan(0);
    expect(atClose).toBeLessThan(total);

    // The server replays everything after the committed sequence to the next writer: had the
    // closed one gone on committing, the replay would meet its rows (duplicates) or a cursor past it.
    const next = new SyncEngine({
      file: store.file,
      inlineWriter,
      threadFromEvents: 0,
      ack: () => {},
      isLive: () => true,
      onApplied: (o) => outcomes.push(o),
      onError: (err) => errors.push(err),
    });
    const closedWith = outcomes.length;
    next.enqueue(
      Array.from({ length: total - atClose }, (_, i) => message(atClose + 1 + i)),
      1,
    );
    await next.idle();
    expect(errors).toEqual([]);
    const replayed = outcomes.slice(closedWith);
    expect(replayed.reduce((n, o) => n + o.duplicates, 0)).toBe(0);
    expect(store.state.committedSeq()).toBe(total);
    expect((store.db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n).toBe(total);
    await next.close();
    store.close();
  });

  it('drops what a closed link delivered, and runs exclusive work between batches', async () => {
    const { store, sync, live } = setup(inlineWriter);
    live.delete(1);
    sync.enqueue([message(1)], 1);
    sync.dropLink(1);
    await sync.idle();
    expect(store.state.committedSeq()).toBe(0);
    live.add(2);
    sync.enqueue([message(1), message(2)], 2);
    await sync.exclusive(() => store.state.setCommittedSeq(0));
    await sync.idle();
    const n = (store.db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n;
    expect(n).toBe(2);
    await sync.close();
    store.close();
  });
});

it('finds the bundled writer next to a bundle and the TypeScript entry next to the source', () => {
  const fromSource = writerWorkerSource();
  expect(fromSource?.kind).toBe('tsx');
  const dir = mkdtempSync(path.join(tmpdir(), 'converse-bundle-'));
  dirs.push(dir);
  expect(writerWorkerSource(`file://${dir}/electron-main.js`)).toBeNull();
});

describe('BatchWriter: frames written one at a time inside one transaction', () => {
  const open = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'converse-batch-'));
    dirs.push(dir);
    return LocalStore.open(path.join(dir, 'converse.db'));
  };

  it('applies every waiting frame in ONE commit that moves the cursor past them all', () => {
    const store = open();
    const out: WriterOutput[] = [];
    const writer = new BatchWriter(store, 6_000, (o) => out.push(o));
    writer.accept({ type: 'raw-frame', id: 1, link: 1, raw: frameBytes([1, 2].map((s) => message(s))) });
    writer.accept({ type: 'raw-frame', id: 2, link: 1, events: [3, 4].map((s) => message(s)) });
    writer.accept({ type: 'raw-frame', id: 3, link: 1, raw: frameBytes([5].map((s) => message(s))) });
    writer.step();
    expect(writer.hasWork).toBe(false);
    const applied = out.filter((o) => o.type === 'applied');
    expect(applied).toHaveLength(1);
    expect(applied[0]).toMatchObject({ consumed: [1, 2, 3], events: 5, outcome: { seq: 5 } });
    expect(store.state.committedSeq()).toBe(5);
    expect(store.messages.search('message', 10)).toHaveLength(5);
    store.close();
  });

  it('commits nothing of any frame when the batch fails after some frames were written', () => {
    const store = open();
    const out: WriterOutput[] = [];
    const writer = new BatchWriter(store, 6_000, (o) => out.push(o));
    // The batch's last step (conversation previews) fails after both frames' rows went in.
    store.conversations.touch = () => {
      throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' });
    };
    writer.accept({ type: 'raw-frame', id: 1, link: 1, raw: frameBytes([1, 2].map((s) => message(s))) });
    writer.accept({ type: 'raw-frame', id: 2, link: 1, events: [3].map((s) => message(s)) });
    writer.step();
    expect(out).toEqual([
      { type: 'failed', consumed: [1, 2], error: { message: 'disk I/O error', code: 'SQLITE_IOERR' } },
    ]);
    expect(store.state.committedSeq()).toBe(0);
    expect((store.db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n).toBe(0);
    store.close();
  });

  it('pulls frames from its source one batch at a time, and skips those of a closed link', () => {
    const store = open();
    const out: WriterOutput[] = [];
    const source = [
      { type: 'raw-frame' as const, id: 1, link: 1, raw: frameBytes([1, 2].map((s) => message(s))) },
      { type: 'raw-frame' as const, id: 2, link: 1, events: [3, 4].map((s) => message(s)) },
      { type: 'raw-frame' as const, id: 3, link: 1, events: [5].map((s) => message(s)) },
      { type: 'raw-frame' as const, id: 4, link: 2, events: [6].map((s) => message(s)) },
      // A new connection numbers its links from 1 again: a later frame of "link 2" is not dropped.
      { type: 'raw-frame' as const, id: 5, link: 2, events: [7].map((s) => message(s)) },
    ];
    // Batches of at most 3 events: frames 1 and 2, then frame 3, then frame 5; frame 4's link closed.
    const writer = new BatchWriter(
      store,
      3,
      (o) => out.push(o),
      null,
      () => source.shift(),
    );
    writer.accept({ type: 'drop', link: 2, upToId: 4 });
    writer.step();
    expect(writer.hasWork).toBe(true);
    expect(source).toHaveLength(3); // frame 3 is still at the source
    writer.step();
    writer.step();
    writer.step();
    expect(writer.hasWork).toBe(false);
    expect(out.filter((o) => o.type !== 'log').map((o) => [o.type, 'consumed' in o ? o.consumed : []])).toEqual([
      ['applied', [1, 2]],
      ['skipped', [4]],
      ['applied', [3]],
      ['applied', [5]],
    ]);
    expect(store.state.committedSeq()).toBe(7);
    store.close();
  });

  it('reports frames with nothing readable as skipped, not applied', () => {
    const store = open();
    const out: WriterOutput[] = [];
    const writer = new BatchWriter(store, 6_000, (o) => out.push(o));
    writer.accept({ type: 'raw-frame', id: 1, link: 1, events: [] });
    writer.step();
    expect(out).toEqual([{ type: 'skipped', consumed: [1] }]);
    expect(store.state.committedSeq()).toBe(0);
    store.close();
  });
});

it.each([
  ['the writer thread', false],
  ['the main-thread fallback', true],
])('%s checkpoints the WAL into the database once the backlog has drained', async (_name, inlineWriter) => {
  const { store, sync, errors } = setup(inlineWriter);
  const sizeOf = () => statSync(store.file).size;
  const before = sizeOf();
  sync.enqueueUnparsed(
    frameBytes(Array.from({ length: 400 }, (_, i) => message(i + 1, `checkpointed message ${i} `.repeat(8)))),
    1,
  );
  await sync.idle();
  expect(errors).toEqual([]);
  // Written to the WAL by the commit; copied into the database file only by the idle checkpoint.
  await until(() => sizeOf() > before + 100_000, {
    timeoutMs: 3_000,
    what: 'the idle checkpoint to grow the database file',
  });
  await sync.close();
  store.close();
});

describe('which writer writes: the main thread for a trickle, the thread for a backlog', () => {
  function engine(o: { threadIdleEndMs?: number } = {}) {
    const dir = mkdtempSync(path.join(tmpdir(), 'converse-writers-'));
    dirs.push(dir);
    const store = LocalStore.open(path.join(dir, 'converse.db'));
    const acks: number[] = [];
    const errors: unknown[] = [];
    const logs: string[] = [];
    const sync = new SyncEngine({
      file: store.file,
      threadIdleEndMs: o.threadIdleEndMs,
      ack: (seq) => acks.push(seq),
      isLive: () => true,
      onApplied: () => {},
      onError: (err) => errors.push(err),
      log: (line) => logs.push(line),
    });
    /** Every event up to `seq` committed once, acknowledged in order (no batch overtook another), then closed. */
    const allCommittedInOrder = async (seq: number) => {
      expect(errors).toEqual([]);
      expect(store.state.committedSeq()).toBe(seq);
      expect((store.db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n).toBe(seq);
      expect(acks).toEqual([...acks].sort((a, b) => a - b));
      await sync.close();
      store.close();
    };
    return { sync, logs, allCommittedInOrder };
  }
  const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => message(from + i));

  it('writes live events on the main thread, a backlog on the thread, which ends when idle and starts again', async () => {
    const { sync, logs, allCommittedInOrder } = engine({ threadIdleEndMs: 50 });
    const writtenOn = async (kind: 'main-thread' | 'worker', hand: () => void) => {
      hand();
      await sync.idle();
      expect(sync.writerKind).toBe(kind);
    };
    await writtenOn('main-thread', () => sync.enqueue(range(1, 2), 1));
    await writtenOn('worker', () => sync.enqueueUnparsed(frameBytes(range(3, 300)), 1));
    // Nothing more to write: the thread ends; a live event after that is written on the main thread.
    await until(() => logs.some((l) => l.includes('the writer thread ended')), { what: 'the idle thread to end' });
    await writtenOn('main-thread', () => sync.enqueue(range(303, 1), 1));
    // The next backlog starts a thread again.
    await writtenOn('worker', () => sync.enqueueUnparsed(frameBytes(range(304, 300)), 1));
    await allCommittedInOrder(603);
  });

  it('lets the main thread commit what it holds before the thread takes a backlog that came behind it', async () => {
    const { sync, allCommittedInOrder } = engine();
    // Live frames handed to the main thread, then a backlog while they are not yet committed.
    for (let s = 1; s <= 20; s += 2) sync.enqueue(range(s, 2), 1);
    for (let s = 21; s <= 2_020; s += 500) sync.enqueueUnparsed(frameBytes(range(s, 500)), 1);
    await sync.idle();
    expect(sync.writerKind).toBe('worker');
    await allCommittedInOrder(2_020);
  });
});
