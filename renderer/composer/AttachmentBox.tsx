// The chosen file inside the composer: a thumbnail for an image, its name and size, the upload's
// progress (or that it waits for the server), and a way to remove it. Its height does not change
// between these states, so the Send button never jumps.
import { useTranslation } from 'react-i18next';
import { CloseIcon } from '../components/icons';
import { ErrorText } from '../errors/ErrorText';
import { formatFileSize } from '../errors/error-words';
import type { AttachmentDraft } from './useAttachmentDraft';

function FileIcon({ kind }: { kind: AttachmentDraft['kind'] }) {
  return (
    <span className={`file-icon file-icon-${kind}`} aria-hidden="true">
      {kind === 'document' ? '📄' : kind === 'video' ? '🎬' : kind === 'audio' ? '🎵' : '🖼'}
    </span>
  );
}

export function AttachmentBox({
  draft,
  captioned,
  onRemove,
}: {
  draft: AttachmentDraft;
  captioned: boolean;
  onRemove: () => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="attachment-box" role="group" aria-label={t('composer.attached', { name: draft.fileName })}>
      {draft.thumbnail ? (
        <img
          className="attachment-thumb"
          src={draft.thumbnail}
          alt={t('composer.thumbnail', { name: draft.fileName })}
        />
      ) : (
        <FileIcon kind={draft.kind} />
      )}
      <div className="attachment-info">
        <span className="attachment-name" dir="auto">
          {draft.fileName}
        </span>
        <span className="attachment-state">
          {draft.phase === 'uploading' && (
            <progress aria-label={t('composer.uploadProgress')} max={draft.total || 1} value={draft.loaded} />
          )}
          {draft.phase === 'waiting' && (
            <span className="hint">
              {formatFileSize(draft.size)} · {t('composer.waitingForServer')}
            </span>
          )}
          {draft.phase === 'ready' && (
            <span className="hint">
              {formatFileSize(draft.size)}
              {captioned ? '' : ` · ${t('composer.captionOnlyMedia')}`}
            </span>
          )}
          {draft.phase === 'failed' && (
            <span role="alert">
              <ErrorText
                code={draft.code}
                detail={draft.message}
                frame={(m) => t('composer.uploadFailed', { message: m })}
              />
            </span>
          )}
        </span>
      </div>
      <button
        type="button"
        className="icon-button"
        aria-label={draft.phase === 'uploading' ? t('composer.cancelUpload') : t('composer.removeAttachment')}
        onClick={onRemove}
      >
        <CloseIcon />
      </button>
    </div>
  );
}
