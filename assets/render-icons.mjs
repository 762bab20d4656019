// Renders the app icons, the tray images (unread 0–9 and "9+", at 1x and 2x) and the macOS
// menu-bar template image once, in
// headless Chromium, and writes them as PNGs next to this script. The PNGs are committed; run
// this again only to change the artwork: `node assets/render-icons.mjs`.
import { chromium } from 'playwright-core';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const BRAND = '#3b5bdb';
const BADGE = '#e03131';
const TRAY_SIZE = 22;
const APP_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];

// Drawn in the page: a speech bubble (the chat) and, for the tray, a red count badge.
function draw({ size, label, brand, badge, tray, template }) {
  const c = document.createElement('canvas');
  c.width = size;
  c.height = size;
  const g = c.getContext('2d');
  const s = size / 64;
  g.scale(s, s);
  if (!tray) {
    g.fillStyle = brand;
    g.beginPath();
    g.roundRect(2, 2, 60, 60, 14);
    g.fill();
  }
  // bubble
  g.fillStyle = tray ? brand : '#ffffff';
  g.beginPath();
  g.roundRect(tray ? 4 : 12, tray ? 8 : 14, tray ? 48 : 40, tray ? 36 : 28, tray ? 12 : 9);
  g.fill();
  g.beginPath();
  if (tray) {
    g.moveTo(14, 40);
    g.lineTo(10, 56);
    g.lineTo(28, 42);
  } else {
    g.moveTo(20, 38);
    g.lineTo(17, 50);
    g.lineTo(31, 40);
  }
  g.closePath();
  g.fill();
  // three dots: someone is talking
  // A macOS template image is black on transparent (the menu bar tints it): the dots are cut out.
  if (template) g.globalCompositeOperation = 'destination-out';
  g.fillStyle = tray ? '#ffffff' : brand;
  for (const x of tray ? [17, 28, 39] : [23, 32, 41]) {
    g.beginPath();
    g.arc(x, tray ? 26 : 28, tray ? 4 : 3.2, 0, Math.PI * 2);
    g.fill();
  }
  if (label) {
    const r = label.length > 1 ? 19 : 17;
    g.fillStyle = badge;
    g.beginPath();
    g.arc(64 - r, r, r, 0, Math.PI * 2);
    g.fill();
    g.strokeStyle = '#ffffff';
    g.lineWidth = 3;
    g.stroke();
    g.fillStyle = '#ffffff';
    g.font = `bold ${label.length > 1 ? 22 : 28}px sans-serif`;
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    g.fillText(label, 64 - r, r + 2);
  }
  return c.toDataURL('image/png').split(',')[1];
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
});
try {
  const page = await browser.newPage();
  const render = (opts) =>
    page.evaluate(draw, { brand: BRAND, badge: BADGE, ...opts }).then((b64) => Buffer.from(b64, 'base64'));

  mkdirSync(path.join(here, 'tray'), { recursive: true });
  const labels = [null, '1', '2', '3', '4', '5', '6', '7', '8', '9', '9+'];
  for (let i = 0; i < labels.length; i++) {
    const name = i === 10 ? 'tray-9plus' : `tray-${i}`;
    writeFileSync(
      path.join(here, 'tray', `${name}.png`),
      await render({ size: TRAY_SIZE, label: labels[i], tray: true }),
    );
    writeFileSync(
      path.join(here, 'tray', `${name}@2x.png`),
      await render({ size: TRAY_SIZE * 2, label: labels[i], tray: true }),
    );
  }
  // macOS menu bar: one monochrome template image; the count goes beside it (Tray.setTitle).
  for (const [suffix, size] of [
    ['', TRAY_SIZE - 6],
    ['@2x', (TRAY_SIZE - 6) * 2],
  ]) {
    writeFileSync(
      path.join(here, 'tray', `trayTemplate${suffix}.png`),
      await render({ size, label: null, tray: true, template: true, brand: '#000000' }),
    );
  }
  mkdirSync(path.join(here, 'icons'), { recursive: true });
  for (const size of APP_SIZES) {
    writeFileSync(path.join(here, 'icons', `${size}x${size}.png`), await render({ size, label: null, tray: false }));
  }
  writeFileSync(path.join(here, 'icon.png'), await render({ size: 1024, label: null, tray: false }));
  console.log(`icons written to ${here}`);
} finally {
  await browser.close();
}
