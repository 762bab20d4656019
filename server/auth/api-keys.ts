// The workspace API key that other systems send in X-Api-Key to POST /api/v1/events. Keys are
// 32 random bytes, so a plain SHA-256 is enough to store them (no salt or slow hash needed: there
// is nothing to guess). The key itself is shown once, when it is made, and never stored.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Store } from '../storage/store';

export const API_KEY_PREFIX = 'cvk_';

export function generateApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Whether `given` is one of the keys whose hashes are stored; compares digests in constant time. */
export function apiKeyMatchesHash(given: string, hashes: readonly string[]): boolean {
  if (given.length === 0) return false;
  const g = Buffer.from(hashApiKey(given), 'hex');
  let ok = false;
  for (const h of hashes) {
    const stored = Buffer.from(h, 'hex');
    if (stored.length === g.length && timingSafeEqual(g, stored)) ok = true;
  }
  return ok;
}

/** A key from CONVERSE_EVENTS_API_KEY must be long enough not to be guessed. */
export function apiKeyProblem(key: string): string | null {
  return key.trim().length < 24
    ? 'CONVERSE_EVENTS_API_KEY must be at least 24 characters (use `npm run cli -- create-api-key` to make one).'
    : null;
}

/** Store a new key (its hash) and return the key, to be shown once. */
export async function createApiKey(store: Pick<Store, 'addApiKey'>, label: string, at: Date): Promise<string> {
  const key = generateApiKey();
  await store.addApiKey(hashApiKey(key), label, at.toISOString());
  return key;
}

/**
 * On start: a key from the environment is stored (hashed) so it works like any other; with no
 * key at all, one is made and returned so `npm run server` can print it once.
 */
export async function ensureWorkspaceApiKey(
  store: Pick<Store, 'addApiKey' | 'apiKeyHashes'>,
  envKey: string | undefined,
  at: Date,
): Promise<{ createdKey: string | null }> {
  if (envKey) {
    const problem = apiKeyProblem(envKey);
    if (problem) throw new Error(problem);
    await store.addApiKey(hashApiKey(envKey.trim()), 'CONVERSE_EVENTS_API_KEY', at.toISOString());
    return { createdKey: null };
  }
  if ((await store.apiKeyHashes()).length > 0) return { createdKey: null };
  return { createdKey: await createApiKey(store, 'created on first start', at) };
}
