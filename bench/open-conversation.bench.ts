// Opening a 50,000-message conversation in Chromium: time from the click to the first paint of
// its messages, and how many DOM nodes the message list holds. The built renderer is served
// as is, with a bench-only ConverseApi (50,000 generated messages, paged like the core pages
// SQLite) injected before the bundle runs, so this measures the renderer alone.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_PATH } from '../tests/e2e/support/chromium';
import { percentile, type Benchmark, type Figure } from './figures';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RENDERER_DIR = path.join(ROOT, 'dist/renderer');
const MESSAGES = 50_000;
const RUNS = 7;

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

/** Serve the built renderer on 127.0.0.1 (no bridge: the bench API is injected instead). */
async function serveRenderer(): Promise<{ url: string; server: Server }> {
  const answer = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
    const file = path.resolve(RENDERER_DIR, rel);
    if (!file.startsWith(RENDERER_DIR)) {
      res.writeHead(403).end();
      return;
    }
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file');
      res
        .writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' })
        .end(await readFile(file));
    } catch {
      res.writeHead(404).end();
    }
  };
  // answer() turns every failure into a 404 itself, so nothing is left to await here.
  const server = createServer((req, res) => void answer(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('no address');
  return { url: `http://127.0.0.1:${addr.port}/index.html`, server };
}

/**
 * The bench ConverseApi. Written as a function for type-checking, but sent to the page as
 * source text with `total` spliced in: tsx's helpers (__name) do not exist in the page.
 */
function installBenchApi(total: number): void {
  const lead = {
    id: 'lead-big',
    firstName: 'Maria',
    lastName: 'Garcia',
    email: null,
    ownerId: 'u1',
    ownerName: 'Rita Rep',
    customFields: {},
    masked: [],
    updatedAt: new Date().toISOString(),
    phones: [{ handle: 'h1', display: '+1 415 555 0134', primary: true, masked: false, smsOptedOut: false }],
  };
  const conversationId = 'lead-big:sms';
  const start = Date.now() - total * 60_000;
  const message = (i: number) => ({
    id: `m${i}`,
    clientId: null,
    conversationId,
    leadId: lead.id,
    channel: 'sms',
    direction: i % 3 === 0 ? 'inbound' : 'outbound',
    body:
      i % 7 === 0
        ? `Message ${i}: a somewhat longer line of text so that some bubbles wrap onto a second line in the pop-up.`
        : `Message ${i}`,
    phoneHandle: 'h1',
    status: i % 3 === 0 ? 'received' : 'delivered',
    createdAt: new Date(start + i * 60_000).toISOString(),
    updatedAt: new Date(start + i * 60_000).toISOString(),
  });
  const answers: Record<string, (a: any) => unknown> = {
    'session.get': () => ({
      signedIn: true,
      user: { id: 'u1', name: 'Rita Rep', email: 'rita@converse.demo', role: 'sales' },
      serverUrl: 'http://127.0.0.1:1',
    }),
    'settings.get': () => ({
      doNotDisturb: false,
      language: 'en',
      theme: 'system',
      mutedConversations: [],
      launchAtLogin: false,
      crmLeadUrl: '',
    }),
    'connection.get': () => ({ status: 'connected', outboxSize: 0 }),
    'conversations.list': () => [
      {
        id: conversationId,
        leadId: lead.id,
        channel: 'sms',
        lastMessageAt: message(total - 1).createdAt,
        lastMessagePreview: message(total - 1).body,
        windowClosesAt: null,
        leadName: 'Maria Garcia',
        unreadCount: 0,
        muted: false,
      },
    ],
    'conversations.get': () => null,
    'conversations.focus': () => ({}),
    'conversations.markRead': () => ({}),
    'leads.get': () => lead,
    'leads.details': () => ({ lead, activity: [], conversations: [] }),
    'messages.page': (a) => {
      const end = a.before === null ? total : Number(String(a.before).slice(1));
      const from = Math.max(0, end - (a.limit ?? 100));
      const messages = [];
      for (let i = from; i < end; i++) messages.push(message(i));
      return { messages, before: from > 0 ? `m${from}` : null };
    },
    'nudges.list': () => [],
    'templates.list': () => [],
  };
  (window as any).converse = {
    platform: 'linux',
    shell: 'web',
    invoke: async (name: string, args: unknown) => {
      const answer = answers[name];
      if (!answer) throw Object.assign(new Error(`bench API: ${name} not supported`), { code: 'unknown_call' });
      return answer(args ?? {});
    },
    on: () => () => undefined,
  };
}

/**
 * Debian's Chromium with the closed network's flags. Not tests/e2e/support/chromium.ts's
 * launchChromium: this Playwright refuses a --user-data-dir argument, and without one it
 * gives every launch a fresh temporary profile anyway.
 */
const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });

