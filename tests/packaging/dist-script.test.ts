// scripts/dist.mjs: which runs `npm run dist` makes, and its refusal on a Node too old to package.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MIN_PACKAGING_NODE, nodeTooOldMessage, planDist } from '../../scripts/dist.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const host = { platform: 'linux', arch: 'x64' };

describe('npm run dist', () => {
  it('refuses a Node older than electron-builder needs, in one line that names both versions', () => {
    const message = nodeTooOldMessage('20.19.0');
    expect(message).toContain(MIN_PACKAGING_NODE);
    expect(message).toContain('20.19.0');
    expect(message).not.toContain('\n');
    expect(nodeTooOldMessage('22.11.9')).not.toBeNull();
    expect(nodeTooOldMessage(MIN_PACKAGING_NODE)).toBeNull();
    expect(nodeTooOldMessage('24.1.0')).toBeNull();
  });

  it('run with this Node, refuses before doing anything or prints its steps (--dry-run)', () => {
    const r = spawnSync(process.execPath, ['scripts/dist.mjs', '--dry-run', '--linux'], {
      cwd: root,
      encoding: 'utf8',
    });
    const refusal = nodeTooOldMessage(process.versions.node);
    if (refusal) {
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(`dist: ${refusal}\n`);
      expect(r.stdout).toBe('');
    } else {
      expect(r.status).toBe(0);
      expect(r.stdout.split('\n')[0]).toBe('node scripts/build.mjs');
      expect(r.stdout).toContain('CONVERSE_DIST_PLATFORM=linux');
    }
  });

  it("builds this machine's platform and arch by default, never publishing unless asked", () => {
    expect(planDist([], host)).toEqual([
      {
        platform: 'linux',
        arch: 'x64',
        native: ['scripts/electron-native.mjs', '--platform', 'linux', '--arch', 'x64'],
        builder: ['--config', 'electron-builder.config.ts', '--linux', '--x64', '--publish', 'never'],
      },
    ]);
    expect(planDist(['--publish', 'always'], host)[0].builder).toEqual([
      '--config',
      'electron-builder.config.ts',
      '--linux',
      '--x64',
      '--publish',
      'always',
    ]);
  });

  it('makes one run per platform, each with its targets and the Electron SQLite build for it', () => {
    const runs = planDist(['--linux', 'deb', '--mac', '--arm64', '--dir'], host);
    expect(runs.map((r) => [r.platform, r.native[2], r.builder.slice(2)])).toEqual([
      ['linux', 'linux', ['--linux', 'deb', '--arm64', '--dir', '--publish', 'never']],
      ['mac', 'darwin', ['--mac', '--arm64', '--dir', '--publish', 'never']],
    ]);
  });

  it('refuses what it cannot build, in one line', () => {
    expect(() => planDist(['--x64', '--arm64'], host)).toThrow(/one arch at a time/);
    expect(() => planDist(['--mac', '--universal'], host)).toThrow(/universal/);
    expect(() => planDist([], { platform: 'aix', arch: 'ppc64' })).toThrow(/--linux, --mac, --win/);
  });
});
