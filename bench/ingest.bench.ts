// Ingest: the desktop core (in its own process) applies a 100,000-message backlog received over
// a real WebSocket from a local server replaying recorded `events` frames. Reported beside the
// raw better-sqlite3 insert rate of the same rows in one transaction, into the same schema,
// measured in the same run; plus the core's event-loop delay during the sync and its RSS: at the
// end of the sync (the writer thread still up) and once settled (the thread ended when idle).
import { fork } from 'node:child_process';
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StreamServer } from '../tests/core/support/stream-server';
import { prng, vocabulary, FIRST_NAMES, LAST_NAMES } from '../tests/core/support/bench/big-store';
import { LocalStore } from '../main/core/store/local-store';
import { bundleChild } from '../tests/core/support/bench/bundle';
import { conversationIdOf, type MessageView } from '../shared/domain';
import type { SequencedEvent, StreamEvent } from '../shared/stream-protocol';
import type { Benchmark, Figure } from './figures';

const MESSAGES = 100_000;
const LEADS = 1_000;

function recordedBacklog(): { events: SequencedEvent[]; messages: MessageView[] } {
  const rand = prng(11);
  const words = vocabulary();
  const at = new Date(Date.now() - 86_400_000).toISOString();
  const base = Date.now() - 86_400_000;
  const events: StreamEvent[] = [];
  for (let i = 0; i < LEADS; i++) {
    events.push({
      type: 'lead.upserted',
      lead: {
        id: `lead-${i}`,
        firstName: FIRST_NAMES[i % FIRST_NAMES.length],
        lastName: LAST_NAMES[i % LAST_NAMES.length],
        email: null,
        phones: [{ handle: `ph-${i}`, display: '+1 415 555 0134', primary: true, masked: false, smsOptedOut: false }],
        ownerId: 'user-rita',
        ownerName: 'Rita Rep',
        customFields: {},
        masked: [],
        updatedAt: at,
      },
    });
  }
  const messages: MessageView[] = [];
  for (let m = 0; m < MESSAGES; m++) {
    const leadId = `lead-${m % LEADS}`;
    const channel = m % 3 === 0 ? 'whatsapp' : 'sms';
    const inbound = rand() < 0.5;
    const n = 6 + Math.floor(rand() * 12);
    const body = Array.from({ length: n }, () => words[Math.floor(words.length * rand() ** 3)]).join(' ');
    const t = new Date(base + m * 500).toISOString();
    const message: MessageView = {
      id: `msg-${m}`,
      clientId: inbound ? null : `client-${m}-abcdefgh`,
      conversationId: conversationIdOf(leadId, channel),
      leadId,
      channel,
      direction: inbound ? 'inbound' : 'outbound',
      body,
      phoneHandle: `ph-${m % LEADS}`,
      templateName: null,
      attachment: null,
      caption: null,
      status: inbound ? 'received' : 'delivered',
      error: null,
      authorUserId: inbound ? null : 'user-rita',
      createdAt: t,
      updatedAt: t,
    };
    messages.push(message);
    events.push({ type: 'message.upserted', message });
  }
  return { events: events.map((event, i) => ({ seq: i + 1, at, event })), messages };
}

