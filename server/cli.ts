// The operator CLI (`npm run cli -- <command>`): users, passwords, lead import, tasks, lead list,
// and making a sandbox lead "reply". It works on the server's data directory directly (SQLite in
// WAL mode allows it while the server runs); changes reach connected desktops with the next event
// or reconnect. `sandbox-reply` goes through a running server's API instead, so the reply is live;
// with `--file` the lead sends a file (its text, if any, as the caption).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import envPaths from 'env-paths';
import { openDeploymentStore } from './deployment';
import { effectiveEnv } from './settings';
import { Hub } from './stream/hub';
import { Publisher } from './domain/publisher';
import { Workspace } from './domain/workspace';
import { wholeWorkspace } from './domain/access';
import { parseLeadsCsv } from './operator/import-leads';
import { formatPhone } from '../shared/phone';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from './demo/accounts';
import { DEFAULT_PORT } from './settings';
import { createApiKey } from './auth/api-keys';
import { SANDBOX_FILE_MAX_BYTES } from './channels/sandbox';

const program = new Command()
  .name('converse')
  .description('Converse server operator commands')
  .option('--data-dir <dir>', "the server's data directory (default: CONVERSE_DATA_DIR or the user data directory)");

// The server's database: the SQLite file in the data directory, or CONVERSE_DATABASE_URL's PostgreSQL.
async function open() {
  const dataDir = program.opts().dataDir ?? process.env.CONVERSE_DATA_DIR ?? envPaths('converse', { suffix: '' }).data;
  const store = await openDeploymentStore(effectiveEnv(process.env, dataDir), {
    dataDir,
    log: (m) => console.error(m),
  });
  const now = () => new Date();
  const publisher = new Publisher(store, new Hub(), now);
  return { store, workspace: new Workspace(store, publisher, now) };
}

async function run(fn: (o: Awaited<ReturnType<typeof open>>) => Promise<void>) {
  let o: Awaited<ReturnType<typeof open>> | null = null;
  try {
    o = await open();
    await fn(o);
  } catch (err) {
    console.error(`error: ${(err as Error).message}`);
    process.exitCode = 1;
  } finally {
    await o?.store.close();
  }
}

program
  .command('create-user')
  .description('create a user')
  .requiredOption('--email <email>')
  .requiredOption('--name <name>')
  .requiredOption('--password <password>')
  .addOption(new Option('--role <role>').choices(['admin', 'sales']).default('sales'))
  .option('--permission-template <name>', 'name of a permission template to put the user under')
  .action((o) =>
    run(async ({ store, workspace }) => {
      let permissionTemplateId: string | null = null;
      if (o.permissionTemplate) {
        const t = (await store.listPermissionTemplates()).find((x) => x.name === o.permissionTemplate);
        if (!t) throw new Error(`No permission template named "${o.permissionTemplate}".`);
        permissionTemplateId = t.id;
      }
      const u = await workspace.createUser({
        email: o.email,
        name: o.name,
        role: o.role,
        password: o.password,
        permissionTemplateId,
      });
      console.log(`created ${u.role} ${u.name} <${u.email}> (${u.id})`);
    }),
  );

program
  .command('reset-password')
  .description('set a new password; signs the user out everywhere')
  .requiredOption('--email <email>')
  .requiredOption('--password <password>')
  .action((o) =>
    run(async ({ workspace }) => {
      const u = await workspace.resetPassword(o.email, o.password);
      console.log(`password reset for ${u.email}; their sessions were revoked`);
    }),
  );

program
  .command('import-leads')
  .description('import leads from a CSV file (bad rows are reported, good rows kept)')
  .argument('<file>', 'CSV with a header row: first name, last name, email, phone, phone 2, phone 3, owner, …')
  .option('--owner <email>', 'owner for rows without an owner column')
  .action((file: string, o) =>
    run(async ({ store, workspace }) => {
      const { rows, problems } = parseLeadsCsv(readFileSync(file, 'utf8'));
      const owners = new Map((await store.listUsers()).map((u) => [u.email, u.id]));
      let imported = 0;
      for (const row of rows) {
        const ownerEmail = (row.ownerEmail ?? o.owner ?? '').toLowerCase();
        const ownerId = ownerEmail ? owners.get(ownerEmail) : null;
        if (ownerEmail && !ownerId) {
          problems.push({ line: row.line, message: `no user with the email ${ownerEmail}` });
          continue;
        }
        try {
          await workspace.createLead({ ...row.lead, ownerId: ownerId ?? null });
          imported++;
        } catch (err) {
          problems.push({ line: row.line, message: (err as Error).message });
        }
      }
      problems.sort((a, b) => a.line - b.line);
      for (const p of problems) console.error(`line ${p.line}: ${p.message}`);
      console.log(`imported ${imported} lead(s); ${problems.length} row(s) refused`);
      if (problems.length) process.exitCode = 2;
    }),
  );

