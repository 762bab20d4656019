// Lays out the built app the way `electron .` sees a checkout, in a temp folder, and starts its
// main bundle under Node with the electron stand-in:
//   <app>/dist, assets, package.json   copies of the build
//   <app>/node_modules/*               links to the project's packages, except:
//     electron                         the stand-in (tests/boot/electron-stand-in)
//     better-sqlite3                   its JavaScript only, no build/: anything that opens a
//                                      database without the Electron binding fails loudly
//   <app>/native/electron/             "the Electron-ABI build": the stand-in's Electron is Node,
//                                      so Node's build, with build-info.json saying so
import { fork, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eventually } from '../support/eventually';

const root = path.resolve(__dirname, '../..');
const standIn = path.join(__dirname, 'electron-stand-in');

export interface Recorded {
  name: string;
  detail: any;
  ready: boolean;
  at: number;
}

export function layOutApp(opts: { withNativeBuild: boolean }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'converse-boot-'));
  const app = path.join(dir, 'app');
  mkdirSync(app);
  for (const part of ['dist', 'assets']) cpSync(path.join(root, part), path.join(app, part), { recursive: true });
  copyFileSync(path.join(root, 'package.json'), path.join(app, 'package.json'));
  const modules = path.join(app, 'node_modules');
  mkdirSync(modules);
  for (const name of readdirSync(path.join(root, 'node_modules'))) {
    if (name === 'electron' || name === 'better-sqlite3' || name === '.bin') continue;
    symlinkSync(path.join(root, 'node_modules', name), path.join(modules, name), 'junction');
  }
  cpSync(standIn, path.join(modules, 'electron'), { recursive: true });
  const sqlite = path.join(root, 'node_modules', 'better-sqlite3');
  cpSync(sqlite, path.join(modules, 'better-sqlite3'), {
    recursive: true,
    filter: (src) =>
      !path
        .relative(sqlite, src)
        .split(path.sep)
        .some((p) => p === 'build' || p === 'src' || p === 'deps'),
  });
  if (opts.withNativeBuild) {
    const native = path.join(app, 'native', 'electron');
    mkdirSync(native, { recursive: true });
    copyFileSync(
      path.join(sqlite, 'build', 'Release', 'better_sqlite3.node'),
      path.join(native, 'better_sqlite3.node'),
    );
    writeFileSync(
      path.join(native, 'build-info.json'),
      JSON.stringify({
        module: 'better-sqlite3',
        electron: '41.7.1',
        abi: process.versions.modules,
        platform: process.platform,
        arch: process.arch,
        source: 'boot-test',
      }),
    );
  }
  return dir;
}

export class BootedApp {
  readonly records: Recorded[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;
  private nextId = 1;
  private readonly replies = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  private readonly waiters = new Set<() => void>();

  /** `args`: the app's command line after its path, as `electron . <args>` passes them. */
  constructor(
    readonly dir: string,
    env: Record<string, string>,
    args: string[] = [],
  ) {
    const app = path.join(dir, 'app');
    this.child = fork(path.join(app, 'dist', 'main', 'electron-main.js'), args, {
      cwd: app,
      execArgv: ['--import', path.join(__dirname, 'main-setup.mjs')],
      env: {
        ...process.env,
        STAND_IN_APP_PATH: app,
        STAND_IN_HOME: path.join(dir, 'home'),
        STAND_IN_RESOURCES_PATH: path.join(dir, 'resources'),
        STAND_IN_UTILITY_SETUP: path.join(__dirname, 'utility-setup.mjs'),
        CONVERSE_DATA_DIR: path.join(dir, 'userData'),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    let output = '';
    this.child.stdout?.on('data', (d) => {
      output += d;
    });
    this.child.stderr?.on('data', (d) => {
      output += d;
    });
    this.child.on('message', (m: any) => {
      if (m?.t === 'rec') {
        this.records.push(m.entry);
        for (const w of [...this.waiters]) w();
      } else if (m?.t === 'reply') {
        const r = this.replies.get(m.id);
        this.replies.delete(m.id);
        if (m.ok) r?.resolve(m.value);
        else r?.reject(new Error(m.error));
      }
    });
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code) => {
        if (code !== 0 && process.env.BOOT_DEBUG) console.error(output);
        for (const r of this.replies.values()) r.reject(new Error(`the app exited (code ${code})`));
        for (const w of [...this.waiters]) w();
        resolve(code);
      }),
    );
    this.output = () => output;
  }

  readonly output: () => string;

  named(name: string): Recorded[] {
    return this.records.filter((r) => r.name === name);
  }

  /** Resolves when a record satisfying `match` has arrived (or rejects after `ms`). */
  waitFor(match: (r: Recorded) => boolean, ms = 20_000, what = 'a record'): Promise<Recorded> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.records.find(match);
        if (found) {
          done();
          resolve(found);
        } else if (this.child.exitCode !== null) {
          done();
          reject(
            new Error(`the app exited (code ${this.child.exitCode}) before ${what}\n${this.output().slice(-3000)}`),
          );
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out waiting for ${what}\n${this.output().slice(-3000)}`));
      }, ms);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  command<T = any>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.replies.set(id, { resolve, reject });
      this.child.send({ t: 'cmd', id, cmd, args });
    });
  }

  /** Asks `probe` again until it returns a value (tests/support/eventually.ts); gives up at once if the app exits. */
  eventually<T>(probe: () => Promise<T | undefined | null>, what: string, ms = 20_000): Promise<NonNullable<T>> {
    return eventually(probe, {
      timeoutMs: ms,
      what,
      failFast: () =>
        this.child.exitCode !== null ? `the app exited (code ${this.child.exitCode}) before ${what}` : null,
    }) as Promise<NonNullable<T>>;
  }

  /** An IPC call as the page makes it through the preload. */
  async invoke(channel: string, args: unknown): Promise<any> {
    const answer = await this.command<{ ok: boolean; result?: any; error?: any }>('invoke', { channel, args });
    if (!answer.ok) throw new Error(`${channel}: ${JSON.stringify(answer.error)}`);
    return answer.result;
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }

  cleanup(): void {
    this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
