// Issue 13, items 3 and 6 end to end: the embedded demo server, the browser shell and the built
// renderer in Debian's Chromium. Rita texts Maria and finds the message she sent a moment ago at
// the top of Maria's Activity History (with channel, number and status, which turns Delivered
// while she looks), and Maria's reply appears there live; a message in another conversation puts
// "(1) Converse" in the title and a badge on the tab's icon and plays the chime; "Find a message"
// opens an old message in its thread; the conversation is muted from its header; Carter settings
// show in Settings. Screenshots go to test-artifacts/issue13-*.png.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startBrowserShell } from '../../main/browser-shell/index';
import { launchChromium, screenshot } from './support/chromium';
import { apiToken, leadIdByName, sandboxReply, signIn } from './support/app';
import { bubble, buildRenderer, openLead } from './support/chat';

let shell: Awaited<ReturnType<typeof startBrowserShell>>;
let browser: Browser;
let page: Page;
let token: string;
let mariaId: string;
// The OS notification is not what this suite looks at: every nudge counts as shown, so the
// rep's Carter settings decide whether the window plays the chime.
const shown = { show: async () => ({ status: 'shown' as const }) };

beforeAll(async () => {
  await buildRenderer();
  shell = await startBrowserShell({
    dataDir: mkdtempSync(path.join(tmpdir(), 'converse-unread-e2e-')),
    port: 0,
    notifier: shown,
  });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 420, height: 760 }, locale: 'en-US', timezoneId: 'UTC' });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  // Count what the page asks to play (headless Chromium may refuse to make the sound itself).
  await page.addInitScript(() => {
    const played: string[] = [];
    (window as unknown as { __played: string[] }).__played = played;
    const play = HTMLMediaElement.prototype.play;
    HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
      played.push(this.currentSrc || this.src);
      return play.call(this);
    };
  });
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail' && page)
    await screenshot(page, `issue13-failed-${ctx.task.name.replace(/\W+/g, '-').slice(0, 40)}`).catch(() => undefined);
});

afterAll(async () => {
  await browser?.close();
  await shell?.close();
});

const history = () => page.getByRole('region', { name: 'Activity History' });

it('lists a message sent a moment ago at the top of the Activity History, with channel, number and status', async () => {
  await page.goto(shell.url);
  await expect
    .poll(() => page.getByLabel('Server URL').inputValue(), { timeout: 20_000 })
    .toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
  await signIn(page, 'rita@converse.demo');
  token = await apiToken(shell.serverUrl, 'rita@converse.demo');
  mariaId = await leadIdByName(shell.serverUrl, token, 'Maria');

  await openLead(page, 'Maria', 'Garcia');
  await page.getByRole('radio', { name: 'SMS' }).check();
  const text = `Sending the pricing now (${Date.now()})`;
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.keyboard.press('Enter');
  await bubble(page, 'outbound', text).waitFor();

  await page.getByRole('button', { name: 'Open lead details for Maria Garcia' }).click();
  // At the top: only the demo lead's automatic answer (2.5 s later) may come above it.
  const mine = history().getByRole('listitem').filter({ hasText: text });
  await mine.waitFor({ timeout: 15_000 });
  const above = await history()
    .getByRole('listitem')
    .evaluateAll((items, t) => items.findIndex((li) => li.textContent?.includes(t)), text);
  expect(above).toBeLessThanOrEqual(1);
  expect(await mine.textContent()).toContain('SMS message to the lead');
  expect(await mine.textContent()).toMatch(/to \+1 \d{3}/);
  // The status follows the provider while the rep looks: Sent, then Delivered.
  await expect.poll(() => mine.textContent(), { timeout: 15_000 }).toContain('delivered');
  // The seeded conversations are there too, each with its start.
  expect(await history().getByText('WhatsApp Business conversation started').count()).toBe(1);
  await history().scrollIntoViewIfNeeded();
  await screenshot(page, 'issue13-activity-history');
});

it("shows the lead's reply in the Activity History as it arrives", async () => {
  await sandboxReply(shell.serverUrl, token, { leadId: mariaId, channel: 'whatsapp', body: 'Thanks, got it! 👍' });
  const reply = history().getByRole('listitem').filter({ hasText: 'Thanks, got it! 👍' });
  await reply.waitFor({ timeout: 15_000 });
  expect(await reply.textContent()).toContain('WhatsApp Business message from the lead');
});

