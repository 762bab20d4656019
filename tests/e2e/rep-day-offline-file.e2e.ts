// Issue 13, item 5 (and 4): a file chosen while the Converse server cannot be reached is queued
// like text — the composer keeps it ("Sent when the server is back"), the bubble shows it at once,
// and the core's outbox uploads and sends it on reconnect. The banner says the server cannot be
// reached (the machine is online), not "You are offline". The real server sits behind a TCP proxy
// the test cuts; Chromium drives the browser shell. Screenshots go to test-artifacts/.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startBrowserShell } from '../../main/browser-shell/index';
import { startServer, type RunningServer } from '../../server/app';
import { TcpProxy } from '../core/support/tcp-proxy';
import { launchChromium, screenshot } from './support/chromium';
import { signIn } from './support/app';
import { PNG_1X1, bubble, buildRenderer, openLead } from './support/chat';

let server: RunningServer;
let proxy: TcpProxy;
let shell: Awaited<ReturnType<typeof startBrowserShell>>;
let browser: Browser;
let page: Page;
const dataDir = mkdtempSync(path.join(tmpdir(), 'converse-offline-file-e2e-'));

beforeAll(async () => {
  await buildRenderer();
  server = await startServer({
    demo: true,
    port: 0,
    dataDir: path.join(dataDir, 'server'),
    log: false,
    env: { SANDBOX_AUTO_REPLY: 'off' },
  });
  proxy = await new TcpProxy(server.port).start();
  shell = await startBrowserShell({
    dataDir: path.join(dataDir, 'shell'),
    port: 0,
    serverUrl: proxy.url,
    notifier: { show: async () => ({ status: 'suppressed', reason: 'do-not-disturb' }) },
  });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 420, height: 760 }, locale: 'en-US' });
  page.on('pageerror', (e) => console.error('page error:', e.message));
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail' && page)
    await screenshot(page, `issue13-offline-file-failed-${ctx.task.name.replace(/\W+/g, '-').slice(0, 40)}`).catch(
      () => undefined,
    );
});

afterAll(async () => {
  await browser?.close();
  await shell?.close();
  await proxy?.stop();
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

it('queues an image chosen while the server is unreachable and sends it, with its caption, on reconnect', async () => {
  await page.goto(shell.url);
  await expect.poll(() => page.getByLabel('Server URL').inputValue(), { timeout: 20_000 }).toBe(proxy.url);
  await signIn(page, 'rita@converse.demo');
  await openLead(page, 'Maria', 'Garcia');
  await page.getByRole('radio', { name: 'SMS' }).check();

  proxy.setAccepting(false);
  proxy.cut();
  // The machine is online: it is the server that cannot be reached, and the words say so.
  await page
    .getByText(/The Converse server cannot be reached/)
    .first()
    .waitFor({ timeout: 15_000 });
  expect(await page.getByText(/You are offline/).count()).toBe(0);

  await page.getByLabel('Attach').setInputFiles({ name: 'site-visit.png', mimeType: 'image/png', buffer: PNG_1X1 });
  await page.getByText(/Sent when the server is back/).waitFor();
  await page.getByRole('img', { name: 'Preview of site-visit.png' }).waitFor();
  const caption = `Site visit photo (${Date.now()})`;
  await page.getByRole('textbox', { name: 'Caption' }).fill(caption);
  await page.getByRole('button', { name: 'Send' }).click();
  const mine = bubble(page, 'outbound', caption);
  await mine.getByRole('img', { name: 'Pending' }).waitFor({ timeout: 10_000 });
  await mine.getByText('site-visit.png').first().waitFor();
  // The picture shows at once, from the outbox, before any byte reached the server.
  const preview = mine.getByRole('img', { name: 'Image site-visit.png' });
  await expect
    .poll(() => preview.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 10_000 })
    .toBe(1);
  await page.getByText(/1 message waiting to send/).waitFor();
  await screenshot(page, 'issue13-attachment-offline-queued');

  proxy.setAccepting(true);
  await mine
    .getByRole('img', { name: /Sent|Delivered/ })
    .first()
    .waitFor({ timeout: 40_000 });
  await expect.poll(() => page.getByText(/waiting to send/).count(), { timeout: 10_000 }).toBe(0);
  await screenshot(page, 'issue13-attachment-offline-sent');
});
