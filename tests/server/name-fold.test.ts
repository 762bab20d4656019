// Server lead search folds names by the rule the desktop shares (shared/name-fold.ts); the
// migration rebuilds keys the old rule wrote (it dropped the Devanagari virama).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, SqliteStore } from '../../server/storage/sqlite';
import { MIGRATIONS } from '../../server/storage/migrations';
import { searchTokens } from '../../server/domain/names';
import { wholeWorkspace } from '../../server/storage/lead-scope';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'converse-fold-'));
  dirs.push(d);
  return path.join(d, 'c.db');
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('server lead-name folding', () => {
  it('rebuilds the name keys an older server wrote, so "प्रि" finds Priya again', async () => {
    const file = tmp();
    const refold = MIGRATIONS.findIndex((m) => m.includes('fold_name('));
    expect(refold).toBeGreaterThan(0);
    const old = openDatabase(file, MIGRATIONS.slice(0, refold));
    const at = '2026-11-24T10:00:00.000Z';
    // Keys as the \p{Diacritic} rule stored them: the virama of प्रि gone.
    old
      .prepare(
        `INSERT INTO leads (id, first_name, last_name, first_norm, last_norm, email, owner_id, custom_fields, created_at, updated_at)
      VALUES ('l1', 'प्रिया', 'Núñez', 'परिया', 'nunez', null, null, '{}', ?, ?)`,
      )
      .run(at, at);
    old.close();
    const store = new SqliteStore(file);
    const found = await store.searchLeads({
      tokens: searchTokens('प्रि'),
      scope: wholeWorkspace(),
      fields: ['first', 'last'],
      limit: 10,
    });
    expect(found.map((l) => l.id)).toEqual(['l1']);
    expect(
      await store.searchLeads({
        tokens: searchTokens('NUÑ'),
        scope: wholeWorkspace(),
        fields: ['first', 'last'],
        limit: 10,
      }),
    ).toHaveLength(1);
    await store.close();
  });

  it('finds Puri by "पुरी" and neither Priya nor Paras; Arabic with or without vowel signs', async () => {
    const store = new SqliteStore(tmp());
    const at = '2026-11-24T10:00:00.000Z';
    for (const [firstName, lastName] of [
      ['Aarav', 'पुरी'],
      ['प्रिया', 'Shah'],
      ['पारस', 'Mehta'],
      ['مُحَمَّد', 'Ali'],
      ['José', 'Núñez'],
    ]) {
      await store.createLead({ firstName, lastName, ownerId: null, phones: [] }, at);
    }
    const names = async (q: string) =>
      (
        await store.searchLeads({
          tokens: searchTokens(q),
          scope: wholeWorkspace(),
          fields: ['first', 'last'],
          limit: 10,
        })
      ).map((l) => `${l.firstName} ${l.lastName}`);
    expect(await names('पुरी')).toEqual(['Aarav पुरी']);
    expect(await names('पु')).toEqual(['Aarav पुरी']);
    expect(await names('محمد')).toEqual(['مُحَمَّد Ali']);
    expect(await names('jose nunez')).toEqual(['José Núñez']);
    await store.close();
  });
});
