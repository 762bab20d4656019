// "Start to ready with data" for the start benchmark: a fresh process opens the big store,
// starts the core and answers the first screen's calls (conversation list, unread counts,
// the newest conversation's messages), then reports.
import { createDesktopCore } from '../../../../main/core/index';

const [dataDir] = process.argv.slice(2);
const core = createDesktopCore({
  dataDir,
  notifier: { show: async () => ({ status: 'shown' }) },
  // Signed out: the benchmark measures the local store, not a network round trip.
  credentials: { load: async () => null, save: async () => {}, clear: async () => {} },
  shell: {
    setExpanded: async (e) => e,
    toggle: async () => true,
    showWindow: () => {},
    openExternal: async () => false,
    shortcutStatus: () => ({ accelerator: 'Alt+M', registered: false, error: null }),
    setUnreadCount: () => {},
    setLaunchAtLogin: () => {},
  },
});
let unreadTotal = -1;
core.on('unread.changed', (u) => {
  unreadTotal = u.total;
});
await core.start();
const conversations = await core.handle('conversations.list', { limit: 100 });
const page = await core.handle('messages.page', { conversationId: conversations[0].id, limit: 100 });
const readyMs = performance.now();
process.send!(
  {
    type: 'ready',
    readyMs,
    uptimeMs: process.uptime() * 1000,
    conversations: conversations.length,
    messages: page.messages.length,
    unreadTotal,
    rssMb: process.memoryUsage().rss / 1024 / 1024,
  },
  () => {
    void core.stop().then(() => process.exit(0));
  },
);
