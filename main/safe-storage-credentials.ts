// The session token, encrypted with Electron's safeStorage (Keychain, DPAPI, libsecret/kwallet)
// in a user-only file. Where the OS offers no real encryption (Linux without a keyring, where
// safeStorage would fall back to a hard-coded key) the token is kept in memory only: the rep
// signs in again after a restart rather than leaving a readable token on disk.
import { safeStorage } from 'electron';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import type { CredentialStore } from './core/ports';

const Stored = z.object({ serverUrl: z.string().url(), token: z.string().min(1) });

export function createSafeStorageCredentials(file: string): CredentialStore {
  let memory: z.infer<typeof Stored> | null = null;
  const encrypted = () =>
    safeStorage.isEncryptionAvailable() &&
    !(process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text');

  return {
    async load() {
      if (memory) return memory;
      if (!encrypted()) return null;
      try {
        const parsed = Stored.safeParse(JSON.parse(safeStorage.decryptString(await readFile(file))));
        return parsed.success ? parsed.data : null;
      } catch {
        return null; // missing, or unreadable (keyring changed): sign in again
      }
    },
    async save(v) {
      const value = Stored.parse(v);
      if (!encrypted()) {
        memory = value;
        return;
      }
      const tmp = `${file}.tmp`;
      await writeFile(tmp, safeStorage.encryptString(JSON.stringify(value)), { mode: 0o600 });
      await rename(tmp, file);
    },
    async clear() {
      memory = null;
      await rm(file, { force: true });
    },
  };
}