program
  .command('create-task')
  .description('create a task for a user (they are nudged)')
  .requiredOption('--title <title>')
  .requiredOption('--owner <email>')
  .requiredOption('--due <iso-time>')
  .option('--lead <leadId>')
  .option('--reminder <minutes>', 'reminder before the due time', '15')
  .action((o) =>
    run(async ({ store, workspace }) => {
      const owner = await store.getUserByEmail(o.owner);
      if (!owner) throw new Error(`No user with the email ${o.owner}.`);
      const due = new Date(o.due);
      if (Number.isNaN(due.getTime()))
        throw new Error(`"${o.due}" is not a date and time (use ISO 8601, e.g. 2026-05-01T09:00:00Z).`);
      const reminder = Number(o.reminder);
      if (!Number.isInteger(reminder) || reminder < 0) throw new Error('--reminder must be a whole number of minutes.');
      const t = await workspace.createTask({
        title: o.title,
        leadId: o.lead ?? null,
        ownerId: owner.id,
        dueAt: due.toISOString(),
        reminderMinutes: reminder,
      });
      console.log(`created task ${t.id} for ${owner.email}, due ${t.dueAt}`);
    }),
  );

program
  .command('update-task')
  .description('change a task; its reminder moves with it')
  .requiredOption('--id <taskId>')
  .option('--title <title>')
  .option('--owner <email>')
  .option('--due <iso-time>')
  .option('--reminder <minutes>', 'reminder before the due time')
  .action((o) =>
    run(async ({ store, workspace }) => {
      const patch: { title?: string; ownerId?: string; dueAt?: string; reminderMinutes?: number } = {};
      if (o.title !== undefined) patch.title = o.title;
      if (o.owner !== undefined) {
        const owner = await store.getUserByEmail(o.owner);
        if (!owner) throw new Error(`No user with the email ${o.owner}.`);
        patch.ownerId = owner.id;
      }
      if (o.due !== undefined) {
        const due = new Date(o.due);
        if (Number.isNaN(due.getTime()))
          throw new Error(`"${o.due}" is not a date and time (use ISO 8601, e.g. 2026-05-01T09:00:00Z).`);
        patch.dueAt = due.toISOString();
      }
      if (o.reminder !== undefined) {
        const reminder = Number(o.reminder);
        if (!Number.isInteger(reminder) || reminder < 0 || reminder > 10080)
          throw new Error('--reminder must be a whole number of minutes up to 10080.');
        patch.reminderMinutes = reminder;
      }
      const t = await workspace.updateTask(o.id, patch);
      console.log(`updated task ${t.id}, due ${t.dueAt}, reminder ${t.reminderMinutes} min before`);
    }),
  );

program
  .command('delete-task')
  .description('delete (complete) a task; its reminder is cancelled')
  .requiredOption('--id <taskId>')
  .action((o) =>
    run(async ({ workspace }) => {
      await workspace.deleteTask(o.id);
      console.log(`deleted task ${o.id}`);
    }),
  );

program
  .command('create-api-key')
  .description('make a workspace API key for POST /api/v1/events (printed once; only its hash is stored)')
  .option('--label <label>', 'what the key is for', 'created with the CLI')
  .action((o) =>
    run(async ({ store }) => {
      const key = await createApiKey(store, String(o.label).slice(0, 100), new Date());
      console.log(key);
    }),
  );

program
  .command('list-leads')
  .description('list leads (id, name, owner, numbers)')
  .option('--limit <n>', 'how many', '100')
  .action((o) =>
    run(async ({ store }) => {
      for (const l of await store.listLeads({ scope: wholeWorkspace(), limit: Number(o.limit) || 100, offset: 0 })) {
        console.log(
          [
            l.id,
            `${l.firstName} ${l.lastName}`.trim(),
            l.ownerName ?? '-',
            l.phones.map((p) => `${formatPhone(p.e164)}${p.primary ? '*' : ''}`).join(', '),
          ].join('\t'),
        );
      }
    }),
  );

