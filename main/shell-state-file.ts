// The Electron shell's own small state (window bounds, expanded or not), one JSON file in the
// user data folder. Read with zod: a damaged file means defaults, never a crash. Written via a
// temporary file and rename, so a crash mid-write cannot leave half a file.
import { readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { WindowBounds } from './shell-policy/window-bounds';

export const ShellState = z.object({
  compactBounds: WindowBounds.nullable().catch(null),
  expandedBounds: WindowBounds.nullable().catch(null),
  expanded: z.boolean().catch(false),
});
export type ShellState = z.infer<typeof ShellState>;

const EMPTY: ShellState = { compactBounds: null, expandedBounds: null, expanded: false };

export function readShellState(file: string): ShellState {
  try {
    const parsed = ShellState.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : { ...EMPTY };
  } catch {
    return { ...EMPTY };
  }
}

/** Coalesces bursts (a window drag fires dozens of moves) into one write. */
export function shellStateWriter(file: string, delayMs = 500): { save(s: ShellState): void; flush(): Promise<void> } {
  let pending: ShellState | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const write = async () => {
    timer = null;
    if (!pending) return;
    const s = pending;
    pending = null;
    const tmp = `${file}.tmp`;
    try {
      await writeFile(tmp, JSON.stringify(s), { mode: 0o600 });
      await rename(tmp, file);
    } catch (err) {
      console.error('converse: could not save the window state:', err);
    }
  };
  return {
    save(s) {
      pending = s;
      if (!timer) timer = setTimeout(() => void write(), delayMs);
    },
    async flush() {
      if (timer) clearTimeout(timer);
      await write();
    },
  };
}
