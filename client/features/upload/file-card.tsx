/**
 * One file: what it is, how far it got, what can be done with it now.
 */
import { memo } from 'react';
import type { WaitingFor } from '../../engine/types.js';
import { isActive, type StoreCleanup, type UploadEntry, type UploadStatus } from './upload-reducer.js';
import { formatBytes, formatCount, formatDuration, formatPercent, formatSpeed } from './format.js';
import { PartMap } from './part-map.js';

const STATUS_LABELS: Record<UploadStatus, string> = {
  preparing: 'Preparing',
  uploading: 'Uploading',
  paused: 'Paused',
  completing: 'Completing',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

const WAITING_LABELS: Record<WaitingFor, string> = {
  network: 'Waiting for the network',
  storage: 'Storage unreachable, retrying',
  server: 'Server unreachable, retrying',
};

/** After Cancel: what became of the parts the upload had stored. */
const CLEANUP_TEXT: Record<StoreCleanup, string> = {
  removing: 'Removing its stored parts from the storage. If the storage does not answer, this page keeps trying, and so does the next page you open here.',
  removed: 'Its stored parts were removed from the storage: nothing is left behind.',
  left: "Its stored parts could not be removed from here (the storage refused, or this upload's permission expired); the server's cleanup of abandoned uploads removes them.",
};

/** DOM id of a card, so focus can be moved to it. */
export function cardElementId(entryId: string): string {
  return `${entryId}-card`;
}

export interface FileCardActions {
  pause(entry: UploadEntry): void;
  resume(entry: UploadEntry): void;
  cancel(entry: UploadEntry): void;
  retry(entry: UploadEntry): void;
  remove(entry: UploadEntry): void;
}

export const FileCard = memo(function FileCard({ entry, actions }: { entry: UploadEntry; actions: FileCardActions }) {
  const { file, status, progress, result, errorMessage } = entry;
  const waitingForSignIn = entry.waitingFor === 'sign-in' && isActive(status);
  const total = progress?.totalBytes ?? file.size;
  const sent = status === 'done' ? total : (progress?.transferredBytes ?? 0);
  const waitingFor = status === 'uploading' || status === 'completing' ? (progress?.waitingFor ?? null) : null;
  // While waiting, speed and time left are not measured: no frozen numbers.
  const moving = (status === 'uploading' || status === 'completing') && waitingFor === null && !waitingForSignIn;
  const headingId = `${entry.id}-name`;
  // A file refused before upload has nothing to measure; a done file shows its result instead.
  const showStats = status !== 'done' && status !== 'cancelled' && (progress !== null || status === 'preparing');

  return (
    <article id={cardElementId(entry.id)} className="file-card" data-status={status} aria-labelledby={headingId} tabIndex={-1}>
      <header className="file-card-header">
        <div className="file-card-title">
          <h2 id={headingId} className="file-name" title={file.name}>
            {file.name}
          </h2>
          <p className="file-meta">
            {formatBytes(file.size)}
            {file.type ? ` · ${file.type}` : ''}
            {progress ? ` · ${formatCount(progress.parts.length)} ${progress.parts.length === 1 ? 'part' : 'parts'}` : ''}
          </p>
        </div>
        <span className="status-badge" data-status={waitingForSignIn ? 'waiting' : status}>
          {waitingForSignIn ? 'Waiting for sign-in' : STATUS_LABELS[status]}
        </span>
      </header>

      <div
        className="overall-bar"
        role="progressbar"
        aria-label={`${file.name} overall`}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={sent}
        aria-valuetext={`${formatPercent(sent, total)}, ${formatBytes(sent)} of ${formatBytes(total)}`}
      >
        <div className="overall-bar-fill" style={{ transform: `scaleX(${total > 0 ? sent / total : status === 'done' ? 1 : 0})` }} />
      </div>

      {showStats && (
        <dl className="file-stats">
          <div>
            <dt>Transferred</dt>
            <dd>
              {formatBytes(sent)} of {formatBytes(total)} <span className="percent">({formatPercent(sent, total)})</span>
            </dd>
          </div>
          {(moving || status === 'preparing') && (
            <>
              <div>
                <dt>Speed</dt>
                <dd>{moving && progress ? formatSpeed(progress.bytesPerSecond) : '–'}</dd>
              </div>
              <div>
                <dt>Time left</dt>
                <dd>{moving && progress ? formatDuration(progress.etaSeconds) : '–'}</dd>
              </div>
            </>
          )}
        </dl>
      )}

      {waitingFor && !waitingForSignIn && (
        <p className="file-waiting" role="status">
          {WAITING_LABELS[waitingFor]}
        </p>
      )}

      {entry.notice && <p className="file-notice">{entry.notice}</p>}
      {waitingForSignIn && (
        <p className="file-notice" role="status">
          Your login is missing or has expired. Sign in again, in this tab or another: this upload then continues by itself, nothing is lost.
        </p>
      )}

      {errorMessage && status === 'failed' && (
        <p className="file-error" role="alert">
          {errorMessage}
        </p>
      )}

      {status === 'cancelled' && entry.cleanup && (
        <p className="file-notice" role="status">
          {CLEANUP_TEXT[entry.cleanup]}
        </p>
      )}

      {result && status === 'done' && (
        <dl className="file-result">
          <div>
            <dt>Key</dt>
            <dd>
              <code>{result.key}</code>
            </dd>
          </div>
          <div>
            <dt>Size</dt>
            <dd>
              {formatBytes(result.size)} <span className="muted">({formatCount(result.size)} bytes)</span>
            </dd>
          </div>
          <div>
            <dt>ETag</dt>
            <dd>
              <code>{result.etag}</code>
            </dd>
          </div>
        </dl>
      )}

      {progress && progress.parts.length > 0 && <PartMap fileName={file.name} parts={progress.parts} stopped={!isActive(status)} />}

      <div className="file-actions">
        {result && status === 'done' && (
          <a className="button button-primary" href={result.downloadUrl} download={file.name} rel="noreferrer">
            Download
          </a>
        )}
        {(status === 'preparing' || status === 'uploading') && (
          <button type="button" className="button" onClick={() => actions.pause(entry)}>
            Pause
          </button>
        )}
        {status === 'paused' && (
          <button type="button" className="button button-primary" onClick={() => actions.resume(entry)}>
            Resume
          </button>
        )}
        {status === 'failed' && entry.retryable && (
          <button type="button" className="button button-primary" onClick={() => actions.retry(entry)}>
            Retry
          </button>
        )}
        {(status === 'preparing' || status === 'uploading' || status === 'completing' || status === 'paused') && (
          <button type="button" className="button button-quiet" onClick={() => actions.cancel(entry)}>
            Cancel
          </button>
        )}
        {(status === 'done' || status === 'failed' || status === 'cancelled') && (
          <button type="button" className="button" onClick={() => actions.remove(entry)}>
            Remove
          </button>
        )}
      </div>
    </article>
  );
});
