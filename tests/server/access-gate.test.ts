// The one access gate (server/domain/access.ts) over the one visibility rule
// (server/storage/lead-scope.ts): admins see every lead; anyone else the leads they own and those
// with a conversation assigned to them. The gate is tested on a real SQLite store; the source
// checks prove the rule is not written again elsewhere and that no route or the gateway asks the
// store a lead-scoped question itself.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path, { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../server/storage/sqlite';
import type { LeadRecord, UserRecord } from '../../server/storage/store';
import {
  NotVisibleError,
  canSeeLead,
  requireAttachmentAccess,
  requireConversationAccess,
  requireLeadAccess,
  visibleLeads,
} from '../../server/domain/access';
import { reportScopeFor } from '../../server/reports/usage-report';

const SERVER = path.resolve(__dirname, '../../server');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}
const sources = () =>
  sourceFiles(SERVER).map((file) => ({ file: relative(SERVER, file), text: readFileSync(file, 'utf8') }));

describe('the access gate on a real store', () => {
  let dir: string;
  let store: SqliteStore;
  let admin: UserRecord, rita: UserRecord, sam: UserRecord;
  let ritasLead: LeadRecord, assignedToSam: LeadRecord, nobodys: LeadRecord;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'converse-access-'));
    store = new SqliteStore(path.join(dir, 'c.db'));
    const user = (email: string, role: 'admin' | 'sales') =>
      store.createUser({ email, name: email, role, passwordHash: 'x' });
    [admin, rita, sam] = [
      await user('ada@x.test', 'admin'),
      await user('rita@x.test', 'sales'),
      await user('sam@x.test', 'sales'),
    ];
    const at = '2026-03-01T10:00:00.000Z';
    const lead = (first: string, ownerId: string | null, e164: string) =>
      store.createLead(
        { firstName: first, lastName: 'Lead', ownerId, phones: [{ e164, label: null, primary: true }] },
        at,
      );
    ritasLead = await lead('Maria', rita.id, '+14155550101');
    assignedToSam = await lead('Marco', rita.id, '+14155550102');
    nobodys = await lead('Mara', null, '+14155550103');
    await store.createOutbound({
      clientId: 'c1',
      leadId: assignedToSam.id,
      channel: 'sms',
      body: 'hi',
      phoneId: assignedToSam.phones[0]!.id,
      templateId: null,
      templateName: null,
      attachmentId: null,
      caption: null,
      authorUserId: rita.id,
      provider: 'sandbox',
      connector: 'sandbox',
      at,
      sendLease: { owner: 'test', until: at },
    });
    await store.assignConversation(`${assignedToSam.id}:sms`, sam.id);
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets an admin see every lead, an owner their own, an assignee the lead of their conversation', async () => {
    for (const l of [ritasLead, assignedToSam, nobodys]) expect(await canSeeLead(store, admin, l.id)).toBe(true);
    expect(await canSeeLead(store, rita, ritasLead.id)).toBe(true);
    expect(await canSeeLead(store, rita, nobodys.id)).toBe(false);
    expect(await canSeeLead(store, sam, assignedToSam.id)).toBe(true);
    expect(await canSeeLead(store, sam, ritasLead.id)).toBe(false);
  });

  it('lists and searches only what the rule allows', async () => {
    const ids = async (u: UserRecord, tokens?: string[]) =>
      (await visibleLeads(store, u, { tokens, limit: 50 })).map((l) => l.id).sort();
    expect(await ids(admin)).toEqual([ritasLead.id, assignedToSam.id, nobodys.id].sort());
    expect(await ids(rita)).toEqual([ritasLead.id, assignedToSam.id].sort());
    expect(await ids(sam)).toEqual([assignedToSam.id]);
    expect(await ids(sam, ['mar'])).toEqual([assignedToSam.id]);
    expect(await ids(admin, ['mara'])).toEqual([nobodys.id]);
  });

  it('answers what may not be seen exactly like what does not exist', async () => {
    await expect(requireLeadAccess(store, sam, ritasLead.id)).rejects.toThrow(NotVisibleError);
    const refusal = (leadId: string) =>
      requireLeadAccess(store, sam, leadId).then(
        () => null,
        (e: NotVisibleError) => e,
      );
    const hidden = (await refusal(ritasLead.id))!;
    const missing = (await refusal('lead_missing'))!;
    expect([hidden.status, hidden.code, hidden.message]).toEqual([
      404,
      'not_found',
      'This lead does not exist or is not visible to you.',
    ]);
    expect([missing.status, missing.code, missing.message]).toEqual([hidden.status, hidden.code, hidden.message]);
    expect((await requireLeadAccess(store, sam, assignedToSam.id)).id).toBe(assignedToSam.id);
    await expect(requireConversationAccess(store, rita, `${nobodys.id}:sms`)).rejects.toThrow(
      'This conversation does not exist',
    );
    await expect(requireConversationAccess(store, rita, 'not-a-conversation-id')).rejects.toThrow(NotVisibleError);
    expect(await requireConversationAccess(store, sam, `${assignedToSam.id}:sms`)).toEqual({
      leadId: assignedToSam.id,
      channel: 'sms',
    });
  });

  it('gives an attachment to its uploader, admins and whoever sees a lead it went to', async () => {
    const file = await store.createAttachment(
      {
        id: 'att_1',
        fileName: 'a.pdf',
        mimeType: 'application/pdf',
        size: 3,
        kind: 'document',
        path: 'x',
        uploadedBy: rita.id,
      },
      '2026-03-01T10:00:00.000Z',
    );
    await expect(requireAttachmentAccess(store, rita, file)).resolves.toBeUndefined();
    await expect(requireAttachmentAccess(store, admin, file)).resolves.toBeUndefined();
    await expect(requireAttachmentAccess(store, sam, file)).rejects.toThrow(
      'This attachment does not exist or is not visible to you.',
    );
  });

  it('scopes the usage report by the same rule', () => {
    expect(reportScopeFor(admin)).toEqual({ scope: 'workspace', userId: null });
    expect(reportScopeFor(rita)).toEqual({ scope: 'user', userId: rita.id });
  });
});

describe('the rule is written once', () => {
  it('has its SQL (owner or assignee) only in storage/lead-scope.ts', () => {
    const writers = sources()
      // A placeholder in any engine's dialect: `?`, `$1`, or one built in a template (`${p}`, `$${n}`).
      .filter(
        (s) =>
          /owner_id = (\?|\$\d+|\$?\$\{\w+\})[^'`]*assignee_id = (\?|\$\d+|\$?\$\{\w+\})/.test(s.text) ||
          /\? IS NULL OR l\.owner_id/.test(s.text),
      )
      .map((s) => s.file);
    expect(writers).toEqual(['storage/lead-scope.ts']);
  });

  it("decides by role only in lead-scope.ts, apart from the admin-only gate and the admins' round-robin", () => {
    const byRole = sources()
      .filter((s) => /role\s*[!=]==?\s*'admin'|role = 'admin'/.test(s.text))
      .map((s) => s.file)
      .sort();
    expect(byRole).toEqual(['domain/round-robin.ts', 'http/context.ts', 'storage/lead-scope.ts']);
  });

  it("keeps routes and the gateway off the store's lead-scoped reads (they go through domain/access.ts)", () => {
    const scoped = /\bstore\.(canSeeLead|leadInScope|listLeads|searchLeads)\(/;
    const callers = sources()
      .filter((s) => /^http\/routes-[^/]+\.ts$/.test(s.file) || s.file === 'stream/gateway.ts')
      .filter((s) => scoped.test(s.text))
      .map((s) => s.file);
    expect(callers).toEqual([]);
  });
});
