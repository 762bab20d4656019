// Issue 13, items 7–9 end to end: the embedded demo server, the browser shell and the built
// renderer in Debian's Chromium. Rita reaches Maria with the keyboard only (↓ and Enter through
// search results; the cursor lands in the composer), sees the picture and PDF Maria sent in the
// demo, goes to the expanded view with alt+m in a pop-up-sized window (one pane at a time, no
// horizontal scrollbar), widens it (three panes; the email breaks only at @ or a dot), closes
// panels with Escape; Ada's Usage Reports fit 1280 px with a WhatsApp chart and a month filter
// in Hindi; then the shell stops (the page says so and how to start it) and its new address,
// pasted into the same tab, reloads the page onto the restarted shell. Screenshots go to
// test-artifacts/issue13-*.png.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startBrowserShell } from '../../main/browser-shell/index';
import { launchChromium, screenshot } from './support/chromium';
import { signIn } from './support/app';
import { bubble, buildRenderer } from './support/chat';

let shell: Awaited<ReturnType<typeof startBrowserShell>>;
let dataDir: string;
let browser: Browser;
let page: Page;
const quiet = { show: async () => ({ status: 'suppressed' as const, reason: 'do-not-disturb' as const }) };

beforeAll(async () => {
  await buildRenderer();
  dataDir = mkdtempSync(path.join(tmpdir(), 'converse-rep-day-e2e-'));
  shell = await startBrowserShell({ dataDir, port: 0, notifier: quiet });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 420, height: 760 }, locale: 'en-US', timezoneId: 'UTC' });
  page.on('pageerror', (e) => console.error('page error:', e.message));
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail' && page)
    await screenshot(page, `issue13-failed-${ctx.task.name.replace(/\W+/g, '-').slice(0, 40)}`).catch(() => undefined);
});

afterAll(async () => {
  await browser?.close();
  await shell?.close();
});

const focusedLabel = () =>
  page.evaluate(
    () => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent ?? null,
  );
/** Wider than the window: a horizontal scrollbar. */
const scrollsSideways = () =>
  page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1);

/** The whole report (it scrolls inside the window, which a full-page shot does not unroll), at the same width. */
async function tallScreenshot(name: string): Promise<void> {
  const { width, height } = page.viewportSize()!;
  await page.setViewportSize({ width, height: 2600 });
  await screenshot(page, name);
  await page.setViewportSize({ width, height });
}

/** Where an element's text wraps: the characters that start its second and later lines. */
const lineStarts = (selector: string) =>
  page.evaluate((sel) => {
    const el = document.querySelector(sel);
    if (!el) throw new Error(`no ${sel}`);
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const starts: string[] = [];
    let lastTop: number | null = null;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent ?? '';
      for (let i = 0; i < text.length; i++) {
        const r = document.createRange();
        r.setStart(node, i);
        r.setEnd(node, i + 1);
        const top = Math.round(r.getBoundingClientRect().top);
        if (lastTop !== null && top > lastTop + 2) starts.push(text[i]);
        lastTop = top;
      }
    }
    return starts;
  }, selector);

it('reaches Maria with the keyboard only: ↓ and Enter through the results, then types in the composer', async () => {
  await page.goto(shell.url);
  await expect
    .poll(() => page.getByLabel('Server URL').inputValue(), { timeout: 20_000 })
    .toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
  await signIn(page, 'rita@converse.demo');
  const search = page.getByRole('searchbox', { name: 'Search leads' });
  await search.fill('Maria');
  await page
    .getByRole('list', { name: 'Leads found' })
    .getByRole('button', { name: /Maria Garcia/ })
    .waitFor();
  await search.press('ArrowDown');
  expect(await focusedLabel()).toMatch(/Maria Garcia/);
  await page.keyboard.press('ArrowUp');
  expect(await focusedLabel()).toBe('Search leads');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Open lead details for Maria Garcia' }).waitFor();
  await expect.poll(focusedLabel).toBe('Message');
  await page.keyboard.type('Typed straight away');
  expect(await page.getByRole('textbox', { name: 'Message' }).inputValue()).toBe('Typed straight away');
  await page.getByRole('textbox', { name: 'Message' }).fill('');
  await screenshot(page, 'issue13-popup');
});

