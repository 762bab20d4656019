// The server's SQLite file: the WAL is copied back into the database on a timer (a few
// checkpoints a second), not by SQLite's own checkpoint every 100 pages, which fsynced hundreds
// of times a second on the event loop under load (server/storage/sqlite/connection.ts).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { SqliteStore } from '../../server/storage/sqlite';
import { until } from '../support/eventually';

const dir = mkdtempSync(path.join(tmpdir(), 'converse-checkpoints-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('copies the WAL back on its timer while SQLite’s own checkpoint is only a distant bound', async () => {
  const file = path.join(dir, 'converse.db');
  const store = new SqliteStore(file);
  try {
    const before = statSync(file).size;
    // About 2 MB of webhooks: far below the 40 MB bound, so only the timer can copy them back.
    const body = Buffer.alloc(100_000, 'x');
    const at = new Date().toISOString();
    // Within one turn of the event loop (each save is synchronous inside), so no timer runs meanwhile.
    for (let i = 0; i < 20; i++) await store.saveWebhook('whatsapp', body, {}, at, { owner: 'n1', until: at });
    // No commit copied anything back (SQLite's own checkpoint, every 100 pages, would have, 5 times).
    expect(statSync(file).size).toBe(before);
    await until(() => statSync(file).size > before + 1_500_000, {
      timeoutMs: 3_000,
      what: 'the timer’s checkpoint to copy the WAL into the database file',
    });
  } finally {
    await store.close();
  }
});
