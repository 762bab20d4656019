// Chat-window steps the end-to-end suites share: building this checkout's renderer, a real image
// to attach, and finding leads and message bubbles the way a rep does (by their names on screen).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

// A valid 1×1 PNG: the server sniffs the bytes, so the image must be a real one.
export const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** Build dist/renderer from this checkout (about two seconds), so a suite tests what is here. */
export async function buildRenderer(): Promise<void> {
  const { build } = await import('vite');
  await build({ configFile: path.join(REPO_ROOT, 'renderer/vite.config.ts'), logLevel: 'warn' });
}

/** One message bubble, by direction and (part of) its text. */
export function bubble(page: Page, direction: 'inbound' | 'outbound', text: string): Locator {
  return page.locator(`[data-message-direction="${direction}"]`, { hasText: text });
}

/** Search a lead by first name in "Search leads" and open its conversation. */
export async function openLead(page: Page, first: string, last: string): Promise<void> {
  await page.getByRole('searchbox', { name: 'Search leads' }).fill(first);
  await page
    .getByRole('list', { name: 'Leads found' })
    .getByRole('button', { name: new RegExp(`${first} ${last}`) })
    .click();
  await page.getByRole('button', { name: `Open lead details for ${first} ${last}` }).waitFor();
}
