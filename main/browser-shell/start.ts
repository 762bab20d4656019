// `npm run web`: the browser shell on 127.0.0.1. Prints the address to open (with its access
// token) and the demo sign-in. Environment:
//   CONVERSE_SERVER_URL  a Converse server to use instead of the embedded demo server
//   CONVERSE_WEB_PORT    port of the page (default 4781; 0 picks a free one)
//   CONVERSE_EMBEDDED_PORT  port of the embedded demo server (default 4782, a free one when taken;
//                        0 picks a free one every start)
//   CONVERSE_DATA_DIR    where the desktop data and the embedded server keep their files
import envPaths from 'env-paths';
import { startBrowserShell } from './index';

/** The page's port; the embedded server's beside it (the Electron app's is 4780). */
const DEFAULT_PORT = 4781;
const DEFAULT_EMBEDDED_PORT = 4782;

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new Error(`${name} must be a port number (0–65535), not "${raw}".`);
  return n;
}

async function main(): Promise<void> {
  const dataDir = process.env.CONVERSE_DATA_DIR || envPaths('converse-desktop', { suffix: '' }).data;
  const serverUrl = process.env.CONVERSE_SERVER_URL || null;
  const shell = await startBrowserShell({
    dataDir,
    port: portFromEnv('CONVERSE_WEB_PORT', DEFAULT_PORT),
    embeddedPort: portFromEnv('CONVERSE_EMBEDDED_PORT', DEFAULT_EMBEDDED_PORT),
    serverUrl,
  });

  console.log('');
  console.log('Converse Desktop — browser shell');
  console.log(`  Open:     ${shell.url}`);
  console.log(`  Server:   ${shell.serverUrl}${serverUrl ? '' : ' (embedded, demo workspace)'}`);
  if (!serverUrl) console.log('  Sign in:  rita@converse.demo / converse-demo   (also sam@… and admin@converse.demo)');
  console.log(`  Data:     ${dataDir}`);
  console.log('  The address carries a one-time access token; keep it to yourself. Ctrl+C stops.');
  console.log('');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    const force = setTimeout(() => process.exit(1), 5000);
    force.unref();
    await shell.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(`Converse browser shell could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
