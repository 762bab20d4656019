// Users, their sessions and the permission templates that mask lead fields for them.
import { expect, it } from 'vitest';
import { forEachStore } from './stores';
import { at, ISO, makeUser, unique } from './fixtures';

forEachStore('users and sessions', (s) => {
  it('creates a user with its email folded to lower case, found by id and by email in any case', async () => {
    const store = s.store();
    const local = unique('Rita.Rep');
    const user = await store.createUser({
      email: `  ${local}@Converse.TEST `,
      name: 'Rita Rep',
      role: 'sales',
      passwordHash: 'scrypt$abc',
    });
    expect(user).toEqual({
      id: user.id,
      email: `${local}@converse.test`.toLowerCase(),
      name: 'Rita Rep',
      role: 'sales',
      active: true,
      passwordHash: 'scrypt$abc',
      permissionTemplateId: null,
      maskedFields: [],
      createdAt: expect.stringMatching(ISO),
    });
    expect(await store.getUser(user.id)).toEqual(user);
    expect(await store.getUserByEmail(`${local.toUpperCase()}@CONVERSE.test`)).toEqual(user);
    expect(await store.getUser('usr_nobody')).toBeNull();
    expect(await store.getUserByEmail('nobody@converse.test')).toBeNull();
  });

  it('refuses a second user with the same email, whatever its case', async () => {
    const store = s.store();
    const user = await makeUser(store);
    await expect(
      store.createUser({ email: user.email.toUpperCase(), name: 'Copy', role: 'admin', passwordHash: 'x' }),
    ).rejects.toThrow();
    expect((await store.listUsers()).filter((u) => u.email === user.email)).toEqual([user]);
  });

  it('updates only the fields patched, and returns null for an unknown user', async () => {
    const store = s.store();
    const user = await makeUser(store);
    const updated = await store.updateUser(user.id, {
      name: 'Rita R.',
      role: 'admin',
      active: false,
      passwordHash: 'new',
    });
    expect(updated).toEqual({ ...user, name: 'Rita R.', role: 'admin', active: false, passwordHash: 'new' });
    expect(await store.getUser(user.id)).toEqual(updated);
    expect(await store.updateUser(user.id, {})).toEqual(updated);
    expect(await store.updateUser('usr_nobody', { name: 'x' })).toBeNull();
  });

  it('lists users oldest first', async () => {
    const store = s.store();
    const made = [await makeUser(store), await makeUser(store), await makeUser(store)];
    const ids = new Set(made.map((u) => u.id));
    const expected = [...made].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    expect((await store.listUsers()).filter((u) => ids.has(u.id))).toEqual(expected);
  });

  it('finds a session by its token hash and revokes it once', async () => {
    const store = s.store();
    const user = await makeUser(store);
    const token = unique('token-hash');
    const session = await store.createSession(user.id, token, at(86_400));
    expect(session).toEqual({ id: session.id, userId: user.id, expiresAt: at(86_400), revokedAt: null });
    expect(await store.sessionByTokenHash(token)).toEqual(session);
    expect(await store.getSession(session.id)).toEqual(session);
    await store.revokeSession(session.id, at(10));
    // A second revocation keeps the first time.
    await store.revokeSession(session.id, at(20));
    expect(await store.getSession(session.id)).toEqual({ ...session, revokedAt: at(10) });
    expect(await store.sessionByTokenHash(token)).toEqual({ ...session, revokedAt: at(10) });
    expect(await store.sessionByTokenHash('no-such-hash')).toBeNull();
    expect(await store.getSession('ses_nobody')).toBeNull();
  });

  it("revokes a user's live sessions and names them, leaving other users' alone", async () => {
    const store = s.store();
    const [rita, sam] = [await makeUser(store), await makeUser(store)];
    const old = await store.createSession(rita.id, unique('t'), at(100));
    await store.revokeSession(old.id, at(1));
    const a = await store.createSession(rita.id, unique('t'), at(100));
    const b = await store.createSession(rita.id, unique('t'), at(100));
    const other = await store.createSession(sam.id, unique('t'), at(100));
    expect((await store.revokeUserSessions(rita.id, at(5))).sort()).toEqual([a.id, b.id].sort());
    expect(await store.revokeUserSessions(rita.id, at(6))).toEqual([]);
    expect(await store.getSession(a.id)).toEqual({ ...a, revokedAt: at(5) });
    expect(await store.getSession(old.id)).toEqual({ ...old, revokedAt: at(1) });
    expect(await store.getSession(other.id)).toEqual(other);
  });
});

forEachStore('permission templates', (s) => {
  it('creates, renames and re-masks a template, and lists templates by name', async () => {
    const store = s.store();
    const [nameB, nameA] = [unique('B-template'), unique('A-template')];
    const b = await store.createPermissionTemplate(nameB, ['phones']);
    const a = await store.createPermissionTemplate(nameA, []);
    expect(b).toEqual({ id: b.id, name: nameB, maskedFields: ['phones'] });
    const renamed = await store.updatePermissionTemplate(b.id, {
      name: `${nameB}-x`,
      maskedFields: ['email', 'phones'],
    });
    expect(renamed).toEqual({ id: b.id, name: `${nameB}-x`, maskedFields: ['email', 'phones'] });
    expect(await store.updatePermissionTemplate(a.id, { maskedFields: ['customFields'] })).toEqual({
      ...a,
      maskedFields: ['customFields'],
    });
    expect(await store.updatePermissionTemplate('pt_nobody', { name: 'x' })).toBeNull();
    const mine = (await store.listPermissionTemplates()).filter((t) => t.id === a.id || t.id === b.id);
    expect(mine).toEqual([{ ...a, maskedFields: ['customFields'] }, renamed]);
  });

  it("masks a user's fields through the template, as it is now", async () => {
    const store = s.store();
    const template = await store.createPermissionTemplate(unique('Masked'), ['phones']);
    const user = await makeUser(store);
    const withTemplate = await store.updateUser(user.id, { permissionTemplateId: template.id });
    expect(withTemplate).toEqual({ ...user, permissionTemplateId: template.id, maskedFields: ['phones'] });
    await store.updatePermissionTemplate(template.id, { maskedFields: ['phones', 'email'] });
    expect((await store.getUser(user.id))!.maskedFields).toEqual(['phones', 'email']);
    const made = await store.createUser({
      email: `${unique('m')}@converse.test`,
      name: 'M',
      role: 'sales',
      passwordHash: 'x',
      permissionTemplateId: template.id,
    });
    expect(made.maskedFields).toEqual(['phones', 'email']);
    expect((await store.updateUser(user.id, { permissionTemplateId: null }))!.maskedFields).toEqual([]);
  });
});
