// The demo's sandbox auto-reply, and the operator CLI run as a separate process on the data
// directory of a stopped server.
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { api, clientId, connect, databaseEnvOf, signIn, startTestServer } from './support';

const run = promisify(execFile);
const cli = (dataDir: string, ...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'server/cli.ts', '--data-dir', dataDir, ...args], {
    cwd: path.resolve(__dirname, '../..'),
    env: { ...process.env, ...databaseEnvOf(dataDir) },
    timeout: 20_000,
  }).then(
    (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
    (e) => ({ code: e.code as number, out: e.stdout as string, err: e.stderr as string }),
  );

describe('demo and CLI', () => {
  it('has a demo lead reply to a rep shortly after a message', async () => {
    const server = await startTestServer({
      env: { SANDBOX_AUTO_REPLY: '150', SANDBOX_SENT_MS: '20', SANDBOX_DELIVERED_MS: '40' },
    });
    try {
      const rita = await signIn(server, 'rita@converse.demo');
      const maria = (await api(server, 'GET', '/leads?q=maria', rita)).body.leads[0];
      const c = await connect(server, rita, 0, 'demo');
      const id = clientId();
      c.send({
        type: 'send',
        send: { clientId: id, leadId: maria.id, channel: 'whatsapp', to: null, body: 'Hi Maria!' },
      });
      await c.frame('send.accepted', (f) => f.clientId === id);
      await c.until(
        () =>
          c.events.some(
            (e) =>
              e.event.type === 'message.upserted' &&
              e.event.message.direction === 'inbound' &&
              e.event.message.leadId === maria.id &&
              Date.parse(e.event.message.createdAt) > Date.now() - 5000,
          ),
        5000,
        'auto-reply',
      );
      await c.until(
        () => c.events.some((e) => e.event.type === 'nudge' && e.event.nudge.kind === 'message'),
        5000,
        'nudge',
      );
      c.close();
    } finally {
      await server.stop();
    }
  });

  it('creates users, imports leads with line-numbered errors, creates tasks and lists leads', async () => {
    const server = await startTestServer();
    const dataDir = server.dataDir;
    await server.close();
    try {
      const created = await cli(
        dataDir,
        'create-user',
        '--email',
        'zoe@converse.demo',
        '--name',
        'Zoe Rep',
        '--password',
        'zoe-password-1',
      );
      expect(created.code).toBe(0);
      expect(created.out).toMatch(/created sales Zoe Rep/);
      expect(
        (
          await cli(
            dataDir,
            'create-user',
            '--email',
            'zoe@converse.demo',
            '--name',
            'Zoe',
            '--password',
            'zoe-password-1',
          )
        ).err,
      ).toMatch(/already exists/);
      const csv = path.join(dataDir, 'leads.csv');
      writeFileSync(
        csv,
        'First Name,Last Name,Phone,Owner\nIvo,Andrić,+1 415 555 0191,zoe@converse.demo\n,NoFirst,,\nUla,Bad,123,\nVera,Owner,+14155550192,nobody@converse.demo\n',
      );
      const imported = await cli(dataDir, 'import-leads', csv);
      expect(imported.code).toBe(2);
      expect(imported.out).toMatch(/imported 1 lead\(s\); 3 row\(s\) refused/);
      expect(imported.err.split('\n').filter(Boolean)).toEqual([
        'line 3: first name is empty',
        'line 4: "123" is not a valid phone number.',
        'line 5: no user with the email nobody@converse.demo',
      ]);
      const list = await cli(dataDir, 'list-leads', '--limit', '500');
      expect(list.out).toMatch(/Ivo Andrić\tZoe Rep\t\+1 415 555 0191\*/);
      const task = await cli(
        dataDir,
        'create-task',
        '--title',
        'Call Ivo',
        '--owner',
        'zoe@converse.demo',
        '--due',
        '2030-01-01T09:00:00Z',
      );
      expect(task.out).toMatch(/created task/);
      expect(
        (await cli(dataDir, 'create-task', '--title', 'x', '--owner', 'zoe@converse.demo', '--due', 'soon')).err,
      ).toMatch(/not a date/);
      // The task's reminder is written for the server's scheduler; moving the task moves it.
      const taskId = /created task (\S+)/.exec(task.out)![1];
      expect(
        (await cli(dataDir, 'update-task', '--id', taskId, '--due', '2030-01-02T09:00:00Z', '--reminder', '30')).out,
      ).toMatch(/reminder 30 min/);
      const key = (await cli(dataDir, 'create-api-key', '--label', 'crm')).out.trim();
      expect(key).toMatch(/^cvk_[A-Za-z0-9_-]{43}$/);
      expect(
        (await cli(dataDir, 'reset-password', '--email', 'zoe@converse.demo', '--password', 'another-password')).out,
      ).toMatch(/password reset/);
      // The server sees it all on the next start.
      const again = await startTestServer({ dataDir });
      try {
        const zoe = await signIn(again, 'zoe@converse.demo', 'another-password');
        expect((await api(again, 'GET', '/leads?q=andric', zoe)).body.leads).toHaveLength(1);
        expect((await api(again, 'GET', '/nudges', zoe)).body.nudges.some((n: any) => n.kind === 'task')).toBe(true);
        expect((await again.internals.store.reminders.nextFireAt())?.toISOString()).toBe('2030-01-02T08:30:00.000Z');
        const events = await fetch(`${again.url}/api/v1/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': key },
          body: JSON.stringify({ type: 'task', eventId: 'cli-1', action: 'deleted', task: { id: taskId } }),
        });
        expect(events.status).toBe(202);
        expect(await again.internals.store.reminders.nextFireAt()).toBeNull();
      } finally {
        await again.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
