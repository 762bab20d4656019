// A rep's session in the real Electron app (runs only where the Electron binary exists; see
// run.mjs), the same path tests/boot/boot.e2e.ts checks with the electron stand-in: the app starts
// on the Electron build of SQLite with its embedded demo server; Rita signs in, finds Maria and
// texts her (Sent, then Delivered); with the window hidden Maria replies, an Electron Notification
// is raised and its click opens that conversation; alt+m hides and shows the window; closing it
// hides it to the tray; a second launch hands over to the first and exits; Quit ends the process
// with code 0. The OS browser is never opened (support/desktop-app.ts records it instead).
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { chatShortcutAccelerator } from '../../main/shell-policy/chat-shortcut';
import { apiToken, leadIdByName, sandboxReply, signIn } from '../e2e/support/app';
import { REPO_ROOT, bubble, openLead } from '../e2e/support/chat';
import { DesktopApp } from './support/desktop-app';

const RITA = 'rita@converse.demo';
const ACCELERATOR = chatShortcutAccelerator(process.platform);

let desktop: DesktopApp;
let page: Page;
let serverUrl: string;

beforeAll(async () => {
  desktop = await DesktopApp.launch();
  page = desktop.page;
  serverUrl = await desktop.probe('serverUrl');
});
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') await desktop?.explainFailure(ctx.task.name);
});
afterAll(async () => {
  await desktop?.close();
});

/** alt+m: the global shortcut's own handler (a real global key press cannot be synthesised). */
async function pressAltM(): Promise<void> {
  await desktop.probe('toggleChat');
}

it('starts on the Electron build of SQLite, with the embedded server on a free port', async () => {
  expect(await desktop.probe('sqliteBinding')).toBe(path.join(REPO_ROOT, 'native', 'electron', 'better_sqlite3.node'));
  expect(Number(new URL(serverUrl).port)).toBeGreaterThan(0);
  expect(await fetch(`${serverUrl}/api/v1/health`).then((r) => r.json())).toMatchObject({
    ok: true,
    service: 'converse',
  });
  expect(page.url()).toMatch(/^app:\/\/converse\//);
});

it('signs in as Rita', async () => {
  // The sign-in form offers the embedded server, as the desktop core's default.
  await expect
    .poll(() => page.getByLabel('Server URL').inputValue(), { timeout: 20_000 })
    .toContain(new URL(serverUrl).host);
  await signIn(page, RITA);
  await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
});

it('finds Maria by her first name and texts her: Sent, then Delivered', async () => {
  await openLead(page, 'Maria', 'Garcia');
  await page.getByRole('radio', { name: 'SMS' }).check();
  const text = `Hello Maria, from the desktop app (${Date.now()})`;
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.keyboard.press('Enter');
  const mine = bubble(page, 'outbound', text);
  await mine.getByRole('img', { name: 'Sent' }).waitFor({ timeout: 15_000 });
  await mine.getByRole('img', { name: 'Delivered' }).waitFor({ timeout: 15_000 });
  expect(await page.getByRole('textbox', { name: 'Message' }).inputValue()).toBe('');
});

it('raises a notification for a reply while the window is hidden; its click opens that conversation', async () => {
  // Back to the list: the nudge's click must be what opens Maria's conversation.
  await page.getByRole('button', { name: 'Back' }).click();
  await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
  expect(await desktop.notificationsSupported()).toBe(true);
  await desktop.captureNudges();
  await desktop.showFocused();
  await pressAltM();
  await expect.poll(() => desktop.chat(), { timeout: 5_000 }).toMatchObject({ visible: false });
  const unreadBefore = (await desktop.probe('tray'))!.unread;

  // Maria's phone answers, through the demo server's sandbox connector.
  const token = await apiToken(serverUrl, 'admin@converse.demo');
  const reply = `Is the 3-bedroom still available? (${Date.now()})`;
  await sandboxReply(serverUrl, token, {
    leadId: await leadIdByName(serverUrl, token, 'Maria'),
    channel: 'sms',
    body: reply,
  });
  await expect
    .poll(() => desktop.nudges(reply), { timeout: 20_000 })
    .toEqual([{ title: expect.stringContaining('Maria'), body: expect.stringContaining(reply) }]);
  await expect
    .poll(async () => (await desktop.probe('tray'))!.unread, { timeout: 15_000 })
    .toBeGreaterThan(unreadBefore);

  expect(await desktop.clickNudge(reply)).toBe(true);
  await expect.poll(() => desktop.chat(), { timeout: 10_000 }).toMatchObject({ visible: true, focused: true });
  await page.getByRole('button', { name: 'Open lead details for Maria Garcia' }).waitFor({ timeout: 15_000 });
  await bubble(page, 'inbound', reply).waitFor({ timeout: 15_000 });
});

it('registers alt+m with the OS; it hides the focused window and shows it again', async () => {
  expect(await desktop.probe('shortcut')).toEqual({ accelerator: ACCELERATOR, registered: true, error: null });
  expect(
    await desktop.app.evaluate(
      ({ globalShortcut }, accelerator) => globalShortcut.isRegistered(accelerator),
      ACCELERATOR,
    ),
  ).toBe(true);
  await desktop.showFocused();
  await pressAltM();
  await expect.poll(() => desktop.chat(), { timeout: 5_000 }).toMatchObject({ visible: false });
  await pressAltM();
  await expect.poll(() => desktop.chat(), { timeout: 10_000 }).toMatchObject({ visible: true, focused: true });
});

it('hides to the tray when the window is closed, and keeps running', async () => {
  await desktop.app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0].close());
  await expect.poll(() => desktop.windows(), { timeout: 5_000 }).toEqual([{ destroyed: false, visible: false }]);
  expect(await desktop.probe('tray')).toMatchObject({
    unread: expect.any(Number),
    image: expect.stringMatching(/^tray-/),
  });
  expect(desktop.running).toBe(true);
  // The page lives on behind the hidden window, still on Maria's conversation.
  await page.getByRole('button', { name: 'Open lead details for Maria Garcia' }).waitFor({ state: 'attached' });
});

it('hands a second launch to the first and exits: --toggle toggles the window, a plain launch shows it', async () => {
  await desktop.showFocused();
  const toggle = await desktop.secondInstance(['--toggle']);
  expect({ code: toggle.code, signal: toggle.signal }).toEqual({ code: 0, signal: null });
  await expect.poll(() => desktop.chat(), { timeout: 10_000 }).toMatchObject({ visible: false });
  const plain = await desktop.secondInstance([]);
  expect({ code: plain.code, signal: plain.signal }).toEqual({ code: 0, signal: null });
  await expect.poll(() => desktop.chat(), { timeout: 10_000 }).toMatchObject({ visible: true, focused: true });
  expect(await desktop.windows()).toEqual([{ destroyed: false, visible: true }]);
});

it('quits: the process ends with code 0 and the embedded server stops; nothing went to the OS browser', async () => {
  expect(await desktop.openedExternally()).toEqual([]);
  expect(await desktop.quit(10_000)).toEqual({ code: 0, signal: null });
  await expect(fetch(`${serverUrl}/api/v1/health`)).rejects.toThrow();
});