it('shows the picture and the PDF Maria sent in the demo, ready to download', async () => {
  await page.getByRole('radio', { name: 'WhatsApp Business' }).check();
  await expect.poll(focusedLabel).toBe('Message'); // a new conversation: focus in its composer again
  const picture = bubble(page, 'inbound', 'Our office, so you can see the setup.');
  await picture.locator('img').first().waitFor({ timeout: 15_000 });
  await expect
    .poll(
      () =>
        picture
          .locator('img')
          .first()
          .evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth),
      { timeout: 15_000 },
    )
    .toBe(320);
  const pdf = page.locator('[data-message-direction="inbound"]', { hasText: 'team-requirements.pdf' });
  await pdf.waitFor();
  // The list opens short of its end while the picture loads (MessageList), so bring the PDF into view for the picture.
  await pdf
    .getByRole('button', { name: /Download/ })
    .or(pdf.getByRole('link', { name: /Download/ }))
    .first()
    .scrollIntoViewIfNeeded();
  await screenshot(page, 'issue13-received-files');
});

it('alt+m in a pop-up-sized window: one pane at a time, no horizontal scrollbar, Back to the list', async () => {
  await page.keyboard.press('Alt+m');
  await page.locator('.window.expanded').waitFor();
  expect(await scrollsSideways()).toBe(false);
  expect(await page.getByRole('navigation', { name: 'Conversations' }).isVisible()).toBe(false);
  expect(await page.getByRole('textbox', { name: 'Message' }).isVisible()).toBe(true);
  await screenshot(page, 'issue13-expanded-narrow');
  await page.getByRole('button', { name: 'Back' }).click();
  await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
  expect(await scrollsSideways()).toBe(false);
  await screenshot(page, 'issue13-expanded-narrow-list');
});

it('lead details in a narrow window open in the pane and close with Escape; the email never breaks mid-word', async () => {
  await page
    .getByRole('navigation', { name: 'Conversations' })
    .getByRole('button', { name: /Maria Garcia/ })
    .first()
    .click();
  await page.getByRole('button', { name: 'Open lead details for Maria Garcia' }).click();
  const details = page.getByRole('region', { name: 'Lead details' });
  await details.waitFor();
  for (const width of [420, 360, 320]) {
    await page.setViewportSize({ width, height: 760 });
    for (const c of await lineStarts('.lead-details dd.email')) expect(['@', '.']).toContain(c);
  }
  await page.setViewportSize({ width: 420, height: 760 });
  await page.keyboard.press('Escape');
  await details.waitFor({ state: 'detached' });
  await page.getByRole('textbox', { name: 'Message' }).waitFor();
});

it('widened, shows three panes without squeezing, and Escape closes the nudges panel', async () => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.locator('.lead-panel').waitFor();
  expect(await scrollsSideways()).toBe(false);
  for (const c of await lineStarts('.lead-panel dd.email')) expect(['@', '.']).toContain(c);
  await page.getByRole('button', { name: 'Nudges', exact: true }).click();
  await page.getByRole('region', { name: 'Nudges' }).waitFor();
  await page.keyboard.press('Escape');
  await page.getByRole('region', { name: 'Nudges' }).waitFor({ state: 'detached' });
  await screenshot(page, 'issue13-expanded');
});

