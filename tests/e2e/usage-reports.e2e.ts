// Issue 7 end to end: the browser shell with the embedded demo server, real traffic (an SMS
// sent over the stream and the sandbox lead's automatic reply, sandbox inbound SMS and WhatsApp,
// a task and an activity from another system through POST /api/v1/events), then Ada Admin opens
// Expand → Profile → Usage Reports in Chromium and the numbers in the three tables must equal
// counts taken straight from the server's SQLite file. The page is saved as
// test-artifacts/usage-reports.png.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import WebSocket from 'ws';
import type { Browser, Page } from 'playwright-core';
import { startBrowserShell } from '../../main/browser-shell/index';
import { usageMonthBounds, usageMonthOf } from '../../server/reports/usage-month';
import { launchChromium, screenshot } from './support/chromium';
import { apiToken, leadIdByName, sandboxReply, signIn } from './support/app';
import { buildRenderer } from './support/chat';
import { until } from '../support/eventually';

const EVENTS_KEY = `e2e-events-key-${randomUUID()}`;
let shell: Awaited<ReturnType<typeof startBrowserShell>>;
let browser: Browser;
let page: Page;
let dbFile: string;
let mariaId = '';
const savedKey = process.env.CONVERSE_EVENTS_API_KEY;

beforeAll(async () => {
  await buildRenderer();
  // The embedded server reads its settings from the environment: this is the workspace API key.
  process.env.CONVERSE_EVENTS_API_KEY = EVENTS_KEY;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'converse-reports-e2e-'));
  dbFile = path.join(dataDir, 'server', 'converse.db');
  shell = await startBrowserShell({
    dataDir,
    port: 0,
    notifier: { show: async () => ({ status: 'suppressed', reason: 'do-not-disturb' }) },
  });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US', timezoneId: 'UTC' });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  // Setup, not a test: each test below runs alone (`-t`) on the same traffic.
  await makeTraffic();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await shell?.close();
  if (savedKey === undefined) delete process.env.CONVERSE_EVENTS_API_KEY;
  else process.env.CONVERSE_EVENTS_API_KEY = savedKey;
});

/** Read-only queries on the server's database file, as the assertion's source of truth. */
function fromDatabase<T>(fn: (db: Database.Database) => T): T {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}
const count = (sql: string, ...args: unknown[]) =>
  fromDatabase((db) => (db.prepare(sql).get(...args) as { n: number }).n);

