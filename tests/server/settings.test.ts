// Settings from the environment and the optional config file; bad values are named.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { effectiveEnv, msSetting, nodeIdFrom, portFrom, SettingsError } from '../../server/settings';
import { startServer } from '../../server/app';

describe('settings', () => {
  it('reads the config file under the environment', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'converse-settings-'));
    try {
      writeFileSync(
        path.join(dir, 'converse.config.json'),
        JSON.stringify({ CONVERSE_PORT: 5000, CONVERSE_SMS_CONNECTOR: 'sandbox', SANDBOX_AUTO_REPLY: false }),
      );
      const env = effectiveEnv({ CONVERSE_PORT: '5001' }, dir);
      expect(env.CONVERSE_PORT).toBe('5001');
      expect(env.CONVERSE_SMS_CONNECTOR).toBe('sandbox');
      expect(msSetting(env.SANDBOX_AUTO_REPLY, 2500)).toBeNull();
      writeFileSync(path.join(dir, 'converse.config.json'), '{ nope');
      expect(() => effectiveEnv({}, dir)).toThrow(/not valid JSON/);
      expect(() => effectiveEnv({ CONVERSE_CONFIG: path.join(dir, 'missing.json') }, dir)).toThrow(/does not exist/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('validates the port and millisecond settings', () => {
    expect(portFrom(undefined)).toBe(4780);
    expect(portFrom('0')).toBe(0);
    expect(() => portFrom('http')).toThrow(SettingsError);
    expect(msSetting('on', 2500)).toBe(2500);
    expect(msSetting('1200', null)).toBe(1200);
    expect(() => msSetting('soon', null)).toThrow(/milliseconds/);
  });

  it('names the node "local" unless CONVERSE_NODE_ID says otherwise, and refuses a name that is not one', async () => {
    expect(nodeIdFrom(undefined)).toBe('local');
    expect(nodeIdFrom(' node-2.eu:a_1 ')).toBe('node-2.eu:a_1');
    expect(() => nodeIdFrom('node 2')).toThrow(/CONVERSE_NODE_ID is "node 2"/);
    expect(() => nodeIdFrom('x'.repeat(65))).toThrow(SettingsError);
    const dir = mkdtempSync(path.join(tmpdir(), 'converse-settings-'));
    try {
      await expect(startServer({ dataDir: dir, port: 0, env: { CONVERSE_NODE_ID: 'a/b' } })).rejects.toThrow(
        /CONVERSE_NODE_ID/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a deployment that cannot work, naming the setting, before opening anything', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'converse-settings-'));
    try {
      const start = (env: Record<string, string>) => startServer({ dataDir: dir, port: 0, log: false, env });
      await expect(start({ CONVERSE_DATABASE_URL: 'mysql://db/converse' })).rejects.toThrow(
        /CONVERSE_DATABASE_URL must be a postgres:\/\//,
      );
      await expect(start({ CONVERSE_REDIS_URL: 'redis://127.0.0.1:6379' })).rejects.toThrow(
        /CONVERSE_REDIS_URL is set but CONVERSE_DATABASE_URL is not/,
      );
      await expect(
        start({ CONVERSE_DATABASE_URL: 'postgres://127.0.0.1:1/x', CONVERSE_REDIS_URL: 'http://bus' }),
      ).rejects.toThrow(SettingsError);
      // Nothing was opened: no SQLite file was made in the data directory.
      expect(existsSync(path.join(dir, 'converse.db'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to start with a bad connector setting, naming it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'converse-settings-'));
    try {
      await expect(
        startServer({ dataDir: dir, port: 0, env: { CONVERSE_SMS_CONNECTOR: 'ringcentral' } }),
      ).rejects.toThrow(/RINGCENTRAL_SERVER_URL/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
