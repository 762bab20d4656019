// Issue 6's chat window for real: the embedded server with the demo workspace, the browser
// shell (desktop core in Node) and the built renderer in Debian's Chromium. Rita signs in,
// finds Maria, texts her (Sent, then Delivered), sends a template, sends a captioned image on
// WhatsApp while the 24-hour window is open, finds José's closed window offering templates only,
// sees a reply raise the unread count that clears on opening, expands and collapses (button
// and alt+m), switches to Hindi, and sets a CRM lead page that the lead's name then opens in a
// new tab. Screenshots go to test-artifacts/.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startBrowserShell } from '../../main/browser-shell/index';
import { launchChromium, screenshot } from './support/chromium';
import { apiToken, leadIdByName, sandboxReply, signIn } from './support/app';
import { PNG_1X1, bubble as bubbleOn, buildRenderer, openLead as openLeadOn } from './support/chat';
import { until } from '../support/eventually';

let shell: Awaited<ReturnType<typeof startBrowserShell>>;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  // The suite tests this checkout's renderer, so it builds it first (about two seconds).
  await buildRenderer();
  shell = await startBrowserShell({
    dataDir: mkdtempSync(path.join(tmpdir(), 'converse-chat-e2e-')),
    port: 0,
    notifier: { show: async () => ({ status: 'suppressed', reason: 'do-not-disturb' }) },
  });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 420, height: 760 }, locale: 'en-US' });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  // Setup, not a test: Rita signs in once; every test below starts from her conversation list
  // and can run alone (`-t`).
  await page.goto(shell.url);
  const serverUrl = page.getByLabel('Server URL');
  await until(async () => /^http:\/\/127\.0\.0\.1:\d+/.test(await serverUrl.inputValue()), {
    timeoutMs: 20_000,
    what: "the embedded server's URL in the sign-in form",
  });
  await signIn(page, 'rita@converse.demo');
  await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
});

beforeEach(async () => {
  // The pop-up as the rep sees it after a reload: the list, at the pop-up's size, in light mode.
  await page.setViewportSize({ width: 420, height: 760 });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.reload();
  await page.getByRole('navigation', { name: 'Conversations' }).waitFor({ timeout: 20_000 });
});

afterEach(async (ctx) => {
  // A failed step leaves a picture of what the rep would have seen.
  if (ctx.task.result?.state === 'fail' && page)
    await screenshot(page, `chat-failed-${ctx.task.name.replace(/\W+/g, '-').slice(0, 40)}`).catch(() => undefined);
});

afterAll(async () => {
  await browser?.close();
  await shell?.close();
});

const bubble = (direction: 'inbound' | 'outbound', text: string) => bubbleOn(page, direction, text);
const openLead = (first: string, last: string) => openLeadOn(page, first, last);

it('shows the signed-in rep the chat pop-up with her conversations', async () => {
  await page
    .getByRole('navigation', { name: 'Conversations' })
    .getByRole('button', { name: /Maria Garcia/ })
    .first()
    .waitFor();
  await screenshot(page, 'chat-popup');
});

it('finds Maria by her first name and texts her: Sent, then Delivered', async () => {
  await openLead('Maria', 'Garcia');
  await page.getByRole('radio', { name: 'SMS' }).check();
  const results = page.getByRole('combobox', { name: 'Select Number' });
  expect(await results.locator('option').count()).toBe(2);
  const text = `Hello Maria, checking in (${Date.now()})`;
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.keyboard.press('Enter');
  const mine = bubble('outbound', text);
  await mine.getByRole('img', { name: 'Sent' }).waitFor({ timeout: 15_000 });
  await mine.getByRole('img', { name: 'Delivered' }).waitFor({ timeout: 15_000 });
  expect(await page.getByRole('textbox', { name: 'Message' }).inputValue()).toBe('');
});

