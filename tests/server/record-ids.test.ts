// Record ids (server/storage/rows.ts): kind, then 32 hex digits, in the order they were made, so
// a table's key index grows at its end instead of at a random page per row.
import { expect, it } from 'vitest';
import { newId } from '../../server/storage/rows';

it('makes ids of the record’s kind that sort in the order they were made, and never twice', () => {
  const ids = Array.from({ length: 5_000 }, () => newId('msg'));
  for (const id of ids) expect(id).toMatch(/^msg_[0-9a-f]{32}$/);
  expect([...ids].sort()).toEqual(ids);
  expect(new Set(ids).size).toBe(ids.length);
});
