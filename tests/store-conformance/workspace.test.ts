// The workspace settings: its time zone, the round-robin turn kept in the database, emptiness.
import { expect, it } from 'vitest';
import { forEachStore } from './stores';
import { makeUser } from './fixtures';

forEachStore('workspace', (s) => {
  it('is empty until its first user, and keeps its time zone (UTC until set)', async () => {
    const store = await s.freshStore();
    expect(await store.isEmpty()).toBe(true);
    expect(await store.workspaceTimeZone()).toBe('UTC');
    await makeUser(store, 'admin');
    expect(await store.isEmpty()).toBe(false);
    await store.setWorkspaceTimeZone('America/Chicago');
    expect(await store.workspaceTimeZone()).toBe('America/Chicago');
  });

  it('rotates the round-robin turn through the candidates, and has none for nobody', async () => {
    const store = await s.freshStore();
    const turns: (string | null)[] = [];
    for (let i = 0; i < 5; i++) turns.push(await store.takeRoundRobinTurn(['a', 'b', 'c']));
    expect(turns).toEqual(['a', 'b', 'c', 'a', 'b']);
    expect(await store.takeRoundRobinTurn([])).toBeNull();
    // The empty call took no turn.
    expect(await store.takeRoundRobinTurn(['a', 'b', 'c'])).toBe('c');
  });

  it('gives concurrent takers distinct turns', async () => {
    const store = s.store();
    const turns = await Promise.all(Array.from({ length: 12 }, () => store.takeRoundRobinTurn(['a', 'b', 'c'])));
    // Twelve turns over three candidates, whatever turn the counter started at: four each.
    expect(['a', 'b', 'c'].map((c) => turns.filter((t) => t === c).length)).toEqual([4, 4, 4]);
  });
});
