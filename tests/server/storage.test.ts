// Migrations tracked in user_version; a newer database is refused with a clear message.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { openDatabase, DatabaseTooNewError, SqliteStore } from '../../server/storage/sqlite';
import { MIGRATIONS } from '../../server/storage/migrations';
import { normaliseName, searchTokens } from '../../server/domain/names';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'converse-db-'));
  dirs.push(d);
  return path.join(d, 'c.db');
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('storage', () => {
  it('runs migrations in order and records them in user_version', () => {
    const file = tmp();
    const db = openDatabase(file, MIGRATIONS.slice(0, 1));
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    // A later version adds a migration; only the new one runs.
    const next = [...MIGRATIONS, 'ALTER TABLE leads ADD COLUMN company TEXT;'];
    const db2 = openDatabase(file, next);
    expect(db2.pragma('user_version', { simple: true })).toBe(next.length);
    expect((db2.prepare('PRAGMA table_info(leads)').all() as { name: string }[]).map((c) => c.name)).toContain(
      'company',
    );
    db2.close();
  });

  it('refuses a database written by a newer server', () => {
    const file = tmp();
    openDatabase(file).close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${MIGRATIONS.length + 3}`);
    raw.close();
    expect(() => new SqliteStore(file)).toThrow(DatabaseTooNewError);
    expect(() => new SqliteStore(file)).toThrow(/newer Converse server.*Upgrade the server/);
  });

  it('keeps one lead per number and one event sequence per user', async () => {
    const store = new SqliteStore(tmp());
    const u = await store.createUser({ email: 'a@b.c', name: 'A', role: 'admin', passwordHash: 'x' });
    const at = new Date().toISOString();
    const made = await Promise.all(
      Array.from({ length: 5 }, () =>
        store.findOrCreateLeadByPhone(
          '+14155550111',
          () => ({ lead: { firstName: 'N', lastName: 'N', ownerId: u.id, phones: [{ e164: '+14155550111' }] } }),
          at,
        ),
      ),
    );
    expect(new Set(made.map((m) => m.lead.id)).size).toBe(1);
    expect(made.filter((m) => m.created)).toHaveLength(1);
    const a = await store.appendEvents(
      [
        { userId: u.id, event: { type: 'lead.removed', leadId: 'x' } },
        { userId: u.id, event: { type: 'lead.removed', leadId: 'y' } },
      ],
      at,
    );
    expect(a.map((e) => e.seq)).toEqual([1, 2]);
    expect((await store.eventsAfter(u.id, 1, 10)).map((e) => e.seq)).toEqual([2]);
    await store.close();
  });

  it('normalises names for search', () => {
    expect(normaliseName('  José   NÚÑEZ ')).toBe('jose nunez');
    expect(searchTokens('Ünal  Çelik')).toEqual(['unal', 'celik']);
  });
});

describe('restart', () => {
  it('marks sends interrupted by a stop as failed instead of sending them twice', async () => {
    const { startTestServer, signIn, api, connect, clientId } = await import('./support');
    const first = await startTestServer({
      env: { SANDBOX_AUTO_REPLY: 'off', SANDBOX_SENT_MS: '20', SANDBOX_DELIVERED_MS: '40' },
    });
    const rita = await signIn(first, 'rita@converse.demo');
    const maria = (await api(first, 'GET', '/leads?q=maria', rita)).body.leads[0];
    const sms = first.internals.sandbox.sms!;
    // The provider never answers before the stop.
    sms.send = () => new Promise(() => undefined);
    const c = await connect(first, rita, 0, 'restart');
    const id = clientId();
    c.send({ type: 'send', send: { clientId: id, leadId: maria.id, channel: 'sms', to: null, body: 'in flight' } });
    const accepted = await c.frame('send.accepted', (f) => f.clientId === id);
    c.close();
    // Stopping does not hang on the provider call that never returns.
    await first.close();
    const second = await startTestServer({ dataDir: first.dataDir });
    try {
      const m = await second.internals.store.getMessage(accepted.messageId);
      expect(m!.status).toBe('failed');
      expect(m!.error!.message).toMatch(/may not have been sent/);
    } finally {
      await second.stop();
    }
  });
});
