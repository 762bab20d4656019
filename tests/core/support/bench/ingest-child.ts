// The desktop core alone in its own process for the ingest benchmark: it syncs from the given
// server while its event-loop delay is sampled, then reports that and its memory twice: at the
// end of the sync, and once it has settled (the writer thread ended, sync-writers.ts).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createDesktopCore } from '../../../../main/core/index';

const [serverUrl, token, dataDir] = process.argv.slice(2);
mkdirSync(dataDir, { recursive: true });
let saved: { serverUrl: string; token: string } | null = { serverUrl, token };
let threadEnded: () => void = () => {};
const settled = new Promise<void>((resolve) => {
  threadEnded = resolve;
});
const core = createDesktopCore({
  dataDir: path.join(dataDir),
  log: (line) => {
    if (line.includes('the writer thread ended')) threadEnded();
  },
  notifier: { show: async () => ({ status: 'shown' }) },
  credentials: {
    load: async () => saved,
    save: async (v) => {
      saved = v;
    },
    clear: async () => {
      saved = null;
    },
  },
  shell: {
    setExpanded: async (e) => e,
    toggle: async () => true,
    showWindow: () => {},
    openExternal: async () => false,
    shortcutStatus: () => ({ accelerator: 'Alt+M', registered: false, error: null }),
    setUnreadCount: () => {},
    setLaunchAtLogin: () => {},
  },
});
const rssAtStartMb = process.memoryUsage().rss / 1024 / 1024;
const delay = monitorEventLoopDelay({ resolution: 2 });
delay.enable();
await core.start();
process.send!({ type: 'started' });
process.on('message', (m: { type: string }) => {
  if (m.type === 'report') void report();
});

async function report(): Promise<void> {
  delay.disable();
  const atEnd = process.memoryUsage();
  // Settled: nothing more to write, the thread gone (bounded: a writer that never ends says so by its figure).
  const settledIn = await Promise.race([
    settled.then(() => true),
    new Promise<boolean>((r) => setTimeout(() => r(false), 15_000)),
  ]);
  const mem = process.memoryUsage();
  process.send!(
    {
      type: 'report',
      rssAtEndMb: atEnd.rss / 1024 / 1024,
      settled: settledIn ? 1 : 0,
      p99Ms: delay.percentile(99) / 1e6,
      maxMs: delay.max / 1e6,
      meanMs: delay.mean / 1e6,
      rssMb: mem.rss / 1024 / 1024,
      heapMb: mem.heapUsed / 1024 / 1024,
      externalMb: mem.external / 1024 / 1024,
      rssAtStartMb,
      heapTotalMb: mem.heapTotal / 1024 / 1024,
      arrayBuffersMb: mem.arrayBuffers / 1024 / 1024,
    },
    () => {
      void core.stop().then(() => process.exit(0));
    },
  );
}
