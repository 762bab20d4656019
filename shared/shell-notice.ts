// The `notice` kinds the browser shell's web bridge (preload/web-bridge.ts) sends about the shell that
// served the page; the renderer's ShellStatus turns them into words for the rep. One list, so
// the sender and the reader cannot drift apart.
export const SHELL_NOTICE = {
  /** Nothing answers on this page's address: the shell has stopped. */
  stopped: 'bridge-stopped',
  /** The shell answers with another access token: it was restarted, the new address is needed. */
  restarted: 'bridge-token-rejected',
  /** The same shell answers again (it was only unreachable for a while). */
  back: 'bridge-connected',
} as const;

export type ShellNoticeKind = (typeof SHELL_NOTICE)[keyof typeof SHELL_NOTICE];
