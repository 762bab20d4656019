// The outbox's one-transaction rule, and the user-only token file.
import { mkdtempSync, rmSync, statSync, chmodSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalStore } from '../../main/core/store/local-store';
import { Outbox } from '../../main/core/outbox';
import { createFileCredentialStore } from '../../main/core/credentials/file-store';
import type { ClientFrame } from '../../shared/stream-protocol';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'converse-outbox-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function outboxOn(store: LocalStore, online: boolean) {
  const frames: ClientFrame[] = [];
  const changed: string[] = [];
  const outbox = new Outbox({
    store,
    now: () => new Date('2026-11-24T10:00:00Z'),
    authorUserId: () => 'user-rita',
    sendFrame: (f) => {
      if (!online) return false;
      frames.push(f);
      return true;
    },
    onMessages: (_c, ms) => changed.push(...ms.map((m) => `${m.id}:${m.status}`)),
    onSizeChanged: () => {},
  });
  return { outbox, frames, changed };
}

describe('outbox', () => {
  it('writes the pending message and its outbox row together, and shows it at once', () => {
    const store = LocalStore.open(path.join(dir, 'converse.db'));
    const { outbox, changed, frames } = outboxOn(store, false);
    const m = outbox.send({
      clientId: 'client-00000001',
      leadId: 'maria',
      channel: 'sms',
      to: null,
      body: 'On my way',
    });
    expect(m.status).toBe('pending');
    expect(changed).toEqual(['local:client-00000001:pending']);
    expect(store.state.outbox().map((e) => e.clientId)).toEqual(['client-00000001']);
    expect(frames).toEqual([]);
    store.close();
  });

  it('stores neither when the outbox row cannot be written', () => {
    const store = LocalStore.open(path.join(dir, 'converse.db'));
    store.db.exec("CREATE TRIGGER outbox_full BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'disk full'); END");
    const { outbox, changed } = outboxOn(store, true);
    expect(() =>
      outbox.send({ clientId: 'client-00000002', leadId: 'maria', channel: 'sms', to: null, body: 'lost?' }),
    ).toThrow(/disk full/);
    expect(store.messages.getByClientId('client-00000002')).toBeNull();
    expect(changed).toEqual([]);
    store.close();
  });

  it('sends each waiting message once per link, and again on the next link', () => {
    const store = LocalStore.open(path.join(dir, 'converse.db'));
    const { outbox, frames } = outboxOn(store, true);
    outbox.send({ clientId: 'client-00000003', leadId: 'maria', channel: 'sms', to: null, body: 'one' });
    outbox.flush();
    expect(frames).toHaveLength(1);
    outbox.linkChanged();
    outbox.flush();
    expect(frames.map((f) => f.type === 'send' && f.send.clientId)).toEqual(['client-00000003', 'client-00000003']);
    outbox.accepted('client-00000003', 'srv-1');
    expect(store.state.outboxSize()).toBe(0);
    expect(store.messages.get('local:client-00000003')?.status).toBe('queued');
    store.close();
  });
});

describe('file credential store', () => {
  it('keeps the token in a file only the user can read, in a directory only the user can enter', async () => {
    const creds = createFileCredentialStore(path.join(dir, 'secrets'));
    await creds.save({ serverUrl: 'http://127.0.0.1:4100', token: 'tok-123' });
    expect(statSync(path.join(dir, 'secrets')).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(dir, 'secrets', 'session.json')).mode & 0o777).toBe(0o600);
    expect(await creds.load()).toEqual({ serverUrl: 'http://127.0.0.1:4100', token: 'tok-123' });
    await creds.clear();
    expect(await creds.load()).toBeNull();
  });

  it('refuses and deletes a token file others could read', async () => {
    const creds = createFileCredentialStore(dir);
    await creds.save({ serverUrl: 'http://127.0.0.1:4100', token: 'tok-123' });
    chmodSync(path.join(dir, 'session.json'), 0o644);
    expect(await creds.load()).toBeNull();
    expect(existsSync(path.join(dir, 'session.json'))).toBe(false);
  });

  it('treats a damaged file as signed out and refuses to save nonsense', async () => {
    const creds = createFileCredentialStore(dir);
    writeFileSync(path.join(dir, 'session.json'), '{not json', { mode: 0o600 });
    expect(await creds.load()).toBeNull();
    await expect(creds.save({ serverUrl: 'not a url', token: '' })).rejects.toThrow();
  });
});
