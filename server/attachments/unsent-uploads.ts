// Uploads a rep made but never sent: each user may hold only so many (count and bytes), and they
// are deleted, row and file, once they are older than the expiry (24 h by default). A message
// that carries an upload takes it out of both rules for good.
import { ErrorCode } from '../../shared/error-codes';
import type { Store } from '../storage/store';
import type { AttachmentFiles } from './files';

export interface UploadRules {
  /** An upload no message carries is deleted this long after it was made. */
  expireAfterMs: number;
  /** What one user's unsent uploads may add up to. */
  quotaBytes: number;
  quotaFiles: number;
}

export interface QuotaRefusal {
  status: 429;
  code: string;
  message: string;
}

const mb = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

/** Why an upload of `adding` bytes (0 while unknown) would take the user past the quota; null when it fits. */
export function quotaRefusal(
  usage: { count: number; bytes: number },
  rules: UploadRules,
  adding: number,
): QuotaRefusal | null {
  const hours = Math.round(rules.expireAfterMs / 3_600_000);
  const why =
    usage.count >= rules.quotaFiles
      ? `${usage.count} files`
      : usage.bytes + adding > rules.quotaBytes
        ? `${mb(usage.bytes)} of files`
        : null;
  if (!why) return null;
  return {
    status: 429,
    code: ErrorCode.UPLOAD_QUOTA_EXCEEDED,
    message: `You have ${why} uploaded but not sent (at most ${rules.quotaFiles} files and ${mb(rules.quotaBytes)}); send them, or wait: unsent files are deleted after ${hours} hours.`,
  };
}

export interface UploadSweepDeps {
  store: Pick<Store, 'deleteUnsentUploads'>;
  files: AttachmentFiles;
  rules: UploadRules;
  now: () => Date;
  /** How often the sweep runs. */
  everyMs: number;
  onError: (err: unknown) => void;
  onSwept?: (count: number) => void;
}

const BATCH = 500;

/** The periodic sweep of expired unsent uploads; its timer never keeps the process alive. */
export function startUploadSweep(d: UploadSweepDeps) {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;

  async function sweep(): Promise<number> {
    const before = new Date(d.now().getTime() - d.rules.expireAfterMs).toISOString();
    let total = 0;
    for (;;) {
      const gone = await d.store.deleteUnsentUploads(before, BATCH);
      // The rows are gone first: a file left behind by a failed unlink is only wasted space,
      // while a row without its file would be an attachment that cannot be sent.
      for (const g of gone) await d.files.remove(g.path);
      total += gone.length;
      if (gone.length < BATCH) break;
    }
    await d.files.removeStaleParts(d.now().getTime() - d.rules.expireAfterMs);
    if (total > 0) d.onSwept?.(total);
    return total;
  }

  /** One sweep now (runs after the one in progress, if any); resolves to how many uploads went. */
  function runOnce(): Promise<number> {
    const next = (running ?? Promise.resolve(0)).catch(() => 0).then(sweep);
    running = next;
    return next;
  }

  return {
    runOnce,
    start() {
      if (timer) return;
      const tick = () => {
        runOnce().catch(d.onError);
      };
      tick();
      timer = setInterval(tick, d.everyMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running?.catch(() => undefined);
    },
  };
}
