// Desktop migration 6: name keys rebuilt with the shared folding rule, so offline search agrees
// with the server's (tests with Devanagari, Arabic and accented names).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../../main/core/store/migrations';
import { LocalStore } from '../../main/core/store/local-store';
import type { LeadView } from '../../shared/domain';

const dirs: string[] = [];
const tmpFile = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'converse-keys-'));
  dirs.push(d);
  return path.join(d, 'converse.db');
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const lead = (id: string, firstName: string, lastName: string): LeadView =>
  ({
    id,
    firstName,
    lastName,
    email: null,
    phones: [],
    ownerId: null,
    customFields: {},
    updatedAt: '2026-11-24T10:00:00.000Z',
  }) as unknown as LeadView;

describe('desktop migration 6: name keys folded by the shared rule', () => {
  it('rebuilds keys a version-5 store wrote by stripping every mark', () => {
    const file = tmpFile();
    const db = new Database(file);
    migrate(db, file, 5);
    // What version 5 stored: \p{M} stripped, so Puri was keyed "पर".
    const insert = db.prepare(
      `INSERT INTO leads (id, first_name, last_name, email, updated_ms, data, first_key, last_key) VALUES (?, ?, ?, null, 1, '{}', ?, ?)`,
    );
    insert.run('l1', 'Aarav', 'पुरी', 'aarav', 'पर');
    insert.run('l2', 'प्रिया', 'Shah', 'परय', 'shah');
    insert.run('l3', 'مُحَمَّد', 'Núñez', 'محمد', 'nunez');
    expect(migrate(db, file)).toBeGreaterThanOrEqual(6);
    const keys = db.prepare('SELECT id, first_key, last_key FROM leads ORDER BY id').all();
    expect(keys).toEqual([
      { id: 'l1', first_key: 'aarav', last_key: 'पुरी' },
      { id: 'l2', first_key: 'प्रिया', last_key: 'shah' },
      { id: 'l3', first_key: 'محمد', last_key: 'nunez' },
    ]);
    db.close();
  });

  it('finds Puri by "पुरी" offline and not Priya or Paras; accents and Arabic vowel signs fold', () => {
    const s = LocalStore.open(tmpFile());
    for (const l of [
      lead('l1', 'Aarav', 'पुरी'),
      lead('l2', 'प्रिया', 'Shah'),
      lead('l3', 'पारस', 'Mehta'),
      lead('l4', 'José', 'Núñez'),
      lead('l5', 'مُحَمَّد', 'Ali'),
    ])
      s.leads.upsert(l);
    const names = (q: string) => s.leads.search(q, 10).map((l) => `${l.firstName} ${l.lastName}`);
    expect(names('पुरी')).toEqual(['Aarav पुरी']);
    expect(names('पु')).toEqual(['Aarav पुरी']);
    expect(names('प्रि')).toEqual(['प्रिया Shah']);
    expect(names('nunez')).toEqual(['José Núñez']);
    expect(names('JOS')).toEqual(['José Núñez']);
    expect(names('محمد')).toEqual(['مُحَمَّد Ali']);
    s.close();
  });
});
