// What the desktop core needs from the shell it runs in. The Electron shell (main/) and the
// browser shell (main/browser-shell/) each implement these; tests inject fakes.
import type { NudgeView } from '../../shared/domain';

/** The outcome of one attempt to show a nudge: never a silent failure. */
export type NudgeResult =
  | { status: 'shown' }
  | {
      status: 'suppressed';
      reason:
        | 'do-not-disturb'
        | 'kind-off'
        | 'quiet-hours'
        | 'muted'
        | 'conversation-focused'
        | 'coalesced'
        | 'signed-out'
        | 'stale';
    }
  | { status: 'failed'; reason: string };

/** An OS notification to raise. `onClick` opens the app at what the nudge is about. */
export interface OsNotification {
  id: string;
  title: string;
  body: string;
  nudge: NudgeView;
}

/** Raises OS notifications: Electron's Notification in the Electron shell, node-notifier elsewhere. */
export interface Notifier {
  show(n: OsNotification, onClick: () => void): Promise<NudgeResult>;
}

/** Keeps the session token: safeStorage in Electron, a user-only (0600) file elsewhere. */
export interface CredentialStore {
  load(): Promise<{ serverUrl: string; token: string } | null>;
  save(v: { serverUrl: string; token: string }): Promise<void>;
  clear(): Promise<void>;
}

/** Window chrome the core may ask for; the browser shell implements it for a browser tab. */
export interface ShellPort {
  setExpanded(expanded: boolean): Promise<boolean>;
  toggle(): Promise<boolean>;
  /** Show the window and focus it (a nudge was clicked). */
  showWindow(): void;
  openExternal(url: string): Promise<boolean>;
  shortcutStatus(): { accelerator: string; registered: boolean; error: string | null };
  /** Unread total changed: tray image, OS badge. */
  setUnreadCount(total: number): void;
  /** Launch at login, where the shell supports it. */
  setLaunchAtLogin(enabled: boolean): void;
  /** A URL under which the shell serves an attachment for inline preview, fetched through
   * DesktopCore.fetchAttachment (Electron: app://converse/attachments/<id>); absent: data: URL. */
  previewUrl?(attachmentId: string): string;
  /** Save a downloaded attachment where the rep expects it (Electron: Downloads); null: serve a URL instead. */
  saveDownload?(fileName: string, bytes: Uint8Array): Promise<string | null>;
}
