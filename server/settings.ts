// Server settings: the environment first, then an optional JSON config file
// (CONVERSE_CONFIG, or converse.config.json in the data directory) holding the same names.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const DEFAULT_PORT = 4780;

export class SettingsError extends Error {}

const ConfigFile = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

/** The environment with the config file's values underneath (the environment wins). */
export function effectiveEnv(env: NodeJS.ProcessEnv, dataDir: string): Record<string, string | undefined> {
  const file = env.CONVERSE_CONFIG ?? path.join(dataDir, 'converse.config.json');
  if (!existsSync(file)) {
    if (env.CONVERSE_CONFIG) throw new SettingsError(`CONVERSE_CONFIG points at ${file}, which does not exist.`);
    return { ...env };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new SettingsError(`The config file ${file} is not valid JSON: ${(err as Error).message}`);
  }
  const r = ConfigFile.safeParse(parsed);
  if (!r.success)
    throw new SettingsError(
      `The config file ${file} must be one JSON object of setting names to strings, numbers or booleans.`,
    );
  const fromFile = Object.fromEntries(Object.entries(r.data).map(([k, v]) => [k, String(v)]));
  return { ...fromFile, ...env };
}

export function portFrom(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_PORT;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new SettingsError(`CONVERSE_PORT is "${raw}"; it must be a port number between 0 and 65535.`);
  return n;
}

/** A millisecond setting with a default; off/false/no → null. */
export function msSetting(raw: string | undefined, fallback: number | null): number | null {
  if (raw === undefined || raw === '') return fallback;
  if (/^(off|false|no|0)$/i.test(raw.trim())) return null;
  if (/^(on|true|yes)$/i.test(raw.trim())) return fallback ?? 2000;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new SettingsError(`"${raw}" is not a number of milliseconds.`);
  return n;
}

/** A positive number setting (hours, megabytes, a count) with a default. */
function positiveSetting(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0)
    throw new SettingsError(`${name} is "${raw}"; it must be a number greater than 0.`);
  return n;
}

/** How long an upload no message carries is kept, and how much of them one user may hold. */
export function uploadRulesFrom(env: Record<string, string | undefined>) {
  return {
    expireAfterMs: positiveSetting('CONVERSE_UPLOAD_EXPIRY_HOURS', env.CONVERSE_UPLOAD_EXPIRY_HOURS, 24) * 3_600_000,
    quotaBytes: Math.floor(
      positiveSetting('CONVERSE_UPLOAD_QUOTA_MB', env.CONVERSE_UPLOAD_QUOTA_MB, 200) * 1024 * 1024,
    ),
    quotaFiles: Math.floor(positiveSetting('CONVERSE_UPLOAD_QUOTA_FILES', env.CONVERSE_UPLOAD_QUOTA_FILES, 100)),
  };
}

export const LOG_LEVELS = ['silent', 'error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** CONVERSE_LOG_LEVEL: info unless told otherwise, so problems leave a trace by default. */
export function logLevelFrom(raw: string | undefined): LogLevel {
  const v = (raw ?? '').trim().toLowerCase();
  if (v === '') return 'info';
  if ((LOG_LEVELS as readonly string[]).includes(v)) return v as LogLevel;
  throw new SettingsError(`CONVERSE_LOG_LEVEL is "${raw}"; it must be one of ${LOG_LEVELS.join(', ')}.`);
}

/**
 * CONVERSE_NODE_ID: this server's name among the nodes sharing one database; it owns the leases on
 * the work it takes (webhooks, sends). The embedded single node is 'local' in every run, so a
 * restarted node knows the sends it left pending as its own and fails them at once.
 */
export function nodeIdFrom(raw: string | undefined): string {
  const v = (raw ?? '').trim();
  if (v === '') return 'local';
  if (!/^[A-Za-z0-9._:-]{1,64}$/.test(v))
    throw new SettingsError(
      `CONVERSE_NODE_ID is "${raw}"; it must be 1–64 letters, digits, dots, dashes, colons or underscores.`,
    );
  return v;
}

/**
 * How long a node's claim on shared work holds, and how often it renews its claims and sweeps up
 * the work of nodes whose claims ran out (they died or stopped). A send's lease is renewed three
 * times within its length, so a live node never loses one to a sweep.
 */
export const NODE_LEASES = {
  // Short, and renewed while a webhook is processed: a dead node's answered webhooks are taken
  // over within about 12 s (lease + a sweep), while a slow media download keeps its claim.
  webhookMs: 10_000,
  webhookRenewEveryMs: 3_000,
  webhookSweepEveryMs: 2_000,
  sendMs: 30_000,
  sendRenewEveryMs: 10_000,
  sendSweepEveryMs: 10_000,
} as const;
export type NodeLeases = { -readonly [K in keyof typeof NODE_LEASES]: number };