it('sends an SMS template filled with the lead values', async () => {
  await openLead('Maria', 'Garcia');
  await page.getByRole('radio', { name: 'SMS' }).check();
  await page.getByRole('button', { name: 'Select a Template' }).click();
  await page.getByRole('searchbox', { name: 'Search templates' }).fill('Follow');
  await page
    .getByRole('list', { name: 'Templates' })
    .getByRole('button', { name: /Follow-up/ })
    .click();
  const filled = 'Hi Maria, just following up on our last conversation. Any questions I can answer?';
  expect(await page.getByRole('textbox', { name: 'Message' }).inputValue()).toBe(filled);
  await page.getByRole('button', { name: 'Send' }).click();
  await bubble('outbound', filled)
    .getByRole('img', { name: /Sent|Delivered/ })
    .first()
    .waitFor({ timeout: 15_000 });
});

it('on WhatsApp with the window open, sends an image with a caption', async () => {
  await openLead('Maria', 'Garcia');
  await page.getByRole('radio', { name: 'WhatsApp Business' }).check();
  await page.getByText(/WhatsApp window open: .* left/).waitFor();
  await page.getByRole('button', { name: 'Emoji' }).waitFor();
  await page.getByLabel('Attach').setInputFiles({ name: 'office.png', mimeType: 'image/png', buffer: PNG_1X1 });
  const caption = `Our new office (${Date.now()})`;
  await page.getByRole('textbox', { name: 'Caption' }).fill(caption);
  await page.getByRole('button', { name: 'Send' }).click();
  const sent = bubble('outbound', caption);
  await sent
    .getByRole('img', { name: /Sent|Delivered|Read/ })
    .first()
    .waitFor({ timeout: 15_000 });
  await sent.getByText('office.png').first().waitFor();
  // The preview is the uploaded image itself, fetched through the shell.
  const preview = sent.getByRole('img', { name: 'Image office.png' });
  await expect
    .poll(() => preview.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 15_000 })
    .toBe(1);
  // A loopback file URL with a capability, not a base64 blob carried over the bridge.
  expect(await preview.getAttribute('src')).toMatch(/^\/attachments\/[A-Za-z0-9_-]+\?cap=[A-Za-z0-9_-]+$/);

  // Emoji go into the message at the caret.
  await page.getByRole('textbox', { name: 'Message' }).fill('Great ');
  await page.getByRole('button', { name: 'Emoji' }).click();
  const picker = page.getByRole('dialog', { name: 'Emoji' });
  await picker.locator('[data-epr-unified]').first().waitFor({ timeout: 15_000 });
  await picker.locator('[data-epr-unified]').first().click();
  await expect
    .poll(() => page.getByRole('textbox', { name: 'Message' }).inputValue())
    .toMatch(/^Great \p{Extended_Pictographic}/u);
  await screenshot(page, 'chat-whatsapp');
  await page.keyboard.press('Escape');
  await page.getByRole('textbox', { name: 'Message' }).fill('');
});

it('with the WhatsApp window closed offers templates only', async () => {
  await openLead('José', 'Núñez');
  await page.getByRole('radio', { name: 'WhatsApp Business' }).check();
  await page.getByText(/WhatsApp window is closed\. Send a template/).waitFor();
  expect(await page.getByLabel('Attach').count()).toBe(0);
  expect(await page.getByRole('button', { name: 'Emoji' }).count()).toBe(0);
  expect(await page.getByRole('textbox', { name: 'Message' }).isDisabled()).toBe(true);
  await page.getByRole('button', { name: 'Select a Template' }).click();
  await page.getByRole('list', { name: 'Templates' }).getByRole('button').first().waitFor();
  const names = await page.getByRole('list', { name: 'Templates' }).locator('.template-name').allTextContents();
  expect(names.sort()).toEqual(['follow_up', 'welcome_lead']);
  await page
    .getByRole('list', { name: 'Templates' })
    .getByRole('button', { name: /follow_up/ })
    .click();
  await page.getByRole('button', { name: 'Send' }).click();
  await bubble('outbound', 'Hi José, are you still interested?')
    .getByRole('img', { name: /Sent|Delivered|Read/ })
    .first()
    .waitFor({ timeout: 15_000 });
});

