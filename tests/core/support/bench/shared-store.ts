// One big store per benchmark run, shared by the search and start benchmarks and removed when
// the run ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildBigStore, type BigStoreInfo } from './big-store';

let built: { dir: string; info: BigStoreInfo } | null = null;

export function sharedBigStore(): { dir: string; info: BigStoreInfo } {
  if (built) return built;
  const dir = mkdtempSync(path.join(tmpdir(), 'converse-bench-'));
  const info = buildBigStore(path.join(dir, 'converse.db'));
  built = { dir, info };
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return built;
}
