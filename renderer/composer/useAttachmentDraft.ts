// One file on its way into a message: checked against the connector's policy before any byte
// is sent, uploaded with progress, cancellable.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AttachmentKind, AttachmentView, Channel } from '../../shared/domain';
import { checkAttachment, mimeTypeFromFileName, type ConnectorName } from '../../shared/attachment-policy';
import { converse, errorMessage, invoke, newClientId } from '../converse';

/**
 * The policy to check against before upload. The renderer is not told which SMS connector the
 * account uses; RingCentral's table is the demo's (the sandbox stands in for it) and the wider
 * of the two, so CTM-only refusals come from the server's own check, with its message.
 */
export const connectorFor = (channel: Channel): ConnectorName => (channel === 'whatsapp' ? 'whatsapp' : 'ringcentral');

export type AttachmentDraft =
  | { phase: 'uploading'; uploadId: string; fileName: string; kind: AttachmentKind; loaded: number; total: number }
  | { phase: 'ready'; uploadId: string; fileName: string; kind: AttachmentKind; attachment: AttachmentView }
  | { phase: 'failed'; uploadId: string; fileName: string; kind: AttachmentKind; message: string };

export function useAttachmentDraft(channel: Channel) {
  const [draft, setDraft] = useState<AttachmentDraft | null>(null);
  const [rejection, setRejection] = useState<string | null>(null);
  const current = useRef<string | null>(null);
  const draftRef = useRef<AttachmentDraft | null>(null);
  draftRef.current = draft;

  useEffect(() => converse().on('attachment.progress', (p) => {
    setDraft((d) => (d && d.phase === 'uploading' && d.uploadId === p.uploadId ? { ...d, loaded: p.loaded, total: p.total } : d));
  }), []);

  const choose = useCallback(async (file: File) => {
    setRejection(null);
    const mimeType = file.type || mimeTypeFromFileName(file.name) || '';
    const check = checkAttachment(connectorFor(channel), mimeType, file.size);
    if (!check.ok) { setRejection(check.message); return; }
    const uploadId = newClientId();
    current.current = uploadId;
    setDraft({ phase: 'uploading', uploadId, fileName: file.name, kind: check.kind, loaded: 0, total: file.size });
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const attachment = await invoke('attachments.upload', { uploadId, channel, fileName: file.name, bytes });
      if (current.current === uploadId) setDraft({ phase: 'ready', uploadId, fileName: file.name, kind: attachment.kind, attachment });
    } catch (e) {
      if (current.current === uploadId) setDraft({ phase: 'failed', uploadId, fileName: file.name, kind: check.kind, message: errorMessage(e) });
    }
  }, [channel]);

  const discard = useCallback(() => {
    const uploading = draftRef.current?.phase === 'uploading' ? draftRef.current.uploadId : null;
    current.current = null;
    setDraft(null);
    if (uploading) void invoke('attachments.cancel', { uploadId: uploading }).catch(() => undefined);
  }, []);

  const clear = useCallback(() => { current.current = null; setDraft(null); setRejection(null); }, []);

  return { draft, rejection, choose, discard, clear, dismissRejection: () => setRejection(null) };
}
