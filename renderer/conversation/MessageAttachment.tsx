// A file inside a message: a preview for images, GIFs, videos and audio where the shell can
// serve the bytes to the page, and a file chip with "Download" (and its progress) for the rest.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AttachmentView } from '../../shared/domain';
import { converse, errorMessage, invoke } from '../converse';
import { formatBytes } from '../i18n/format';

// Preview URLs survive the virtual list unmounting a row, so scrolling back costs no call.
const previewUrls = new Map<string, Promise<string | null>>();

function previewUrl(attachmentId: string): Promise<string | null> {
  let p = previewUrls.get(attachmentId);
  if (!p) {
    p = invoke('attachments.download', { attachmentId }).then((r) => r.url, () => null);
    previewUrls.set(attachmentId, p);
  }
  return p;
}

/** Only the browser shell hands out URLs; Electron saves files to Downloads instead. */
const canPreview = (): boolean => converse().shell === 'web';

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

async function fetchWithProgress(url: string, onProgress: (loaded: number) => void): Promise<Blob> {
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

  const download = async () => {
    setState({ phase: 'running', loaded: null });
    try {
      const r = await invoke('attachments.download', { attachmentId: attachment.id });
      if (r.savedTo) { setState({ phase: 'done', savedTo: r.savedTo }); return; }
      if (!r.url) throw new Error('no file');
      try {
        const blob = await fetchWithProgress(r.url, (loaded) => setState({ phase: 'running', loaded }));
        saveBlob(blob, attachment.fileName);
      } catch {
        // A URL the page may not fetch (another origin): let the browser download it itself.
        const a = document.createElement('a');
        a.href = r.url;
        a.download = attachment.fileName;
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
      <span className="file-name" dir="auto">{attachment.fileName}</span>
      <span className="file-size">{formatBytes(attachment.size)}</span>
      <button type="button" className="link-button" onClick={download} disabled={state.phase === 'running'}>{t('attachment.download')}</button>
      {state.phase === 'running' && (
        <progress aria-label={t('attachment.downloading', { name: attachment.fileName })} max={attachment.size || undefined} value={state.loaded ?? undefined} />
      )}
      {state.phase === 'done' && state.savedTo && <span className="hint">{t('attachment.savedTo', { path: state.savedTo })}</span>}
      {state.phase === 'error' && <span role="alert" className="error-text">{t('attachment.downloadFailed', { message: state.message })}</span>}
    </div>
  );
}

function MediaPreview({ attachment }: { attachment: AttachmentView }) {
  const { t } = useTranslation();
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void previewUrl(attachment.id).then((u) => { if (live) setUrl(u); });
    return () => { live = false; };
  }, [attachment.id]);
  if (!url) return <DownloadChip attachment={attachment} />;
  const label = t(`attachment.${attachment.kind as 'image' | 'video' | 'audio'}`, { name: attachment.fileName });
  return (
    <div className="media">
      {attachment.kind === 'image' && <img src={url} alt={label} loading="lazy" className="media-image" />}
      {attachment.kind === 'video' && <video src={url} controls preload="metadata" aria-label={label} className="media-video" />}
      {attachment.kind === 'audio' && <audio src={url} controls preload="none" aria-label={label} />}
      <DownloadChip attachment={attachment} />
    </div>
  );
}

export function MessageAttachment({ attachment }: { attachment: AttachmentView }) {
  if (attachment.kind !== 'document' && canPreview()) return <MediaPreview attachment={attachment} />;
  return <DownloadChip attachment={attachment} />;
}
