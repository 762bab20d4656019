// `npm run server`: the embedded server with no configuration needed. Listens on 127.0.0.1,
// keeps its data in the user's data directory, seeds the demo workspace on first start.
import envPaths from 'env-paths';
import { startServer } from './app';
import { msSetting } from './settings';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from './demo/accounts';

const dataDir = process.env.CONVERSE_DATA_DIR || envPaths('converse', { suffix: '' }).data;
const demo = !/^(0|false|no|off)$/i.test(process.env.CONVERSE_DEMO ?? 'true');

try {
  const drainGraceMs = msSetting(process.env.CONVERSE_DRAIN_GRACE_MS, 0) ?? 0;
  // Logs JSON lines on stdout at CONVERSE_LOG_LEVEL (info unless set), beside the lines below.
  const server = await startServer({ dataDir, demo });
  console.log(`Converse server listening on ${server.url}`);
  console.log(`  data: ${dataDir}`);
  console.log(`  API: ${server.url}/api/v1   stream: ${server.url.replace(/^http/, 'ws')}/api/v1/stream`);
  if (server.createdApiKey) {
    console.log(
      `  events API key (POST /api/v1/events, header X-Api-Key; shown once, stored hashed): ${server.createdApiKey}`,
    );
  }
  if (demo) {
    console.log(`  demo sign-ins (password "${DEMO_PASSWORD}"):`);
    for (const a of Object.values(DEMO_ACCOUNTS)) console.log(`    ${a.email.padEnd(22)} ${a.name} (${a.role})`);
  }
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  // SIGTERM (an orchestrator replacing this node): drain, so streams move to other nodes and
  // work under way finishes; CONVERSE_DRAIN_GRACE_MS keeps answering 503 on /api/v1/ready meanwhile.
  const drain = () => {
    void server.drain(drainGraceMs).then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', drain);
} catch (err) {
  console.error(`Converse server could not start: ${(err as Error).message}`);
  process.exit(1);
}
