// One file on its way into a message: checked against the connector's policy before any byte
// is sent, uploaded with progress, cancellable. Chosen while the server cannot be reached, it
// waits: it goes with the message, and the outbox uploads it on reconnect.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AttachmentKind, AttachmentView, Channel } from '../../shared/domain';
import { checkAttachment, mimeTypeFromFileName, type ConnectorName } from '../../shared/attachment-policy';
import { ErrorCode } from '../../shared/error-codes';
import type { IpcArgs } from '../../shared/ipc';
import { converse, errorCode, errorMessage, invoke, newClientId } from '../converse';
import { attachmentRefusalWords } from '../errors/error-words';
import { useApp } from '../state/appStore';

/**
 * The policy to check against before upload. The renderer is not told which SMS connector the
 * account uses; RingCentral's table is the demo's (the sandbox stands in for it) and the wider
 * of the two, so CTM-only refusals come from the server's own check.
 */
export const connectorFor = (channel: Channel): ConnectorName => (channel === 'whatsapp' ? 'whatsapp' : 'ringcentral');

interface DraftFile {
  uploadId: string;
  fileName: string;
  kind: AttachmentKind;
  size: number;
  file: File;
  /** object URL of an image, for its thumbnail */ thumbnail: string | null;
}
export type AttachmentDraft = DraftFile &
  (
    | { phase: 'uploading'; loaded: number; total: number }
    | { phase: 'ready'; attachment: AttachmentView }
    | { phase: 'waiting' }
    | { phase: 'failed'; code: string | null; message: string }
  );

export function useAttachmentDraft(channel: Channel) {
  const { t } = useTranslation();
  const [draft, setDraftState] = useState<AttachmentDraft | null>(null);
  const [rejection, setRejection] = useState<string | null>(null);
  const current = useRef<string | null>(null);
  const draftRef = useRef<AttachmentDraft | null>(null);
  const setDraft = useCallback((next: AttachmentDraft | null) => {
    const old = draftRef.current;
    if (old?.thumbnail && old.thumbnail !== next?.thumbnail) URL.revokeObjectURL(old.thumbnail);
    draftRef.current = next;
    setDraftState(next);
  }, []);

  useEffect(
    () =>
      converse().on('attachment.progress', (p) => {
        const d = draftRef.current;
        if (d && d.phase === 'uploading' && d.uploadId === p.uploadId)
          setDraft({ ...d, loaded: p.loaded, total: p.total });
      }),
    [setDraft],
  );
  useEffect(
    () => () => {
      if (draftRef.current?.thumbnail) URL.revokeObjectURL(draftRef.current.thumbnail);
    },
    [],
  );

  const choose = useCallback(
    async (file: File) => {
      setRejection(null);
      const mimeType = file.type || mimeTypeFromFileName(file.name) || '';
      const check = checkAttachment(connectorFor(channel), mimeType, file.size);
      if (!check.ok) {
        setRejection(attachmentRefusalWords(t, check.code, connectorFor(channel), channel, mimeType, file.size));
        return;
      }
      const uploadId = newClientId();
      current.current = uploadId;
      const base: DraftFile = {
        uploadId,
        fileName: file.name,
        kind: check.kind,
        size: file.size,
        file,
        thumbnail: check.kind === 'image' ? URL.createObjectURL(file) : null,
      };
      // The link is down (the connection line says so): no upload can succeed now.
      const c = useApp.getState().connection;
      if (c.status === 'offline' || (c.status === 'connecting' && !!c.retryAt)) {
        setDraft({ ...base, phase: 'waiting' });
        return;
      }
      setDraft({ ...base, phase: 'uploading', loaded: 0, total: file.size });
      try {
        const bytes = new Uint8Array(await file.arrayBuffer());
        const attachment = await invoke('attachments.upload', { uploadId, channel, fileName: file.name, bytes });
        if (current.current === uploadId) setDraft({ ...base, phase: 'ready', attachment });
      } catch (e) {
        if (current.current !== uploadId) return;
        const code = errorCode(e);
        setDraft(
          code === ErrorCode.OFFLINE
            ? { ...base, phase: 'waiting' }
            : { ...base, phase: 'failed', code, message: errorMessage(e) },
        );
      }
    },
    [channel, setDraft, t],
  );

  const discard = useCallback(() => {
    const uploading = draftRef.current?.phase === 'uploading' ? draftRef.current.uploadId : null;
    current.current = null;
    setDraft(null);
    if (uploading) void invoke('attachments.cancel', { uploadId: uploading }).catch(() => undefined);
  }, [setDraft]);

  const clear = useCallback(() => {
    current.current = null;
    setDraft(null);
    setRejection(null);
  }, [setDraft]);

  return { draft, rejection, choose, discard, clear, dismissRejection: () => setRejection(null) };
}

/** What messages.send carries for the draft: the uploaded attachment, or the waiting file itself. */
export async function draftPayload(
  draft: AttachmentDraft | null,
): Promise<Pick<IpcArgs<'messages.send'>, 'attachment' | 'file'>> {
  if (draft?.phase === 'ready') return { attachment: draft.attachment };
  if (draft?.phase === 'waiting')
    return { file: { fileName: draft.fileName, bytes: new Uint8Array(await draft.file.arrayBuffer()) } };
  return {};
}
