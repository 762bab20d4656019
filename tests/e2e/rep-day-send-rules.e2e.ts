// Issue 13, items 1, 2, 4, 5 and 10 in Chromium against the real server and core (the browser
// shell with the demo workspace): the composer refuses what the server would refuse before it is
// sent (an SMS to a UK number, a 1,001-character SMS), Select Number preselects the number SMS
// can reach and bubbles say which number, the attachment composer is one box with a thumbnail,
// errors are in words, and lead search folds names the shared way. Screenshots go to test-artifacts/.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startBrowserShell } from '../../main/browser-shell/index';
import { launchChromium, screenshot } from './support/chromium';
import { signIn } from './support/app';
import { PNG_1X1, bubble as bubbleOn, buildRenderer } from './support/chat';

let shell: Awaited<ReturnType<typeof startBrowserShell>>;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  await buildRenderer();
  shell = await startBrowserShell({
    dataDir: mkdtempSync(path.join(tmpdir(), 'converse-send-rules-e2e-')),
    port: 0,
    notifier: { show: async () => ({ status: 'suppressed', reason: 'do-not-disturb' }) },
  });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 420, height: 760 }, locale: 'en-US' });
  page.on('pageerror', (e) => console.error('page error:', e.message));
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail' && page)
    await screenshot(page, `issue13-send-rules-failed-${ctx.task.name.replace(/\W+/g, '-').slice(0, 40)}`).catch(
      () => undefined,
    );
});

afterAll(async () => {
  await browser?.close();
  await shell?.close();
});

const send = () => page.getByRole('button', { name: 'Send' });
const box = (name = 'Message') => page.getByRole('textbox', { name });
const sentCount = () => page.locator('[data-message-direction="outbound"]').count();

it('opens Lucas Rodríguez on SMS with his US number preselected and the UK one marked', async () => {
  await page.goto(shell.url);
  await expect
    .poll(() => page.getByLabel('Server URL').inputValue(), { timeout: 20_000 })
    .toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
  await signIn(page, 'sam@converse.demo');
  // Prefix and accent-folded search: "rodri" finds Rodríguez.
  await page.getByRole('searchbox', { name: 'Search leads' }).fill('rodri');
  await page
    .getByRole('list', { name: 'Leads found' })
    .getByRole('button', { name: /Lucas Rodríguez/ })
    .click();
  await page.getByRole('button', { name: 'Open lead details for Lucas Rodríguez' }).waitFor();
  await page.getByRole('radio', { name: 'SMS' }).check();
  const select = page.getByRole('combobox', { name: 'Select Number' });
  const chosen = await select.evaluate((s: HTMLSelectElement) => s.selectedOptions[0].textContent ?? '');
  expect(chosen).toMatch(/^\+1 /);
  const uk = select.locator('option', { hasText: 'UK mobile' });
  expect(await uk.textContent()).toContain('no SMS: not a US number');
  expect(await send().isDisabled()).toBe(true); // nothing typed yet
});

it('refuses an SMS to the UK number before anything is sent, and says why', async () => {
  const before = await sentCount();
  const select = page.getByRole('combobox', { name: 'Select Number' });
  const ukValue = await select.locator('option', { hasText: 'UK mobile' }).getAttribute('value');
  await select.selectOption(ukValue!);
  await page
    .getByRole('note')
    .filter({ hasText: 'SMS reaches US numbers only, and this number is not a US number.' })
    .waitFor();
  expect(await page.getByRole('note').textContent()).toContain('Another number of this lead is a US number');
  expect(await box().isDisabled()).toBe(true);
  expect(await send().isDisabled()).toBe(true);
  await screenshot(page, 'issue13-sms-uk-number-refused');
  expect(await sentCount()).toBe(before);
});

it('refuses a 1,001-character SMS before sending and sends it once shortened; the bubble names the number', async () => {
  const select = page.getByRole('combobox', { name: 'Select Number' });
  const usValue = await select
    .locator('option', { hasText: 'Mobile' })
    .filter({ hasNotText: 'UK' })
    .getAttribute('value');
  await select.selectOption(usValue!);
  const before = await sentCount();
  const text = `Lucas, the full terms (${Date.now()}) `.padEnd(1001, 'x');
  await box().fill(text);
  await page.getByText('Too long: 1001 characters, at most 1000. Shorten it by 1.').waitFor();
  expect(await send().isDisabled()).toBe(true);
  await box().press('Enter');
  await screenshot(page, 'issue13-sms-1001-refused');
  expect(await sentCount()).toBe(before);
  expect(await box().inputValue()).toBe(text);

  await box().press('Backspace');
  expect(await send().isDisabled()).toBe(false);
  await send().click();
  const mine = bubbleOn(page, 'outbound', text.slice(0, 40));
  await mine
    .getByRole('img', { name: /Sent|Delivered/ })
    .first()
    .waitFor({ timeout: 15_000 });
  // Sam's permissions mask phone numbers: the bubble names the number as he may see it.
  expect(await mine.textContent()).toMatch(/To \+1 [•\d ]+\(Mobile\)/);
});

it('attaches an image in one box: a thumbnail, the box becomes its caption, Send stays put', async () => {
  const sendBox = await send().boundingBox();
  await page.getByLabel('Attach').setInputFiles({ name: 'office.png', mimeType: 'image/png', buffer: PNG_1X1 });
  const thumb = page.getByRole('img', { name: 'Preview of office.png' });
  await thumb.waitFor();
  await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
  await box('Caption').waitFor();
  expect(await page.getByRole('textbox').count()).toBeGreaterThanOrEqual(1);
  expect(await page.locator('.composer textarea').count()).toBe(1);
  const caption = `Our new office (${Date.now()})`;
  await box('Caption').fill(caption);
  await page.locator('.attachment-box .hint').waitFor();
  // The row with Send keeps its place while the file uploads and is ready (the composer grows upward).
  const sendAfter = await send().boundingBox();
  expect(Math.abs((sendAfter?.y ?? 0) - (sendBox?.y ?? 0))).toBeLessThan(2);
  await screenshot(page, 'issue13-attachment-composer');
  await send().click();
  const sent = bubbleOn(page, 'outbound', caption);
  await sent
    .getByRole('img', { name: /Sent|Delivered|Read/ })
    .first()
    .waitFor({ timeout: 15_000 });
  expect(await box().inputValue()).toBe('');
});

it('says in words which files SMS takes, without MIME types or connector names', async () => {
  await page
    .getByLabel('Attach')
    .setInputFiles({ name: 'quote.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') });
  const alert = page.getByRole('alert').filter({ hasText: 'This kind of file cannot be sent by SMS' });
  await alert.waitFor();
  const words = await alert.textContent();
  expect(words).toMatch(/You can send: jpeg, jpg, png/);
  expect(words).not.toMatch(/application\/pdf|RingCentral|Sandbox/);
  await screenshot(page, 'issue13-attachment-refused-in-words');
});
