// A workspace for a cluster run, made the way an operator makes one: the first admin with the
// CLI (on the backend's environment, so the same command seeds SQLite or PostgreSQL), then reps,
// their leads and tasks through the admin API of any node, and a session token per rep from
// signing in.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Backend } from './backend';
import { SERVER_ROOT } from './nodes';

const run = promisify(execFile);

export const SEED_PASSWORD = 'cluster-password-1';

export interface SeededUser {
  id: string;
  email: string;
  token: string;
  role: 'admin' | 'sales';
}
export interface SeededLead {
  id: string;
  ownerId: string;
  /** E.164, and as WhatsApp writes it (digits only). */
  phone: string;
  waId: string;
}
export interface Workspace {
  admin: SeededUser;
  reps: SeededUser[];
  leads: SeededLead[];
}

/** One JSON call to a node's API; throws with the answer on a non-2xx. */
export async function apiCall<T>(url: string, method: string, route: string, token: string | null, body?: unknown) {
  const res = await fetch(`${url}/api/v1${route}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${route} on ${url}: HTTP ${res.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

export async function signIn(url: string, email: string): Promise<string> {
  return (await apiCall<{ token: string }>(url, 'POST', '/auth/sign-in', null, { email, password: SEED_PASSWORD }))
    .token;
}

/** The first admin, with the operator CLI on the backend the nodes use. */
export async function createAdminWithCli(backend: Backend, email: string): Promise<void> {
  await run(
    process.execPath,
    ['--import', 'tsx', 'server/cli.ts', 'create-user', '--email', email, '--name', 'Cluster Admin'].concat([
      '--password',
      SEED_PASSWORD,
      '--role',
      'admin',
    ]),
    { cwd: SERVER_ROOT, env: { ...process.env, ...backend.env() }, timeout: 60_000 },
  );
}

/** +1 646 555 xxxx numbers: valid US numbers, one per lead. */
const leadPhone = (i: number) => `+1646555${String(1000 + i).padStart(4, '0')}`;

/**
 * Reps and leads through the admin API of `url` (after the admin exists). Lead i belongs to rep
 * i % reps. The admin is signed in first, so `admin.token` works on every node.
 */
export async function seedWorkspace(
  url: string,
  o: { adminEmail: string; reps: number; leads: number },
): Promise<Workspace> {
  const adminToken = await signIn(url, o.adminEmail).catch((err: Error) => {
    throw new Error(
      `The admin the CLI made cannot sign in on ${url}: do the CLI and the nodes use the same backend? ${err.message}`,
    );
  });
  const me = await apiCall<{ id: string }>(url, 'GET', '/me', adminToken);
  const admin: SeededUser = { id: me.id, email: o.adminEmail, token: adminToken, role: 'admin' };
  const reps: SeededUser[] = [];
  for (let i = 0; i < o.reps; i++) {
    const email = `rep${i}@cluster.test`;
    const u = await apiCall<{ id: string }>(url, 'POST', '/admin/users', adminToken, {
      email,
      name: `Rep ${i}`,
      role: 'sales',
      password: SEED_PASSWORD,
    });
    reps.push({ id: u.id, email, token: await signIn(url, email), role: 'sales' });
  }
  const leads: SeededLead[] = [];
  for (let i = 0; i < o.leads; i++) {
    const ownerId = reps[i % reps.length].id;
    const phone = leadPhone(i);
    const l = await apiCall<{ id: string }>(url, 'POST', '/admin/leads', adminToken, {
      firstName: `Lead${i}`,
      lastName: 'Cluster',
      ownerId,
      phones: [{ number: phone, primary: true }],
    });
    leads.push({ id: l.id, ownerId, phone, waId: phone.slice(1) });
  }
  return { admin, reps, leads };
}

/** A task per entry, its reminder due at `dueAt` (reminder 0 minutes before). Returns the task ids. */
export async function createDueTasks(
  url: string,
  adminToken: string,
  tasks: { ownerId: string; leadId: string; dueAt: Date }[],
): Promise<string[]> {
  const ids: string[] = [];
  for (const [i, t] of tasks.entries()) {
    const r = await apiCall<{ id: string }>(url, 'POST', '/admin/tasks', adminToken, {
      title: `Cluster task ${i}`,
      leadId: t.leadId,
      ownerId: t.ownerId,
      dueAt: t.dueAt.toISOString(),
      reminderMinutes: 0,
    });
    ids.push(r.id);
  }
  return ids;
}
