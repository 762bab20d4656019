// Attachment bytes live as files under the data directory, named by attachment id; the
// database keeps the metadata. Writes go to a temporary name first and are renamed when complete.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

export class AttachmentFiles {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  newId(): string {
    return `att_${randomUUID().replace(/-/g, '')}`;
  }
  pathOf(id: string): string {
    return path.join(this.dir, id);
  }
  tempPathOf(id: string): string {
    return path.join(this.dir, `${id}.part`);
  }

  async write(id: string, bytes: Uint8Array): Promise<string> {
    const tmp = this.tempPathOf(id);
    await writeFile(tmp, bytes);
    await rename(tmp, this.pathOf(id));
    return this.pathOf(id);
  }

  async commit(id: string): Promise<string> {
    await rename(this.tempPathOf(id), this.pathOf(id));
    return this.pathOf(id);
  }
  async discard(id: string): Promise<void> {
    await unlink(this.tempPathOf(id)).catch(() => undefined);
  }

  /** Delete a committed file (an expired upload); one already gone is fine. */
  async remove(filePath: string): Promise<void> {
    await unlink(filePath).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }

  /** Delete partial uploads older than `beforeMs` (left by a crash mid-upload). */
  async removeStaleParts(beforeMs: number): Promise<void> {
    for (const name of await readdir(this.dir)) {
      if (!name.endsWith('.part')) continue;
      const file = path.join(this.dir, name);
      const info = await stat(file).catch(() => null);
      if (info && info.mtimeMs < beforeMs) await this.remove(file);
    }
  }
}

/** A Content-Disposition that is safe whatever the name holds (quotes, CR/LF, non-ASCII). */
export function contentDisposition(fileName: string, disposition: 'attachment' | 'inline' = 'attachment'): string {
  const ascii =
    fileName
      .replace(/[^\x20-\x7e]/g, '_')
      .replace(/["\\]/g, '_')
      .replace(/[/:*?<>|]/g, '_')
      .slice(0, 200) || 'file';
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

/** A file name with path separators and control characters replaced, at most 255 characters. */
export function safeFileName(name: string): string {
  return [...name]
    .map((ch) => (ch === '/' || ch === '\\' || ch.charCodeAt(0) < 32 || ch.charCodeAt(0) === 127 ? '_' : ch))
    .join('')
    .trim()
    .slice(0, 255);
}