it('puts the unread count in the title and on the tab icon, and plays the chime for a new message', async () => {
  // Back to the list: no conversation on screen, so a reply is unread and nudged.
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Back' }).click();
  await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
  // The demo's unread messages and Maria's WhatsApp reply are counted in the title already.
  const before = Number((await page.title()).match(/^\((\d+)\) Converse$/)?.[1]);
  expect(before).toBeGreaterThan(0);
  const chimesBefore = await page.evaluate(() => (window as unknown as { __played: string[] }).__played.length);
  const joseId = await leadIdByName(shell.serverUrl, token, 'José');
  await sandboxReply(shell.serverUrl, token, {
    leadId: joseId,
    channel: 'sms',
    body: 'Hola Rita, one question about the plan',
  });
  await expect.poll(() => page.title(), { timeout: 15_000 }).toBe(`(${before + 1}) Converse`);
  // The browser shell's tab icon is redrawn with the count.
  await expect
    .poll(() => page.evaluate(() => document.querySelector<HTMLLinkElement>('link[rel="icon"]')?.href ?? ''), {
      timeout: 5_000,
    })
    .toMatch(/^data:image\/png;base64,/);
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { __played: string[] }).__played), { timeout: 10_000 })
    .toHaveLength(chimesBefore + 1);
  expect((await page.evaluate(() => (window as unknown as { __played: string[] }).__played)).at(-1)).toMatch(
    /nudge.*\.wav$/,
  );
  // Draw the tab icon where a screenshot can show it.
  const icon = await page.evaluate(() => document.querySelector<HTMLLinkElement>('link[rel="icon"]')!.href);
  const iconPage = await browser.newPage({ viewport: { width: 220, height: 90 } });
  await iconPage.setContent(
    `<body style="margin:0;background:#dfe3ea;display:flex;gap:12px;align-items:center;padding:12px;font:14px sans-serif"><img src="${icon}" width="64" height="64"><span>${await page.title()}</span></body>`,
  );
  await screenshot(iconPage, 'issue13-unread-favicon');
  await iconPage.close();
  await screenshot(page, 'issue13-unread-title');
});

it('finds an old message across all conversations and opens it in its thread', async () => {
  await page.getByRole('button', { name: 'Find a message' }).click();
  const box = page.getByRole('combobox', { name: 'Search all messages' });
  await box.fill('what size');
  const results = page.getByRole('listbox', { name: 'Messages found' });
  await results.getByRole('option').first().waitFor({ timeout: 10_000 });
  expect(await results.getByRole('option').first().textContent()).toContain('Maria Garcia');
  await screenshot(page, 'issue13-find-message');
  await page.keyboard.press('Enter');
  const marked = page.locator('.bubble-row.jump-target');
  await marked.waitFor({ timeout: 10_000 });
  expect(await marked.textContent()).toContain('what size is your team?');
  await expect.poll(() => marked.isVisible()).toBe(true);
  await screenshot(page, 'issue13-find-message-jump');
});

it('mutes the conversation from its header', async () => {
  await page.getByRole('button', { name: 'Mute this conversation', exact: true }).click();
  const unmute = page.getByRole('button', { name: 'Unmute this conversation' });
  await unmute.waitFor();
  expect(await unmute.getAttribute('aria-pressed')).toBe('true');
  await screenshot(page, 'issue13-muted');
  await unmute.click();
  await page.getByRole('button', { name: 'Mute this conversation', exact: true }).waitFor();
});

it('shows Carter settings in Settings', async () => {
  await page.getByRole('button', { name: 'Profile' }).click();
  await page.getByRole('menuitem', { name: 'Settings' }).click();
  const panel = page.getByRole('region', { name: 'Settings' });
  // Each box shows what main saved, a moment after the click.
  const tasks = panel.getByRole('checkbox', { name: 'Task reminders' });
  await tasks.click();
  await expect.poll(() => tasks.isChecked()).toBe(false);
  const quiet = panel.getByRole('checkbox', { name: 'Quiet hours (no nudges)' });
  await quiet.click();
  await expect.poll(() => quiet.isChecked()).toBe(true);
  await panel.getByText('Saved', { exact: true }).waitFor();
  await screenshot(page, 'issue13-carter-settings');
});

it("shows the Activity History in the expanded view's lead pane", async () => {
  await page.getByRole('button', { name: 'Close' }).first().click();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.getByRole('button', { name: 'Expand' }).click();
  await page.getByRole('region', { name: 'Activity History' }).waitFor({ timeout: 10_000 });
  const pane = page.getByRole('region', { name: 'Activity History' });
  await expect.poll(() => pane.textContent(), { timeout: 10_000 }).toContain('Thanks, got it! 👍');
  // Newest first (the demo's sandbox may have answered meanwhile: that reply is on top).
  const times = await pane
    .locator('time')
    .evaluateAll((els) => els.map((e) => Date.parse(e.getAttribute('datetime') ?? '')));
  expect(times).toEqual([...times].sort((a, b) => b - a));
  // Nothing in the lead pane scrolls sideways.
  expect(
    await page.evaluate(() => {
      const el = document.querySelector('.lead-panel');
      return el ? el.scrollWidth <= el.clientWidth + 1 : false;
    }),
  ).toBe(true);
  await screenshot(page, 'issue13-activity-history-expanded');
});