/** Send one SMS as Rita over the stream, as the desktop does, and wait until the provider took it. */
async function sendOverStream(token: string, leadId: string, body: string): Promise<void> {
  const ws = new WebSocket(`${shell.serverUrl.replace(/^http/, 'ws')}/api/v1/stream`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const clientId = randomUUID();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the SMS was not accepted in time')), 15_000);
    ws.on('error', reject);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', lastSeq: 0, deviceId: 'usage-e2e' })));
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      if (frame.type === 'welcome')
        ws.send(JSON.stringify({ type: 'send', send: { clientId, leadId, channel: 'sms', to: null, body } }));
      if (frame.type === 'send.rejected' && frame.clientId === clientId) {
        clearTimeout(timer);
        reject(new Error(frame.error.message));
      }
      const done =
        frame.type === 'events' &&
        frame.events.some(
          (e: any) =>
            e.event.type === 'message.upserted' &&
            e.event.message.clientId === clientId &&
            e.event.message.status !== 'pending',
        );
      if (done) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  ws.close();
}

async function postEvents(body: unknown): Promise<void> {
  const res = await fetch(`${shell.serverUrl}/api/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': EVENTS_KEY },
    body: JSON.stringify(body),
  });
  if (res.status !== 202) throw new Error(`events: ${res.status} ${await res.text()}`);
}

const settledFor = (what: string, ok: () => boolean) => until(ok, { timeoutMs: 15_000, what });

/** The one row of a report table (range "This month"), as numbers by column header. */
async function tableRow(name: string): Promise<Record<string, number>> {
  const table = page.getByRole('table', { name });
  await table.waitFor();
  const headers = (await table.locator('thead th').allInnerTexts()).map((s) => s.trim());
  const rows = table.locator('tbody tr');
  expect(await rows.count()).toBe(1);
  const cells = (await rows.first().locator('td').allInnerTexts()).map((s) => Number(s.replace(/[^\d]/g, '')));
  return Object.fromEntries(headers.slice(1).map((h, i) => [h, cells[i]]));
}

/** Real traffic in the demo workspace, then wait until every figure it moves is final. */
async function makeTraffic(): Promise<void> {
  const rita = await apiToken(shell.serverUrl, 'rita@converse.demo');
  const ada = await apiToken(shell.serverUrl, 'admin@converse.demo');
  const maria = await leadIdByName(shell.serverUrl, rita, 'Maria');
  const jose = await leadIdByName(shell.serverUrl, rita, 'José');
  const inboundBefore = count("SELECT COUNT(*) AS n FROM messages WHERE direction = 'inbound'");

  // Rita texts Maria; the demo's sandbox lead answers by itself a moment later.
  await sendOverStream(rita, maria, 'Hi Maria, the usage-report test says hello');
  await settledFor(
    'the demo auto-reply',
    () => count("SELECT COUNT(*) AS n FROM messages WHERE direction = 'inbound'") >= inboundBefore + 1,
  );
  // The leads "reply" through the sandbox connector.
  await sandboxReply(shell.serverUrl, ada, { leadId: jose, channel: 'sms', body: 'Can we move the demo?' });
  await sandboxReply(shell.serverUrl, ada, { leadId: maria, channel: 'whatsapp', body: 'Got the pricing, thanks' });

  // Another system posts a task (due soon: its reminder is already due and fires) and an activity.
  const nudgesBefore = count("SELECT COUNT(*) AS n FROM nudges WHERE entity_type IN ('task', 'activity')");
  const due = new Date(Date.now() + 5 * 60_000).toISOString();
  await postEvents({
    events: [
      {
        type: 'task',
        eventId: `e2e-task-${randomUUID()}`,
        action: 'created',
        task: {
          id: 'CRM-T-1',
          title: 'Send Maria the contract',
          leadId: maria,
          owner: { email: 'rita@converse.demo' },
          dueAt: due,
          reminderMinutes: 10,
        },
      },
      {
        type: 'activity',
        eventId: `e2e-activity-${randomUUID()}`,
        activity: {
          id: 'CRM-A-1',
          leadId: maria,
          activityType: 'Email Opened',
          summary: 'Opened "Pricing 2026"',
          at: new Date().toISOString(),
        },
      },
    ],
  });
  // New task + its reminder + the activity: three nudges.
  await settledFor(
    'the task, reminder and activity nudges',
    () => count("SELECT COUNT(*) AS n FROM nudges WHERE entity_type IN ('task', 'activity')") >= nudgesBefore + 3,
  );
  // Final figures, as facts: the one auto-reply (one per SMS sent) and both replies stored, every
  // inbound message's outcome (its nudges and usage) applied, and no send still waiting for the provider.
  await settledFor(
    'the figures final',
    () =>
      count("SELECT COUNT(*) AS n FROM messages WHERE direction = 'inbound'") >= inboundBefore + 3 &&
      count('SELECT COUNT(*) AS n FROM inbound_outcomes WHERE applied_at IS NULL') === 0 &&
      count("SELECT COUNT(*) AS n FROM messages WHERE direction = 'outbound' AND status = 'pending'") === 0,
  );
  mariaId = maria;
}

it('records the traffic: a task with its due reminder, and the activity', () => {
  expect(count("SELECT COUNT(*) AS n FROM nudges WHERE entity_type = 'task' AND title LIKE 'Task due:%'")).toBe(1);
  expect(count("SELECT COUNT(*) AS n FROM activities WHERE type = 'crm.activity' AND lead_id = ?", mariaId)).toBe(1);
});

it("shows an admin this month's figures equal to the database's counts", async () => {
  await page.goto(shell.url);
  await expect
    .poll(() => page.getByLabel('Server URL').inputValue(), { timeout: 20_000 })
    .toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
  await signIn(page, 'admin@converse.demo');
  await page.getByRole('button', { name: 'Expand' }).click();
  await page.getByRole('button', { name: 'Profile' }).click();
  await page.getByRole('menuitem', { name: 'Usage Reports' }).click();

  const nudges = await tableRow('Nudges by entity');
  const sms = await tableRow('SMS received and sent');
  const providers = await tableRow('SMS per provider');

  // This month in the workspace's time zone, counted from the rows themselves.
  const expected = fromDatabase((db) => {
    const tz = (db.prepare('SELECT time_zone AS tz FROM workspace').get() as { tz: string }).tz;
    const month = usageMonthOf(new Date(), tz);
    const { start, end } = usageMonthBounds(month, tz);
    const q = (sql: string, ...args: unknown[]) => (db.prepare(sql).get(...args) as { n: number }).n;
    // Outbound counts once the provider accepted it (it has the provider's id).
    const messages = (where: string, ...args: unknown[]) =>
      q(
        `SELECT COUNT(*) AS n FROM messages WHERE created_at >= ? AND created_at < ? AND ${where}`,
        start.toISOString(),
        end.toISOString(),
        ...args,
      );
    const accepted = "(direction = 'inbound' OR provider_message_id IS NOT NULL)";
    const nudgesOf = (entity: string) =>
      q('SELECT COUNT(*) AS n FROM nudges WHERE month = ? AND entity_type = ?', month, entity);
    const smsBy = (direction: string, provider?: string) =>
      messages(
        `channel = 'sms' AND direction = ? AND ${accepted}${provider ? ' AND provider = ?' : ''}`,
        direction,
        ...(provider ? [provider] : []),
      );
    return {
      nudges: { lead: nudgesOf('lead'), task: nudgesOf('task'), activity: nudgesOf('activity') },
      sms: { inbound: smsBy('inbound'), outbound: smsBy('outbound') },
      providers: Object.fromEntries(
        ['ctm', 'ringcentral', 'sandbox'].flatMap((p) => [
          [`${p}.sent`, smsBy('outbound', p)],
          [`${p}.received`, smsBy('inbound', p)],
        ]),
      ),
    };
  });

  expect(nudges).toEqual({
    Leads: expected.nudges.lead,
    Tasks: expected.nudges.task,
    Activities: expected.nudges.activity,
    Total: expected.nudges.lead + expected.nudges.task + expected.nudges.activity,
  });
  expect(expected.nudges.task).toBeGreaterThanOrEqual(2); // "New task" and its reminder
  expect(expected.nudges.activity).toBe(1);
  expect(sms).toEqual({ 'Received (inbound)': expected.sms.inbound, 'Sent (outbound)': expected.sms.outbound });
  expect(expected.sms.inbound).toBeGreaterThan(0);
  expect(expected.sms.outbound).toBeGreaterThan(0);
  expect(providers).toEqual({
    'CTM sent': expected.providers['ctm.sent'],
    'CTM received': expected.providers['ctm.received'],
    'RingCentral sent': expected.providers['ringcentral.sent'],
    'RingCentral received': expected.providers['ringcentral.received'],
    'Sandbox sent': expected.providers['sandbox.sent'],
    'Sandbox received': expected.providers['sandbox.received'],
  });

  // The view scrolls inside the window: make the window as tall as the report so the picture shows all of it.
  const height = await page
    .locator('.usage-reports')
    .evaluate((el) => Math.ceil(el.scrollHeight + el.getBoundingClientRect().top + 40));
  await page.setViewportSize({ width: 1280, height: Math.min(Math.max(height, 900), 4000) });
  await page.getByRole('table', { name: 'WhatsApp messages' }).scrollIntoViewIfNeeded();
  await screenshot(page, 'usage-reports');
});