/** The file of a sandbox reply, read and checked before anything is sent. */
function sandboxReplyFile(file: string): { fileName: string; dataBase64: string } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new Error(
      `cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
    );
  }
  if (bytes.byteLength === 0) throw new Error(`${file} is empty.`);
  if (bytes.byteLength > SANDBOX_FILE_MAX_BYTES)
    throw new Error(
      `${file} is ${Math.ceil(bytes.byteLength / 1024)} KB; a sandbox reply carries files up to ${Math.round(SANDBOX_FILE_MAX_BYTES / 1024)} KB.`,
    );
  return { fileName: path.basename(file), dataBase64: bytes.toString('base64') };
}

program
  .command('sandbox-reply')
  .description('make a lead "reply" on the sandbox connector of a running server, with text, a file, or both')
  .requiredOption('--lead <idOrName>', 'lead id, or a name to search for')
  .option('--body <text>', 'what the lead writes (with --file: the caption)', '')
  .option('--file <path>', `a file the lead sends (up to ${Math.round(SANDBOX_FILE_MAX_BYTES / 1024)} KB)`)
  .addOption(new Option('--channel <channel>').choices(['sms', 'whatsapp']).default('sms'))
  .option(
    '--server <url>',
    'the running server',
    process.env.CONVERSE_URL ?? `http://127.0.0.1:${process.env.CONVERSE_PORT ?? DEFAULT_PORT}`,
  )
  .option('--email <email>', 'sign in as', DEMO_ACCOUNTS.admin.email)
  .option('--password <password>', 'password', DEMO_PASSWORD)
  .action(async (o) => {
    try {
      if (!o.file && !String(o.body).trim())
        throw new Error('say what the lead sends: --body <text>, --file <path>, or both.');
      const file = o.file ? sandboxReplyFile(o.file as string) : undefined;
      const call = async (method: string, route: string, token: string | null, body?: unknown) => {
        const res = await fetch(`${o.server}/api/v1${route}`, {
          method,
          headers: {
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(body ? { 'content-type': 'application/json' } : {}),
          },
          body: body ? JSON.stringify(body) : undefined,
        });
        const json = (await res.json()) as any;
        if (!res.ok) throw new Error(json?.error?.message ?? `HTTP ${res.status}`);
        return json;
      };
      const { token } = await call('POST', '/auth/sign-in', null, { email: o.email, password: o.password });
      let leadId = o.lead as string;
      if (!leadId.startsWith('lead_')) {
        const { leads } = await call('GET', `/leads?q=${encodeURIComponent(leadId)}&limit=2`, token);
        if (leads.length !== 1)
          throw new Error(
            leads.length ? `"${o.lead}" matches several leads; pass the lead id.` : `No lead matches "${o.lead}".`,
          );
        leadId = leads[0].id;
      }
      const res = await call('POST', '/sandbox/inbound', token, {
        leadId,
        channel: o.channel,
        body: o.body,
        ...(file ? { file } : {}),
      });
      if (!file) {
        console.log(`delivered inbound ${o.channel} message ${res.messageId}`);
        return;
      }
      // Say what the file arrived as (its type is read from its bytes), and never claim a file
      // a server that predates --file dropped.
      const { messages } = await call(
        'GET',
        `/conversations/${encodeURIComponent(`${leadId}:${o.channel}`)}/messages?limit=20`,
        token,
      );
      const att = (
        messages as Array<{
          id: string;
          attachment?: { fileName: string; mimeType: string; blocked?: string | null } | null;
        }>
      ).find((m) => m.id === res.messageId)?.attachment;
      if (!att)
        throw new Error(
          `message ${res.messageId} arrived without its file: this server does not take files in sandbox replies.`,
        );
      console.log(
        `delivered inbound ${o.channel} message ${res.messageId} with ${att.fileName} (${att.mimeType}${att.blocked ? `, kept but blocked: ${att.blocked}` : ''})`,
      );
    } catch (err) {
      console.error(`error: ${(err as Error).message}`);
      process.exitCode = 1;
    }
  });

await program.parseAsync();
