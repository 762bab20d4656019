// The server's SQLite file: the WAL is copied back into the database many times a second while it
// is being written, off the event loop (a thread of its own, else a timer), not by SQLite's own checkpoint every 100 pages,
// which fsynced hundreds of times a second on the event loop under load
// (server/storage/sqlite/checkpoints.ts, connection.ts).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { SqliteStore, openDatabase } from '../../server/storage/sqlite';
import { startCheckpoints } from '../../server/storage/sqlite/checkpoints';
import { until } from '../support/eventually';

const dir = mkdtempSync(path.join(tmpdir(), 'converse-checkpoints-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshFile = () => path.join(dir, `converse-${++files}.db`);

/** About 2 MB written in one turn of the event loop (so no checkpoint can run meanwhile), far below SQLite's own 40 MB bound. */
function writeTwoMegabytes(db: ReturnType<typeof openDatabase>): void {
  db.exec('CREATE TABLE IF NOT EXISTS filler (body BLOB)');
  const insert = db.prepare('INSERT INTO filler (body) VALUES (?)');
  for (let i = 0; i < 20; i++) insert.run(Buffer.alloc(100_000, 'x'));
}

const grown = (file: string, before: number) =>
  until(() => statSync(file).size > before + 1_500_000, {
    timeoutMs: 5_000,
    what: 'a checkpoint to copy the WAL into the database file',
  });

it('copies the server’s WAL back on its own schedule, never in a commit', async () => {
  const file = freshFile();
  const store = new SqliteStore(file);
  try {
    const before = statSync(file).size;
    const at = new Date().toISOString();
    // Saved in one turn: one group commit (sqlite/turn-commit.ts), and no checkpoint runs meanwhile.
    const body = Buffer.alloc(100_000, 'x');
    await Promise.all(
      Array.from({ length: 20 }, () => store.saveWebhook('whatsapp', body, {}, at, { owner: 'n1', until: at })),
    );
    // No commit copied anything back (SQLite's own checkpoint, every 100 pages, would have, 5 times).
    expect(statSync(file).size).toBe(before);
    await grown(file, before);
  } finally {
    await store.close();
  }
});

it('checkpoints on a thread of its own with its own connection', async () => {
  const file = freshFile();
  const db = openDatabase(file);
  const checkpoints = startCheckpoints(db, { file, everyMs: 50 });
  try {
    await until(() => checkpoints.where === 'thread', { what: 'the checkpoint thread to open its connection' });
    const before = statSync(file).size;
    writeTwoMegabytes(db);
    expect(statSync(file).size).toBe(before);
    await grown(file, before);
  } finally {
    await checkpoints.stop();
    db.close();
  }
});

it('checks less often once a checkpoint found nothing to copy (an idle server’s thread sleeps)', async () => {
  const file = freshFile();
  const db = openDatabase(file);
  const checkpoints = startCheckpoints(db, { file, everyMs: 20, quietMs: 60_000 });
  try {
    await until(() => checkpoints.where === 'thread', { what: 'the checkpoint thread to open its connection' });
    // Its first checkpoint (after 20 ms) finds an empty WAL; the next is a minute away.
    await new Promise((r) => setTimeout(r, 300));
    const before = statSync(file).size;
    writeTwoMegabytes(db);
    await new Promise((r) => setTimeout(r, 500));
    expect(statSync(file).size).toBe(before);
  } finally {
    await checkpoints.stop();
    db.close();
  }
});

it('checkpoints on a timer on this thread when the thread cannot load the module', async () => {
  const file = freshFile();
  const db = openDatabase(file);
  const checkpoints = startCheckpoints(db, { file, everyMs: 50, module: path.join(dir, 'no-such-module.js') });
  try {
    await until(() => checkpoints.where === 'timer', { what: 'the timer to take over from the failed thread' });
    const before = statSync(file).size;
    writeTwoMegabytes(db);
    await grown(file, before);
  } finally {
    await checkpoints.stop();
    db.close();
  }
});

it('lets a process whose last work is closing the store finish it (the CLI’s case)', () => {
  // The checkpoint thread does not hold a process open; closing waits for it, and must hold it
  // open for that long, or Node ends the process with the close unsettled (exit code 13).
  const script = `
    import { SqliteStore } from './server/storage/sqlite.ts';
    const store = new SqliteStore(${JSON.stringify(freshFile())});
    await store.close();
    console.log('closed');
  `;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: path.resolve(__dirname, '../..'),
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(run.stdout.trim()).toBe('closed');
});