it('a reply raises the unread count, which clears on opening the conversation', async () => {
  const list = page.getByRole('navigation', { name: 'Conversations' });
  const joseSms = list.getByRole('button', { name: /José Núñez.*SMS/ });
  const joseBadge = joseSms.locator('.badge');
  // The demo seeds José's first message unread; count from whatever is unread now.
  const joseUnread = async () => ((await joseBadge.count()) === 0 ? 0 : Number(await joseBadge.textContent()));
  const before = await joseUnread();
  const token = await apiToken(shell.serverUrl, 'admin@converse.demo');
  const leadId = await leadIdByName(shell.serverUrl, token, 'José');
  const reply = `Friday works, thanks! (${Date.now()})`;
  await sandboxReply(shell.serverUrl, token, { leadId, channel: 'sms', body: reply });
  await expect.poll(joseUnread, { timeout: 15_000 }).toBe(before + 1);
  // The pop-up's own count (the sandbox's leads also answer Rita's earlier messages, so other
  // conversations may add to it: at least José's).
  const headerBadge = page.getByRole('banner').getByRole('status', { name: /unread message/ });
  expect(Number(/\d+/.exec((await headerBadge.getAttribute('aria-label')) ?? '')?.[0])).toBeGreaterThanOrEqual(
    before + 1,
  );
  await screenshot(page, 'chat-popup-unread');

  await joseSms.click();
  await bubble('inbound', reply).waitFor({ timeout: 15_000 });
  await page.getByRole('button', { name: 'Back' }).click();
  await expect.poll(joseUnread, { timeout: 15_000 }).toBe(0);
});

it('opens a nudge from the Nudges panel (a Linux toast cannot be clicked)', async () => {
  const token = await apiToken(shell.serverUrl, 'admin@converse.demo');
  const leadId = await leadIdByName(shell.serverUrl, token, 'José');
  const reply = `Can you call me back? (${Date.now()})`;
  await sandboxReply(shell.serverUrl, token, { leadId, channel: 'sms', body: reply });
  const bell = page.getByRole('button', { name: 'Nudges' });
  await expect.poll(() => bell.getAttribute('aria-describedby'), { timeout: 15_000 }).toBe('unseen-nudges');
  expect(await page.locator('#unseen-nudges').textContent()).toMatch(/^\d+ new nudges?$/);
  await bell.click();
  const panel = page.getByRole('region', { name: 'Nudges' });
  await panel
    .getByRole('button', { name: /José Núñez/ })
    .first()
    .click();
  await page.getByRole('button', { name: 'Open lead details for José Núñez' }).waitFor();
  expect(await page.getByRole('radio', { name: 'SMS' }).isChecked()).toBe(true);
  await bubble('inbound', reply).waitFor({ timeout: 15_000 });
  expect(await bell.getAttribute('aria-describedby')).toBeNull();
});

it('expands to full screen and back, with Expand and with alt+m', async () => {
  await openLead('José', 'Núñez');
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.getByRole('button', { name: 'Expand' }).click();
  await page.getByRole('button', { name: 'Collapse' }).waitFor();
  await page.getByRole('complementary').getByRole('region', { name: 'Lead details' }).waitFor();
  await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
  await screenshot(page, 'chat-expanded');
  await page.getByRole('button', { name: 'Profile' }).click();
  await page.getByRole('menuitem', { name: 'Usage Reports' }).click();
  await page.getByRole('heading', { name: 'Usage Reports' }).waitFor();
  await page.getByRole('button', { name: 'Close' }).first().click();
  await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
  await page.getByRole('button', { name: 'Collapse' }).click();
  await page.getByRole('button', { name: 'Expand' }).waitFor();

  await page.getByRole('textbox', { name: 'Message' }).focus();
  await page.keyboard.press('Alt+m');
  await page.getByRole('button', { name: 'Collapse' }).waitFor();
  await page.keyboard.press('Alt+m');
  await page.getByRole('button', { name: 'Expand' }).waitFor();
  await page.setViewportSize({ width: 420, height: 760 });
  // Dark follows the OS.
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
  await screenshot(page, 'chat-popup-dark');
});

it('switches the interface to Hindi', async () => {
  await page.getByRole('button', { name: 'Profile' }).click();
  await page.getByRole('menuitem', { name: 'Settings' }).click();
  await page.getByLabel('Language').selectOption('hi');
  await page.getByRole('region', { name: 'सेटिंग्स' }).waitFor();
  await page.getByRole('button', { name: 'बंद करें' }).click();
  await page.getByRole('button', { name: 'बड़ा करें' }).waitFor();
  await screenshot(page, 'chat-hindi');
  await page.getByRole('button', { name: 'प्रोफ़ाइल' }).click();
  await page.getByRole('menuitem', { name: 'सेटिंग्स' }).click();
  await page.getByLabel('भाषा').selectOption('en');
  await page.getByRole('region', { name: 'Settings' }).waitFor();
});