it('Usage Reports fit 1280 px, chart WhatsApp, and name the months in Hindi when the interface is Hindi', async () => {
  await page.getByRole('button', { name: 'Profile' }).click();
  await page.getByRole('menuitem', { name: 'Usage Reports' }).click();
  await page.getByRole('table', { name: 'SMS per provider' }).waitFor({ timeout: 20_000 });
  await page.getByRole('radio', { name: 'Last 12 months' }).check();
  await expect.poll(() => page.getByRole('table', { name: 'SMS per provider' }).locator('tbody tr').count()).toBe(12);
  expect(await scrollsSideways()).toBe(false);
  const tablesScroll = await page
    .locator('.usage-reports__table')
    .evaluateAll((els) => els.map((e) => e.scrollWidth > e.clientWidth + 1));
  expect(tablesScroll).toEqual([false, false, false, false]);
  await page
    .getByRole('figure', { name: /WhatsApp messages/ })
    .locator('.recharts-bar-rectangle')
    .first()
    .waitFor();
  // The last of the twelve is the current month.
  const now = new Date();
  const current = new Intl.DateTimeFormat('en', { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1),
  );
  expect(await page.getByRole('table', { name: 'SMS per provider' }).locator('tbody tr th').last().innerText()).toBe(
    current,
  );
  await tallScreenshot('issue13-reports');

  await page.getByRole('button', { name: 'Close' }).click();
  await page.getByRole('button', { name: 'Profile' }).click();
  await page.getByRole('menuitem', { name: 'Settings' }).click();
  await page.getByLabel('Language').selectOption('hi');
  await page.getByRole('region', { name: 'सेटिंग्स' }).waitFor();
  await page.getByRole('button', { name: 'प्रोफ़ाइल' }).click();
  await page.getByRole('menuitem', { name: 'उपयोग रिपोर्ट' }).click();
  const monthList = page.getByRole('combobox', { name: 'महीना' });
  await monthList.waitFor();
  const hindiMonth = new Intl.DateTimeFormat('hi', { month: 'long', timeZone: 'UTC' }).format(
    Date.UTC(2000, now.getUTCMonth(), 1),
  );
  expect(await monthList.evaluate((s: HTMLSelectElement) => s.selectedOptions[0].textContent)).toBe(hindiMonth);
  await page.getByRole('table', { name: 'प्रदाता के अनुसार SMS' }).waitFor();
  await tallScreenshot('issue13-reports-hi');
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'प्रोफ़ाइल' }).click();
  await page.getByRole('menuitem', { name: 'सेटिंग्स' }).click();
  await page.getByLabel('भाषा').selectOption('en');
  await page.getByRole('region', { name: 'Settings' }).waitFor();
  await page.keyboard.press('Escape');
  await page.setViewportSize({ width: 420, height: 760 });
});

it('says a stopped shell has stopped and how to start it; its new address in the same tab reloads onto it', async () => {
  const port = Number(new URL(shell.origin).port);
  await shell.close();
  const alert = page.getByRole('alert').filter({ hasText: 'Converse has stopped in this browser.' });
  await alert.waitFor({ timeout: 15_000 });
  expect(await alert.innerText()).toContain('npm run web');
  expect(await page.getByText(/Reconnecting in/).count()).toBe(0);
  await screenshot(page, 'issue13-shell-stopped');

  shell = await startBrowserShell({ dataDir, port, notifier: quiet });
  await page.getByRole('alert').filter({ hasText: 'Converse was restarted.' }).waitFor({ timeout: 15_000 });
  const before = await page.evaluate(() => performance.timeOrigin);
  // Paste the new address into the same tab: only the #token changes.
  await page.evaluate((url) => {
    location.href = url;
  }, shell.url);
  await expect.poll(() => page.evaluate(() => performance.timeOrigin), { timeout: 15_000 }).not.toBe(before);
  await expect
    .poll(
      () =>
        page.evaluate(() =>
          window.converse!.invoke('session.get', {}).then(
            () => 'answered',
            (e: { code: string }) => e.code,
          ),
        ),
      { timeout: 15_000 },
    )
    .toBe('answered');
  expect(await page.getByText('Converse has stopped in this browser.').count()).toBe(0);
  expect(page.url()).toBe(`${shell.origin}/`);
});
