// One migration runner (shared/migrations.ts) for the server's database and the desktop's local
// store, and one DatabaseTooNewError: before, each side had its own class, so code that caught
// one (the desktop's start-up dialog looks for the name) missed the other's.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { DatabaseTooNewError, runMigrations, userVersion, type DatabaseOwner } from '../../shared/migrations';
import { CallErrorCode } from '../../shared/error-codes';
import { openDatabase } from '../../server/storage/sqlite';
import { MIGRATIONS as SERVER_MIGRATIONS } from '../../server/storage/migrations';
import { migrate, LATEST_VERSION } from '../../main/core/store/migrations';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'converse-runner-'));
  dirs.push(d);
  return path.join(d, 'x.db');
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const OWNER: DatabaseOwner = {
  database: 'The database',
  writer: 'a newer test',
  reader: 'this test',
  remedy: 'Do something.',
};
const table = (db: Database.Database, name: string) =>
  !!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name);

describe('the shared migration runner', () => {
  it('runs each step once, in order, up to a target', () => {
    const db = new Database(':memory:');
    const steps = [1, 2, 3].map((version) => ({ version, apply: () => db.exec(`CREATE TABLE t${version} (x)`) }));
    expect(runMigrations(db, steps, { file: 'm', owner: OWNER, target: 2 })).toBe(2);
    expect([table(db, 't1'), table(db, 't2'), table(db, 't3')]).toEqual([true, true, false]);
    expect(runMigrations(db, steps, { file: 'm', owner: OWNER })).toBe(3);
    expect(table(db, 't3')).toBe(true);
    db.close();
  });

  it('leaves the database at the last whole version when a step fails', () => {
    const db = new Database(':memory:');
    const steps = [
      { version: 1, apply: () => db.exec('CREATE TABLE a (x)') },
      {
        version: 2,
        apply: () => {
          db.exec('CREATE TABLE b (x)');
          throw new Error('step 2 broke');
        },
      },
    ];
    expect(() => runMigrations(db, steps, { file: 'm', owner: OWNER })).toThrow('step 2 broke');
    expect(userVersion(db)).toBe(1);
    expect(table(db, 'b')).toBe(false);
    db.close();
  });

  it("refuses a newer database without touching it, in the owner's words", () => {
    const db = new Database(':memory:');
    db.pragma('user_version = 9');
    const err = (() => {
      try {
        runMigrations(db, [{ version: 1, apply: () => db.exec('CREATE TABLE a (x)') }], { file: 'f.db', owner: OWNER });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(DatabaseTooNewError);
    expect(err).toMatchObject({
      name: 'DatabaseTooNewError',
      code: CallErrorCode.DATABASE_TOO_NEW,
      found: 9,
      supported: 1,
    });
    expect((err as Error).message).toBe(
      'The database f.db was written by a newer test (schema version 9; this test knows up to 1). Do something.',
    );
    expect([userVersion(db), table(db, 'a')]).toEqual([9, false]);
    db.close();
  });
});

describe('server and desktop refuse a newer database with the same error', () => {
  it('server: openDatabase', () => {
    const file = tmp();
    openDatabase(file).close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${SERVER_MIGRATIONS.length + 1}`);
    raw.close();
    expect(() => openDatabase(file)).toThrow(DatabaseTooNewError);
    expect(() => openDatabase(file)).toThrow(
      `was written by a newer Converse server (schema version ${SERVER_MIGRATIONS.length + 1}; this server knows up to ${SERVER_MIGRATIONS.length}). Upgrade the server`,
    );
  });

  it('desktop: migrate', () => {
    const db = new Database(tmp());
    db.pragma(`user_version = ${LATEST_VERSION + 1}`);
    expect(() => migrate(db, 'local.db')).toThrow(DatabaseTooNewError);
    expect(() => migrate(db, 'local.db')).toThrow(
      `The local database local.db was written by a newer Converse Desktop (schema version ${LATEST_VERSION + 1}; this app knows up to ${LATEST_VERSION}). Update the app`,
    );
    db.close();
  });
});
