// Files fetched for previews, kept in memory for a moment: a conversation shows the same image
// again on every scroll and re-render, and the shell's preview URL asks for the bytes each time.
// Bounded by total size (least recently used go first) and per file; concurrent requests for
// one file share one download. Cleared when the session changes (another rep, another server).
import { ErrorCode } from '../../shared/error-codes';

export interface AttachmentFile {
  bytes: Uint8Array;
  mimeType: string;
  fileName: string | null;
}

export class AttachmentCache {
  private readonly entries = new Map<string, AttachmentFile>();
  private readonly inFlight = new Map<string, Promise<AttachmentFile>>();
  private size = 0;
  private generation = 0;

  constructor(
    private readonly maxTotalBytes = 48 * 1024 * 1024,
    private readonly maxFileBytes = 16 * 1024 * 1024,
  ) {}

  /** The file from memory, or from `download` (once, however many ask at the same time). */
  get(id: string, download: () => Promise<AttachmentFile>): Promise<AttachmentFile> {
    const hit = this.entries.get(id);
    if (hit) {
      // Most recently used last: Map keeps insertion order.
      this.entries.delete(id);
      this.entries.set(id, hit);
      return Promise.resolve(hit);
    }
    const running = this.inFlight.get(id);
    if (running) return running;
    const generation = this.generation;
    const p = download()
      .then((file) => {
        if (generation === this.generation) this.put(id, file);
        return file;
      })
      .finally(() => {
        if (this.inFlight.get(id) === p) this.inFlight.delete(id);
      });
    this.inFlight.set(id, p);
    return p;
  }

  /** As get, refused (attachment_too_large) when the file is larger than this caller accepts (a
   * preview's limit): a file cached for another caller may be. */
  getWithin(id: string, maxBytes: number, download: () => Promise<AttachmentFile>): Promise<AttachmentFile> {
    return this.get(id, download).then((file) => {
      if (file.bytes.byteLength > maxBytes) {
        throw Object.assign(
          new Error(
            `This file is larger than ${Math.round(maxBytes / 1024 / 1024)} MB, too large to preview; download it instead.`,
          ),
          { code: ErrorCode.ATTACHMENT_TOO_LARGE },
        );
      }
      return file;
    });
  }

  clear(): void {
    this.entries.clear();
    this.inFlight.clear();
    this.size = 0;
    this.generation++;
  }

  get bytes(): number {
    return this.size;
  }
  get count(): number {
    return this.entries.size;
  }

  private put(id: string, file: AttachmentFile): void {
    if (file.bytes.byteLength > this.maxFileBytes || file.bytes.byteLength > this.maxTotalBytes) return;
    const old = this.entries.get(id);
    if (old) {
      this.size -= old.bytes.byteLength;
      this.entries.delete(id);
    }
    this.entries.set(id, file);
    this.size += file.bytes.byteLength;
    for (const [key, f] of this.entries) {
      if (this.size <= this.maxTotalBytes) break;
      this.entries.delete(key);
      this.size -= f.bytes.byteLength;
    }
  }
}