function benchApiSource(total: number): string {
  // esbuild's keepNames (tsx) wraps inner functions in __name(); functions this file hands the
  // page (this one, page.evaluate's) need it defined there, as the no-op it is.
  return `globalThis.__name = (f) => f; (${installBenchApi.toString()})(${total});`;
}

async function measure(): Promise<Figure[]> {
  await build({ configFile: path.join(ROOT, 'renderer/vite.config.ts'), logLevel: 'warn' });
  const { url, server } = await serveRenderer();
  const browser = await launchChromium();
  const paints: number[] = [];
  const nodes: number[] = [];
  let scrolledNodes = 0;
  let reachedBack = 0;
  try {
    for (let run = 0; run < RUNS; run++) {
      const context = await browser.newContext({ viewport: { width: 420, height: 720 } });
      const page = await context.newPage();
      await page.addInitScript({ content: benchApiSource(MESSAGES) });
      await page.goto(url);
      await page.getByRole('button', { name: /Maria Garcia/ }).waitFor();
      // Measured inside the page: click → messages in the DOM → the frame that paints them.
      const r = await page.evaluate(
        () =>
          new Promise<{ ms: number; nodes: number }>((resolve) => {
            const button = [...document.querySelectorAll('button')].find((b) =>
              b.textContent?.includes('Maria Garcia'),
            )!;
            const done = () => {
              requestAnimationFrame(() => {
                const channel = new MessageChannel();
                channel.port1.onmessage = () => {
                  const log = document.querySelector('[role="log"]')!;
                  resolve({ ms: performance.now() - t0, nodes: log.querySelectorAll('*').length + 1 });
                };
                channel.port2.postMessage(null);
              });
            };
            const observer = new MutationObserver(() => {
              if (document.querySelector('[role="log"] .bubble')) {
                observer.disconnect();
                done();
              }
            });
            observer.observe(document.body, { childList: true, subtree: true });
            const t0 = performance.now();
            button.click();
          }),
      );
      paints.push(r.ms);
      nodes.push(r.nodes);
      if (run === RUNS - 1) {
        // Scroll up through several older pages: the list must stay just as small.
        const log = page.getByRole('log', { name: 'Messages' });
        for (let i = 0; i < 10; i++) {
          await log.evaluate((el) => {
            el.scrollTop = 0;
            el.dispatchEvent(new Event('scroll'));
          });
          await page.waitForTimeout(60);
        }
        scrolledNodes = await log.evaluate((el) => el.querySelectorAll('*').length + 1);
        // The oldest message on screen says how far back the pages reached.
        const firstShown = await log.evaluate((el) => el.querySelector('.bubble .body')?.textContent ?? '');
        const n = Number(/Message (\d+)/.exec(firstShown)?.[1] ?? NaN);
        reachedBack = MESSAGES - n;
      }
      await context.close();
    }
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return [
    {
      name: 'open 50k-message conversation: first paint (median)',
      value: percentile(paints, 50),
      unit: 'ms',
      target: '< 150',
    },
    {
      name: 'open 50k-message conversation: first paint (worst of 7)',
      value: Math.max(...paints),
      unit: 'ms',
      target: null,
    },
    {
      name: 'open 50k-message conversation: DOM nodes in list',
      value: Math.max(...nodes),
      unit: 'nodes',
      target: '< 300',
    },
    {
      name: 'after scrolling up 10 times: messages back from the newest',
      value: reachedBack,
      unit: 'messages',
      target: null,
    },
    { name: 'after scrolling up 10 times: DOM nodes in list', value: scrolledNodes, unit: 'nodes', target: '< 300' },
  ];
}

const bench: Benchmark = { name: 'open-conversation', run: measure };
export default bench;