/** The same rows, straight into the same schema with one prepared statement in one transaction. */
function rawInsertRate(dir: string, messages: MessageView[]): number {
  const store = LocalStore.open(path.join(dir, 'raw.db'));
  const insert = store.db
    .prepare(`INSERT INTO messages (id, server_id, client_id, conversation_id, lead_id, direction, status, body, created_ms, data)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const rows = messages.map(
    (m) =>
      [
        m.id,
        m.id,
        m.clientId,
        m.conversationId,
        m.leadId,
        m.direction,
        m.status,
        m.body,
        Date.parse(m.createdAt),
        JSON.stringify(m),
      ] as const,
  );
  const t = performance.now();
  store.db.transaction(() => {
    for (const r of rows) insert.run(...r);
    store.messages.indexPending(); // the same search index the app keeps
  })();
  const seconds = (performance.now() - t) / 1000;
  store.close();
  return rows.length / seconds;
}

/** Debug: the child's resident memory by kind of mapping (Linux only), in MB, largest first. */
function residentByMapping(pid: number | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  let smaps: string;
  try {
    smaps = readFileSync(`/proc/${pid}/smaps`, 'utf8');
  } catch {
    return out;
  }
  let kind = 'anon';
  for (const line of smaps.split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      const name = head[1].trim();
      kind = name === '' ? 'anon' : name.startsWith('/') ? `file ${path.basename(name)}` : name;
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) out[kind] = (out[kind] ?? 0) + Number(rss[1]) / 1024;
  }
  return Object.fromEntries(
    Object.entries(out)
      .filter(([, mb]) => mb >= 0.5)
      .sort((a, b) => b[1] - a[1])
      .map(([k, mb]) => [k, Math.round(mb * 10) / 10]),
  );
}

const bench: Benchmark = {
  name: 'ingest (100,000-message backlog over WebSocket)',
  async run(): Promise<Figure[]> {
    const dir = mkdtempSync(path.join(tmpdir(), 'converse-ingest-'));
    const { events, messages } = recordedBacklog();
    let helloAt = 0;
    let doneAt = 0;
    const head = events.length;
    let resolveDone!: () => void;
    const done = new Promise<void>((r) => {
      resolveDone = r;
    });
    const server = await new StreamServer({
      token: 'bench-token',
      // Flow control as the real gateway's: a 1 MB send buffer per connection, not a count of
      // unacknowledged events (the core's own socket pause is what pushes back).
      maxBufferedBytes: 1024 * 1024,
      onHello: () => {
        helloAt ||= performance.now();
      },
      onAck: (seq) => {
        if (seq === head && !doneAt) {
          doneAt = performance.now();
          resolveDone();
        }
      },
    }).start();
    server.load(events);
    const childFile = await bundleChild('tests/core/support/bench/ingest-child.ts', 'ingest-child');
    const child = fork(childFile, [server.url, 'bench-token', path.join(dir, 'core')], {
      execArgv: process.env.CONVERSE_BENCH_PROF
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.CONVERSE_BENCH_PROF}`]
        : [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const timeout = setTimeout(() => {
      child.kill();
      resolveDone();
    }, 180_000);
    await done;
    clearTimeout(timeout);
    if (!doneAt) {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
      throw new Error('the core did not acknowledge the whole backlog within 180 s');
    }
    // Done means searchable too: wait until the core's search index has caught up.
    const watch = new Database(path.join(dir, 'core', 'converse.db'), { readonly: true });
    const behind = () =>
      (
        watch.prepare('SELECT (SELECT max(seq) FROM messages) - (SELECT seq FROM search_watermark) AS n').get() as {
          n: number;
        }
      ).n;
    while (behind() > 0) await new Promise((r) => setTimeout(r, 5));
    doneAt = performance.now();
    watch.close();
    const report = await new Promise<{
      p99Ms: number;
      maxMs: number;
      rssMb: number;
      rssAtEndMb: number;
      settled: number;
      heapMb: number;
    }>((resolve, reject) => {
      child.on('message', (m: { type: string } & Record<string, number>) => {
        if (m.type === 'report') {
          if (process.env.CONVERSE_BENCH_DEBUG) console.error(m, resident);
          resolve(m as never);
        }
      });
      child.on('exit', (code) => reject(new Error(`ingest child exited (${code}) before reporting`)));
      const resident = process.env.CONVERSE_BENCH_DEBUG ? residentByMapping(child.pid) : null;
      child.send({ type: 'report' });
    });
    await new Promise((r) => child.once('exit', r));
    await server.stop();
    if (!report.settled)
      throw new Error('the core did not settle (its writer thread did not end) within 15 s of the sync');
    const coreRate = messages.length / ((doneAt - helloAt) / 1000);
    const rawRate = rawInsertRate(dir, messages);
    rmSync(dir, { recursive: true, force: true });
    return [
      { name: 'ingest: core, 100k messages over WebSocket', value: coreRate, unit: 'msgs/s', target: null },
      { name: 'ingest: raw better-sqlite3 insert, same rows', value: rawRate, unit: 'rows/s', target: null },
      { name: 'ingest: core / raw ratio', value: coreRate / rawRate, unit: '×', target: '>= 0.5' },
      { name: 'sync: event-loop delay p99', value: report.p99Ms, unit: 'ms', target: '< 20' },
      { name: 'sync: event-loop delay max', value: report.maxMs, unit: 'ms', target: null },
      { name: 'sync: RSS at the end of the sync', value: report.rssAtEndMb, unit: 'MB', target: null },
      { name: 'sync: RSS after sync, settled', value: report.rssMb, unit: 'MB', target: '<= 135' },
    ];
  },
};
export default bench;
