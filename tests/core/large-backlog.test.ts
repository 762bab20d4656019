// Real traffic never stalls a desktop: the three backlogs filed in issue 12 (200 texts of 200
// characters, 70 texts of 4,000 characters, a lead with hundreds of KB of custom fields) each
// reach the real desktop core from the real server, which ends fully synced on its first
// connection. A relay between them reads every frame's size; each case prints its figures.
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { startRealServer, type RealServer } from './support/real-server';
import { makeCore, type Harness } from './support/core-harness';
import { eventually } from './support/fixtures';
import { FrameTap } from './support/frame-tap';
import { EVENTS_FRAME_TARGET_BYTES, MAX_SERVER_FRAME_BYTES } from '../../shared/stream-protocol';
import { conversationIdOf, type LeadView, type MessageView } from '../../shared/domain';
import { DEMO_LEADS } from '../../server/demo/accounts';

let rs: RealServer;
let tap: FrameTap;
const harnesses: Harness[] = [];

beforeEach(async () => {
  rs = await startRealServer();
  tap = await new FrameTap(rs.server.port).start();
});
afterEach(async () => {
  for (const h of harnesses.splice(0)) {
    await h.core.stop().catch(() => {});
    rmSync(h.dataDir, { recursive: true, force: true });
  }
  await tap.stop();
  await rs.stop();
});

const device = (dataDir?: string) => {
  const h = makeCore({ dataDir, serverUrl: tap.url, token: rs.token });
  harnesses.push(h);
  return h;
};
const ritaHead = async () =>
  rs.server.internals.store.headSeq((await rs.server.internals.store.getUserByEmail('rita@converse.demo'))!.id);
const committedSeq = (dataDir: string) => {
  const db = new Database(path.join(dataDir, 'converse.db'), { readonly: true });
  try {
    return (db.prepare('SELECT seq FROM sync_cursor').get() as { seq: number } | undefined)?.seq ?? 0;
  } finally {
    db.close();
  }
};
/** Every stored message of Maria's SMS conversation, walking all pages. */
async function mariaMessages(h: Harness): Promise<MessageView[]> {
  const out: MessageView[] = [];
  let before: string | null = null;
  do {
    const page: { messages: MessageView[]; before: string | null } = await h.call('messages.page', {
      conversationId: conversationIdOf(rs.maria.id, 'sms'),
      before,
      limit: 500,
    });
    out.unshift(...page.messages);
    before = page.before;
  } while (before);
  return out;
}
const mariaTexts = (n: number, chars: number) =>
  Array.from({ length: n }, (_, i) => `${String(i).padStart(4, '0')} ${'m'.repeat(chars - 5)}`);

/** Starts the device and waits until it committed everything the server logged for Rita. */
async function syncs(h: Harness, what: string): Promise<number> {
  const head = await ritaHead();
  const [connections, frames] = [tap.connections, tap.textFrames.length];
  const started = performance.now();
  await h.core.start();
  await eventually(() => committedSeq(h.dataDir) === head, 30_000, `${what}: committed up to seq ${head}`);
  const ms = performance.now() - started;
  const sizes = tap.textFrames.slice(frames);
  console.info(
    `[figures] ${what}: synced up to seq ${head} in ${Math.round(ms)} ms over ${tap.connections - connections} connection(s); ` +
      `${sizes.length} frames, largest ${(Math.max(...sizes) / 1024).toFixed(1)} KB`,
  );
  return ms;
}

describe('a desktop syncs backlogs of real-sized traffic', () => {
  it('a new device syncs 200 texts of 200 characters on its first connection', async () => {
    const texts = mariaTexts(200, 200);
    for (const t of texts) await rs.server.internals.sandbox.sms!.inbound(DEMO_LEADS.maria.phones[0], t);
    const h = device();
    await syncs(h, '200 texts × 200 chars, new device');
    expect(tap.connections).toBe(1);
    expect(tap.largestFrame).toBeLessThanOrEqual(EVENTS_FRAME_TARGET_BYTES);
    const stored = (await mariaMessages(h)).map((m) => m.body).filter((b) => texts.includes(b));
    expect(stored).toEqual(texts);
  }, 60_000);

  it('a rep back from a day offline syncs 70 texts of 4,000 characters', async () => {
    const first = device();
    await first.core.start();
    await eventually(async () => committedSeq(first.dataDir) === (await ritaHead()), 20_000, 'first sync');
    await first.core.stop();
    await eventually(() => rs.server.internals.gateway.connectionCount === 0, 10_000, 'the server saw the device go');
    const connectionsBefore = tap.connections;
    const texts = mariaTexts(70, 4000);
    for (const t of texts) await rs.server.internals.sandbox.sms!.inbound(DEMO_LEADS.maria.phones[0], t);

    const back = device(first.dataDir);
    await syncs(back, '70 texts × 4,000 chars, back from offline');
    expect(tap.connections - connectionsBefore).toBe(1);
    expect(tap.largestFrame).toBeLessThanOrEqual(EVENTS_FRAME_TARGET_BYTES);
    expect((await mariaMessages(back)).map((m) => m.body).filter((b) => texts.includes(b))).toEqual(texts);
  }, 60_000);

  it('a device syncs a lead with 200 custom fields of 1,000 characters (≈ 400 KB), then a live update of it', async () => {
    const admin = await signInAdmin();
    const fields = (v: string) =>
      Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`Field ${i}`, v.repeat(1000)]));
    await patchMaria(admin, fields('é'));
    const h = device();
    await syncs(h, 'lead with 200 × 1,000-char custom fields');
    expect(tap.connections).toBe(1);
    expect(tap.largestFrame).toBeGreaterThan(EVENTS_FRAME_TARGET_BYTES);
    expect(tap.largestFrame).toBeLessThanOrEqual(MAX_SERVER_FRAME_BYTES);
    const lead = await h.call<LeadView>('leads.get', { leadId: rs.maria.id });
    expect(lead.customFields).toEqual(fields('é'));

    // Live, on the open connection: the next change of the same lead arrives as well.
    await patchMaria(admin, fields('ü'));
    const head = await ritaHead();
    await eventually(() => committedSeq(h.dataDir) === head, 20_000, 'the live update committed');
    expect((await h.call<LeadView>('leads.get', { leadId: rs.maria.id })).customFields).toEqual(fields('ü'));
    expect(tap.connections).toBe(1);
  }, 60_000);
});

async function signInAdmin(): Promise<string> {
  const res = await fetch(`${rs.server.url}/api/v1/auth/sign-in`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: 'admin@converse.demo', password: 'converse-demo' }),
  });
  return ((await res.json()) as { token: string }).token;
}

async function patchMaria(token: string, customFields: Record<string, string>): Promise<void> {
  const res = await fetch(`${rs.server.url}/api/v1/admin/leads/${rs.maria.id}`, {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ customFields }),
  });
  if (!res.ok) throw new Error(`patching Maria failed: HTTP ${res.status} ${await res.text()}`);
}
