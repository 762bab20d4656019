// The sync's writer on its own: frames in (raw bytes and parsed), one transaction per batch,
// acks only after the commit, unreadable events skipped with the cursor moved past them, a
// closed link's frames dropped, and `exclusive` keeping main-connection writes out of a batch.
// Both ways it runs: the worker thread (loaded through tsx here, bundled in the app) and the
// main-thread fallback.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SyncEngine } from '../../main/core/sync';
import { LocalStore, type BatchOutcome } from '../../main/core/store/local-store';
import { writerWorkerSource } from '../../main/core/store/store-writer';
import { inbound, iso } from './support/fixtures';
import type { SequencedEvent } from '../../shared/stream-protocol';

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function setup(inlineWriter: boolean) {
  const dir = mkdtempSync(path.join(tmpdir(), 'converse-writer-'));
  dirs.push(dir);
  const store = LocalStore.open(path.join(dir, 'converse.db'));
  const acks: { seq: number; link: number }[] = [];
  const outcomes: BatchOutcome[] = [];
  const errors: unknown[] = [];
  const live = new Set([1]);
  const sync = new SyncEngine({
    file: store.file, inlineWriter,
    ack: (seq, link) => acks.push({ seq, link }),
    isLive: (link) => live.has(link),
    onApplied: (o) => outcomes.push(o),
    onError: (err) => errors.push(err),
  });
  return { store, sync, acks, outcomes, errors, live };
}

const message = (seq: number, body = `message ${seq}`): SequencedEvent => ({ seq, at: iso(seq), event: { type: 'message.upserted', message: inbound('maria', body, iso(seq), 'sms', `m-${seq}`) } });
const frameBytes = (events: unknown[]) => new TextEncoder().encode(JSON.stringify({ type: 'events', events }));

describe.each([
  ['a worker thread', false],
  ['the main thread (fallback)', true],
])('store writer on %s', (_name, inlineWriter) => {
  it('applies raw and parsed frames, acks after the commit, and hands the views back', async () => {
    const { store, sync, acks, outcomes, errors } = setup(inlineWriter);
    expect(sync.writerKind).toBe('none');
    sync.enqueueUnparsed(frameBytes([1, 2, 3].map((s) => message(s))), 1);
    sync.enqueue([4, 5].map((s) => message(s)), 1);
    await sync.idle();
    expect(sync.writerKind).toBe(inlineWriter ? 'main-thread' : 'worker');
    expect(errors).toEqual([]);
    expect(store.state.committedSeq()).toBe(5);
    expect(acks.at(-1)).toEqual({ seq: 5, link: 1 });
    const views = outcomes.flatMap((o) => (o.messagesWire ?? []).flatMap(([, json]) => JSON.parse(json) as { id: string }[]));
    expect(views.map((v) => v.id)).toEqual(['m-1', 'm-2', 'm-3', 'm-4', 'm-5']);
    // In the search index within the same commit.
    expect(store.messages.search('message', 10)).toHaveLength(5);
    // A replay stores nothing twice.
    sync.enqueue([4, 5, 6].map((s) => message(s)), 1);
    await sync.idle();
    expect((store.db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n).toBe(6);
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