it('opens the CRM lead page set in Settings in a new tab (a browser tab cannot reach the OS browser)', async () => {
  // A stand-in CRM on loopback, so the new tab really loads the lead's page and the test sees
  // what reached it.
  const hits: { path: string; referer: string | undefined }[] = [];
  const crm = createServer((req, res) => {
    hits.push({ path: req.url ?? '', referer: req.headers.referer });
    const leadId = decodeURIComponent((req.url ?? '').split('/').pop() ?? '').replace(/[^\w-]/g, '');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>CRM</title><h1>CRM lead ${leadId}</h1>`);
  });
  await new Promise<void>((resolve) => crm.listen(0, '127.0.0.1', resolve));
  const crmBase = `http://127.0.0.1:${(crm.address() as AddressInfo).port}`;
  try {
    await openLead('Maria', 'Garcia');
    const leadId = await leadIdByName(shell.serverUrl, await apiToken(shell.serverUrl, 'admin@converse.demo'), 'Maria');

    await page.getByRole('button', { name: 'Profile' }).click();
    await page.getByRole('menuitem', { name: 'Settings' }).click();
    const settings = page.getByRole('region', { name: 'Settings' });
    const field = settings.getByRole('textbox', { name: 'CRM lead page' });
    // Not offered in a browser tab: it cannot start itself with the computer.
    expect(await settings.getByRole('checkbox', { name: /log in to this computer/ }).count()).toBe(0);
    // A pattern without {leadId} is explained next to the field and not saved.
    await field.fill(`${crmBase}/leads/`);
    await settings.getByRole('button', { name: 'Save CRM lead page' }).click();
    await settings.getByRole('alert').filter({ hasText: 'Put {leadId} in the address' }).waitFor();
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'settings-en-invalid');
    await field.fill(`${crmBase}/leads/{leadId}`);
    await field.press('Enter');
    await settings.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    expect(await settings.getByRole('alert').count()).toBe(0);
    await screenshot(page, 'settings-en');
    await settings.getByLabel('Language').selectOption('hi');
    const hindi = page.getByRole('region', { name: 'सेटिंग्स' });
    await hindi.getByRole('textbox', { name: 'CRM में लीड का पेज' }).waitFor();
    await screenshot(page, 'settings-hi');
    await hindi.getByLabel('भाषा').selectOption('en');
    await settings.getByRole('button', { name: 'Close' }).click();

    const expected = `${crmBase}/leads/${encodeURIComponent(leadId)}`;
    const link = page.getByRole('link', { name: 'Open Maria Garcia in the CRM (new tab)' });
    expect(await link.getAttribute('href')).toBe(expected);
    const [tab] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
    await tab.getByRole('heading', { name: `CRM lead ${leadId}` }).waitFor({ timeout: 15_000 });
    expect(tab.url()).toBe(expected);
    // The CRM page cannot reach back into the chat window, nor learn its address.
    expect(await tab.evaluate(() => window.opener)).toBeNull();
    expect(hits.find((h) => h.path === `/leads/${encodeURIComponent(leadId)}`)?.referer).toBeUndefined();
    await tab.close();
    // The chat window stayed where it was.
    await page.getByRole('textbox', { name: 'Message' }).waitFor();

    // Cleared, the name opens the lead's details in the app again.
    await page.getByRole('button', { name: 'Profile' }).click();
    await page.getByRole('menuitem', { name: 'Settings' }).click();
    await field.fill('');
    await settings.getByRole('button', { name: 'Save CRM lead page' }).click();
    await settings.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await settings.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('button', { name: 'Open lead details for Maria Garcia' }).click();
    await page.getByRole('region', { name: 'Lead details' }).waitFor();
    await page.getByRole('button', { name: 'Close' }).click();
  } finally {
    await new Promise<void>((resolve) => crm.close(() => resolve()));
  }
});

it('signs out from the profile menu', async () => {
  await page.getByRole('button', { name: 'Profile' }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
});
