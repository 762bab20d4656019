// The session token outside Electron: a JSON file readable only by the user (0600) in a
// directory only the user can enter (0700). Documented in main/core/README.md. Electron's
// safeStorage store (OS keychain) lives in the Electron shell behind the same interface.
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { CredentialStore } from '../ports';

const Saved = z.object({ serverUrl: z.string().url(), token: z.string().min(1) });

export function createFileCredentialStore(dir: string, fileName = 'session.json'): CredentialStore {
  const file = path.join(dir, fileName);
  const ensureDir = () => {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700); // mkdir's mode does not apply to a directory that already existed
  };
  return {
    async load() {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
      if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
        // Someone widened the permissions: the token may have leaked, so do not use it.
        rmSync(file, { force: true });
        return null;
      }
      try {
        const parsed = Saved.safeParse(JSON.parse(text));
        return parsed.success ? parsed.data : null;
      } catch {
        return null;
      }
    },
    async save(v) {
      const value = Saved.parse(v);
      ensureDir();
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(value), { mode: 0o600 });
      chmodSync(tmp, 0o600);
      renameSync(tmp, file);
    },
    async clear() {
      rmSync(file, { force: true });
    },
  };
}
