// Issue 2's walking skeleton, for real: the embedded server with the demo workspace, the browser
// shell (desktop core in Node, renderer in Debian's Chromium), one SMS out with its ticks, one
// reply in, and an OS notification that reaches the notification daemon over D-Bus.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startBrowserShell } from '../../main/browser-shell/index';
import { launchChromium, screenshot } from './support/chromium';
import { NotificationWatch } from './support/notifications';
import { signIn, apiToken, sandboxReply, leadIdByName } from './support/app';

let shell: Awaited<ReturnType<typeof startBrowserShell>>;
let browser: Browser;
let page: Page;
let notifications: NotificationWatch;

beforeAll(async () => {
  notifications = new NotificationWatch();
  await notifications.ready();
  shell = await startBrowserShell({ dataDir: mkdtempSync(path.join(tmpdir(), 'converse-e2e-')), port: 0 });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 420, height: 720 } });
});

afterAll(async () => {
  await browser?.close();
  await shell?.close();
  notifications?.stop();
});

it('a rep sends an SMS, sees Sent then Delivered, and a reply raises an OS notification', async () => {
  await page.goto(shell.url);
  await signIn(page, 'rita@converse.demo');

  await page.getByRole('searchbox', { name: 'Search leads' }).fill('Maria');
  await page
    .getByRole('button', { name: /Maria Garcia/ })
    .first()
    .click();
  await page
    .getByRole('radio', { name: 'SMS' })
    .check()
    .catch(() => page.getByRole('button', { name: 'SMS' }).click());

  const text = `Hello Maria, checking in (${Date.now()})`;
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.keyboard.press('Enter');

  const bubble = page.locator('[data-message-direction="outbound"]', { hasText: text });
  await expect.poll(() => bubble.getByRole('img', { name: 'Sent' }).count(), { timeout: 15_000 }).toBeGreaterThan(0);
  await expect
    .poll(() => bubble.getByRole('img', { name: 'Delivered' }).count(), { timeout: 15_000 })
    .toBeGreaterThan(0);
  await screenshot(page, 'issue2-sent-delivered');

  // Leave the conversation so the reply is not "already on screen" (the nudge policy would hold it back).
  await page.getByRole('button', { name: 'Back' }).click();
  const token = await apiToken(shell.serverUrl, 'admin@converse.demo');
  const leadId = await leadIdByName(shell.serverUrl, token, 'Maria');
  const reply = `Yes, that works for me (${Date.now()})`;
  await sandboxReply(shell.serverUrl, token, { leadId, channel: 'sms', body: reply });

  const seen = await notifications.waitFor((n) => n.summary.includes('Maria') || n.body.includes(reply));
  expect(`${seen.summary} ${seen.body}`).toContain('Maria');

  await page
    .getByRole('button', { name: /Maria Garcia/ })
    .first()
    .click();
  await expect
    .poll(() => page.locator('[data-message-direction="inbound"]', { hasText: reply }).count(), { timeout: 15_000 })
    .toBe(1);
  await screenshot(page, 'issue2-reply');
});
