// The desktop's log file: levelled JSON lines in <data dir>/logs/converse.log, rotated by size,
// with no token or secret in any line; the core writes its connection changes and failures there.
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CoreLog } from '../../main/core/log';
import { makeCore, type Harness } from './support/core-harness';
import { eventually } from './support/fixtures';

const newDir = () => mkdtempSync(path.join(tmpdir(), 'converse-log-'));
const readLines = (file: string) =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { time: string; level: string; msg: string });

describe('the desktop log file', () => {
  it('writes levelled JSON lines, leaves out lines below its level and secrets in any line', () => {
    const dir = newDir();
    const log = new CoreLog({ dir, level: 'info', now: () => new Date('2026-11-20T10:00:00Z') });
    log.info('[connection] connected');
    log.debug('[sync] a detail nobody asked for');
    log.warn('[connection] socket error: GET http://127.0.0.1:4781/#token=abc123 Authorization: Bearer tok-9f8e7d');
    log.error('[sync] could not apply events: disk I/O error');
    log.close();
    const lines = readLines(path.join(dir, 'converse.log'));
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      ['info', '[connection] connected'],
      ['warn', '[connection] socket error: GET http://127.0.0.1:4781/#token=[redacted] Authorization: [redacted]'],
      ['error', '[sync] could not apply events: disk I/O error'],
    ]);
    expect(lines[0].time).toBe('2026-11-20T10:00:00.000Z');
  });

  it('rotates before a file passes its size, keeping the newest files only', () => {
    const dir = newDir();
    const log = new CoreLog({ dir, maxBytes: 1000, files: 3 });
    for (let i = 0; i < 100; i++) log.info(`[sync] line ${String(i).padStart(3, '0')} ${'x'.repeat(60)}`);
    log.close();
    expect(readdirSync(dir).sort()).toEqual(['converse.log', 'converse.log.1', 'converse.log.2']);
    for (const f of readdirSync(dir)) expect(readFileSync(path.join(dir, f)).length).toBeLessThanOrEqual(1000);
    // The newest line is in the current file, and the files follow each other without a gap.
    const all = ['converse.log.2', 'converse.log.1', 'converse.log']
      .flatMap((f) => readLines(path.join(dir, f)))
      .map((l) => Number(l.msg.slice(12, 15)));
    expect(all[all.length - 1]).toBe(99);
    expect(all).toEqual(Array.from({ length: all.length }, (_, i) => 100 - all.length + i));
    // A new log on the same folder appends to the current file.
    const again = new CoreLog({ dir, maxBytes: 1000, files: 3 });
    again.warn('[core] started again');
    again.close();
    expect(readLines(path.join(dir, 'converse.log')).at(-1)?.msg).toBe('[core] started again');
  });
});

describe('the desktop core', () => {
  let h: Harness | null = null;
  afterEach(async () => {
    await h?.core.stop();
    h = null;
  });

  it('logs its connection failures to <data dir>/logs/converse.log, without the session token', async () => {
    const token = 'session-token-5e4d3c2b1a';
    // Nothing listens on port 9: every attempt fails.
    h = makeCore({ serverUrl: 'http://127.0.0.1:9', token });
    await h.core.start();
    const file = path.join(h.dataDir, 'logs', 'converse.log');
    const lines = await eventually(
      () =>
        existsSync(file) &&
        readLines(file).filter((l) => l.msg.startsWith('[connection]') && l.level === 'warn').length >= 2 &&
        readLines(file),
    );
    expect(lines.some((l) => /\[connection\] socket error: .*ECONNREFUSED/.test(l.msg))).toBe(true);
    expect(readFileSync(file, 'utf8')).not.toContain(token);
  });
});
