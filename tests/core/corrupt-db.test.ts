// A damaged database never stops the app: it is set aside, a fresh one is made, the rep is
// told, and everything comes back from the server.
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  openSync,
  writeSync,
  closeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalStore } from '../../main/core/store/local-store';
import { StreamServer } from './support/stream-server';
import { makeCore } from './support/core-harness';
import { inbound, lead } from './support/fixtures';
import { eventually } from '../support/eventually';
import type { ConversationSummary } from '../../shared/ipc';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'converse-corrupt-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('corrupt local database', () => {
  it('moves a file that is not a database aside and starts fresh', () => {
    const file = path.join(dir, 'converse.db');
    writeFileSync(file, 'this is not an SQLite database, just bytes '.repeat(200));
    const store = LocalStore.open(file, () => new Date('2026-11-24T10:00:00Z'));
    expect(store.recoveredFrom).toBe(`${file}.corrupt-2026-11-24T10-00-00-000Z`);
    expect(readFileSync(store.recoveredFrom!, 'utf8')).toContain('not an SQLite database');
    expect(store.state.committedSeq()).toBe(0);
    store.close();
  });

  it('detects a database whose schema pages were overwritten', () => {
    const file = path.join(dir, 'converse.db');
    const s = LocalStore.open(file);
    s.applyEvents([
      { seq: 1, at: new Date().toISOString(), event: { type: 'lead.upserted', lead: lead('l1', 'Maria', 'Garcia') } },
    ]);
    s.db.pragma('wal_checkpoint(TRUNCATE)');
    s.close();
    // keep the 100-byte header, trash the rest of the first pages (schema and table roots)
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(16_000, 0xab), 0, 16_000, 100);
    closeSync(fd);
    const store = LocalStore.open(file);
    expect(store.recoveredFrom).not.toBeNull();
    expect(store.leads.get('l1')).toBeNull();
    store.close();
  });

  it('still starts the app, tells the rep, and resyncs everything from sequence 0', async () => {
    const server = await new StreamServer().start();
    server.append(
      { type: 'lead.upserted', lead: lead('maria', 'Maria', 'Garcia') },
      { type: 'message.upserted', message: inbound('maria', 'still here?', new Date().toISOString()) },
    );
    writeFileSync(path.join(dir, 'converse.db'), Buffer.alloc(8192, 7));
    const h = makeCore({ dataDir: dir, serverUrl: server.url, token: server.token });
    try {
      await h.core.start();
      await eventually(() => h.of('notice').some((n) => n.kind === 'database-recovered'), {
        timeoutMs: 5_000,
        what: 'notice',
      });
      expect(h.of('notice')[0].message).toMatch(/damaged.*downloaded again/);
      await eventually(async () => (await h.call<ConversationSummary[]>('conversations.list', {})).length === 1, {
        timeoutMs: 5_000,
        what: 'resynced',
      });
      expect(server.hellos[0].lastSeq).toBe(0);
      expect(h.of('notice').filter((n) => n.kind === 'database-recovered')).toHaveLength(1);
      expect(readdirSync(dir).some((f) => f.startsWith('converse.db.corrupt-'))).toBe(true);
    } finally {
      await h.core.stop();
      await server.stop();
    }
  });

  it('does not touch the file when it is only locked or missing', () => {
    const file = path.join(dir, 'nested', 'converse.db');
    const store = LocalStore.open(file);
    expect(store.recoveredFrom).toBeNull();
    expect(existsSync(file)).toBe(true);
    store.close();
  });
});
