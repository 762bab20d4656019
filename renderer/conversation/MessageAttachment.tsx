// A file inside a message: a preview for images, GIFs, videos and audio where the shell can
// serve the bytes to the page, and a file chip with "Download" (and its progress) for the rest.
// A file the server blocked (a program, a page, a scripted SVG from a lead) gets neither: the
// chip says why.
// Previews come from `attachments.preview` (a file URL of the shell: app://… in Electron, a
// loopback URL with a capability in the browser shell); the file itself is only fetched through
// `attachments.download` when the rep clicks "Download".
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AttachmentView } from '../../shared/domain';
import { plainFileName } from '../../shared/file-name';
import { errorMessage, invoke } from '../converse';
import { formatBytes } from '../i18n/format';

// Preview URLs survive the virtual list unmounting a row, so scrolling back costs no call. A
// failed preview is forgotten, so the next time the row mounts it is tried again.
const previewUrls = new Map<string, Promise<string | null>>();

function previewUrl(attachmentId: string): Promise<string | null> {
  let p = previewUrls.get(attachmentId);
  if (!p) {
    p = invoke('attachments.preview', { attachmentId }).then(
      (r) => r.url,
      () => {
        previewUrls.delete(attachmentId);
        return null;
      },
    );
    previewUrls.set(attachmentId, p);
  }
  return p;
}

/** Tests start each case with no remembered previews. */
export function forgetPreviews(): void {
  previewUrls.clear();
}

function saveBlob(blob: Blob, fileName: string): void {
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}

/** A data: URL (what the browser shell's download hands over) as a Blob, without fetch: the
 * page's CSP allows no data: connections, and the bytes are already here. */
export function blobFromDataUrl(url: string): Blob | null {
  const m = /^data:([^;,]*)(;base64)?,(.*)$/s.exec(url);
  if (!m) return null;
  const type = m[1] || 'application/octet-stream';
  if (!m[2]) return new Blob([decodeURIComponent(m[3])], { type });
  const bin = atob(m[3]);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Blob([bytes], { type });
}

async function fetchWithProgress(url: string, onProgress: (loaded: number) => void): Promise<Blob> {
  const inline = url.startsWith('data:') ? blobFromDataUrl(url) : null;
  if (inline) {
    onProgress(inline.size);
    return inline;
  }
  const res = await fetch(url);
  if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    onProgress(loaded);
  }
  return new Blob(chunks as BlobPart[], { type: res.headers.get('content-type') ?? 'application/octet-stream' });
}

type DownloadState =
  | { phase: 'idle' }
  | { phase: 'running'; loaded: number | null }
  | { phase: 'done'; savedTo: string | null }
  | { phase: 'error'; message: string };

function DownloadChip({ attachment }: { attachment: AttachmentView }) {
  const { t } = useTranslation();
  const [state, setState] = useState<DownloadState>({ phase: 'idle' });
  // The server sends plain names; a name from an older server may still hide its extension.
  const fileName = plainFileName(attachment.fileName) || 'attachment';

  // Shows its own failure on the chip, so the click handler need not await it.
  const download = async () => {
    setState({ phase: 'running', loaded: null });
    try {
      const r = await invoke('attachments.download', { attachmentId: attachment.id });
      if (r.savedTo) {
        setState({ phase: 'done', savedTo: r.savedTo });
        return;
      }
      if (!r.url) throw new Error('no file');
      try {
        const blob = await fetchWithProgress(r.url, (loaded) => setState({ phase: 'running', loaded }));
        saveBlob(blob, fileName);
      } catch {
        // A URL the page may not fetch (another origin): let the browser download it itself.
        const a = document.createElement('a');
        a.href = r.url;
        a.download = fileName;
        a.rel = 'noopener';
        a.click();
      }
      setState({ phase: 'done', savedTo: null });
    } catch (e) {
      setState({ phase: 'error', message: errorMessage(e) });
    }
  };

  return (
    <div className="file-chip">
      <span className="file-name" dir="auto">
        {fileName}
      </span>
      <span className="file-size">{formatBytes(attachment.size)}</span>
      <button
        type="button"
        className="link-button"
        onClick={() => void download()}
        disabled={state.phase === 'running'}
      >
        {t('attachment.download')}
      </button>
      {state.phase === 'running' && (
        <progress
          aria-label={t('attachment.downloading', { name: fileName })}
          max={attachment.size || undefined}
          value={state.loaded ?? undefined}
        />
      )}
      {state.phase === 'done' && state.savedTo && (
        <span className="hint">{t('attachment.savedTo', { path: state.savedTo })}</span>
      )}
      {state.phase === 'error' && (
        <span role="alert" className="error-text">
          {t('attachment.downloadFailed', { message: state.message })}
        </span>
      )}
    </div>
  );
}

function MediaPreview({ attachment }: { attachment: AttachmentView }) {
  const { t } = useTranslation();
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void previewUrl(attachment.id).then((u) => {
      if (live) setUrl(u);
    });
    return () => {
      live = false;
    };
  }, [attachment.id]);
  if (!url) return <DownloadChip attachment={attachment} />;
  // A URL that stops working (the browser shell restarted, the file is gone): drop it, keep the chip.
  const broken = () => {
    previewUrls.delete(attachment.id);
    setUrl(null);
  };
  const label = t(`attachment.${attachment.kind as 'image' | 'video' | 'audio'}`, { name: attachment.fileName });
  return (
    <div className="media">
      {attachment.kind === 'image' && (
        <img src={url} alt={label} loading="lazy" className="media-image" onError={broken} />
      )}
      {attachment.kind === 'video' && (
        <video src={url} controls preload="metadata" aria-label={label} className="media-video" onError={broken} />
      )}
      {attachment.kind === 'audio' && <audio src={url} controls preload="none" aria-label={label} onError={broken} />}
      <DownloadChip attachment={attachment} />
    </div>
  );
}

/** A file the server blocked (shared/attachment-policy.ts): its name and size, why, and no way to open it. */
function BlockedChip({
  attachment,
  reason,
}: {
  attachment: AttachmentView;
  reason: NonNullable<AttachmentView['blocked']>;
}) {
  const { t } = useTranslation();
  return (
    <div className="file-chip file-chip-blocked">
      <span className="file-name" dir="auto">
        {plainFileName(attachment.fileName)}
      </span>
      <span className="file-size">{formatBytes(attachment.size)}</span>
      <span role="note" className="error-text">
        {t(`attachment.blocked.${reason}`)}
      </span>
    </div>
  );
}

/** A lead's file the provider has not handed over yet: the rep is told, and "Download" asks the provider again. */
function UnavailableChip({
  attachment,
  state,
}: {
  attachment: AttachmentView;
  state: NonNullable<AttachmentView['unavailable']>;
}) {
  const { t } = useTranslation();
  return (
    <div className="media-unavailable">
      <span role="status" className="hint">
        {t(`attachment.unavailable.${state}`)}
      </span>
      <DownloadChip attachment={attachment} />
    </div>
  );
}

export function MessageAttachment({ attachment }: { attachment: AttachmentView }) {
  if (attachment.blocked) return <BlockedChip attachment={attachment} reason={attachment.blocked} />;
  // Never previewed: there are no bytes to show yet.
  if (attachment.unavailable) return <UnavailableChip attachment={attachment} state={attachment.unavailable} />;
  if (attachment.kind !== 'document') return <MediaPreview attachment={attachment} />;
  return <DownloadChip attachment={attachment} />;
}
