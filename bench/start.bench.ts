// Start: from spawning the app's process to "ready with data" — the conversation list with
// unread counts and the newest conversation's messages — on the 1,000,000-message store. The
// core runs bundled, as it ships. The median of several cold process starts is reported.
import { fork } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sharedBigStore } from '../tests/core/support/bench/shared-store';
import { bundleChild } from '../tests/core/support/bench/bundle';
import { percentile, type Benchmark } from './figures';

interface Ready {
  readyMs: number;
  uptimeMs: number;
  conversations: number;
  messages: number;
  unreadTotal: number;
  rssMb: number;
}

async function startOnce(file: string, dataDir: string): Promise<{ spawnToReadyMs: number; ready: Ready }> {
  const t0 = performance.now();
  const child = fork(file, [dataDir], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.on('message', (m: Ready & { type: string }) => {
      if (m.type === 'ready') resolve(m);
    });
    child.on('exit', (code) => reject(new Error(`the start child exited (${code}) before it was ready`)));
  });
  const spawnToReadyMs = performance.now() - t0;
  await new Promise((r) => child.once('exit', r));
  return { spawnToReadyMs, ready };
}

const bench: Benchmark = {
  name: 'start (1,000,000 messages, ready with data)',
  async run() {
    const { dir } = sharedBigStore();
    const file = await bundleChild('tests/core/support/bench/start-child.ts', 'start-child');
    // A copy, so the run cannot change the store the search benchmark reads.
    const dataDir = mkdtempSync(path.join(tmpdir(), 'converse-start-'));
    cpSync(path.join(dir, 'converse.db'), path.join(dataDir, 'converse.db'));
    const runs: { spawnToReadyMs: number; ready: Ready }[] = [];
    for (let i = 0; i < 5; i++) runs.push(await startOnce(file, dataDir));
    rmSync(dataDir, { recursive: true, force: true });
    const last = runs[runs.length - 1].ready;
    if (last.conversations === 0 || last.messages === 0) throw new Error('the app started without data');
    return [
      {
        name: 'start: spawn to ready with data (median of 5)',
        value: percentile(
          runs.map((r) => r.spawnToReadyMs),
          50,
        ),
        unit: 'ms',
        target: '< 1000',
      },
      {
        name: 'start: in-process time to ready (median)',
        value: percentile(
          runs.map((r) => r.ready.uptimeMs),
          50,
        ),
        unit: 'ms',
        target: null,
      },
      { name: 'start: RSS when ready', value: last.rssMb, unit: 'MB', target: null },
    ];
  },
};
export default bench;
