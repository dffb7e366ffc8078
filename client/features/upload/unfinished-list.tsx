/**
 * The uploads a previous visit left unfinished: one card each with what is
 * stored, until when it can be resumed, and Resume / Discard.
 */
import { useRef, type ChangeEvent } from 'react';
import { formatBytes, formatDateTime, formatPercent } from './format.js';
import { pickWithFilePicker, withoutHandles, type PickedFile } from './picked-file.js';
import type { UnfinishedItem, UnfinishedState } from './unfinished-uploads.js';

export interface UnfinishedActions {
  resume(item: UnfinishedItem): void;
  offerFileFor(item: UnfinishedItem, picked: PickedFile): void;
  discard(item: UnfinishedItem): void;
}

export function UnfinishedList({ items, actions }: { items: readonly UnfinishedItem[]; actions: UnfinishedActions }) {
  if (items.length === 0) return null;
  return (
    <section className="unfinished-list" aria-labelledby="unfinished-heading">
      <div>
        <h2 id="unfinished-heading" className="unfinished-heading">
          Unfinished uploads
        </h2>
        <p className="unfinished-hint">
          Left from an earlier visit. Resume sends only what is not stored yet; Discard deletes the stored parts.
        </p>
      </div>
      {items.map((item) => (
        <UnfinishedCard key={item.upload.session.uploadId} item={item} actions={actions} />
      ))}
    </section>
  );
}

const BADGES: Record<UnfinishedState['kind'], string> = {
  checking: 'Checking',
  resumable: 'Unfinished',
  expired: 'Expired',
  gone: 'Gone',
  elsewhere: 'In another tab',
  unchecked: 'Unfinished',
};

function UnfinishedCard({ item, actions }: { item: UnfinishedItem; actions: UnfinishedActions }) {
  const { fingerprint, session } = item.upload;
  const { state } = item;
  const input = useRef<HTMLInputElement>(null);
  const stored = state.kind === 'resumable' ? state.storedBytes : 0;

  const chooseFile = () => {
    void pickWithFilePicker(false).then((picked) => {
      if (picked === null) input.current?.click();
      else if (picked[0]) actions.offerFileFor(item, picked[0]);
    });
  };
  const onChange = (event: ChangeEvent<HTMLInputElement>) => {
    const [picked] = withoutHandles(event.target.files ?? []);
    event.target.value = '';
    if (picked) actions.offerFileFor(item, picked);
  };

  return (
    <article className="file-card unfinished-card" data-state={state.kind} aria-label={`${fingerprint.name} (unfinished)`}>
      <header className="file-card-header">
        <div className="file-card-title">
          <h3 className="file-name" title={fingerprint.name}>
            {fingerprint.name}
          </h3>
          <p className="file-meta">
            {formatBytes(fingerprint.size)}
            {state.kind === 'resumable' ? ` · ${formatBytes(stored)} stored (${formatPercent(stored, fingerprint.size)}) in ${state.storedParts} of ${session.partCount} parts` : ''}
          </p>
        </div>
        <span className="status-badge" data-status={state.kind === 'expired' || state.kind === 'gone' ? 'failed' : 'paused'}>
          {BADGES[state.kind]}
        </span>
      </header>

      {state.kind === 'resumable' && (
        <div
          className="overall-bar"
          role="progressbar"
          aria-label={`${fingerprint.name} stored`}
          aria-valuemin={0}
          aria-valuemax={fingerprint.size}
          aria-valuenow={stored}
          aria-valuetext={`${formatPercent(stored, fingerprint.size)} stored`}
        >
          <div className="overall-bar-fill" style={{ transform: `scaleX(${fingerprint.size > 0 ? stored / fingerprint.size : 0})` }} />
        </div>
      )}

      <p className="unfinished-status">{statusSentence(item)}</p>
      {item.message && (
        <p className="file-error" role="alert">
          {item.message}
        </p>
      )}

      {state.kind !== 'elsewhere' && state.kind !== 'checking' && (
        <div className="file-actions">
          {item.needsFile ? (
            <button type="button" className="button button-primary" onClick={chooseFile}>
              Choose file…
            </button>
          ) : (
            <button type="button" className="button button-primary" onClick={() => actions.resume(item)}>
              Resume
            </button>
          )}
          <button type="button" className="button button-quiet" onClick={() => actions.discard(item)}>
            Discard
          </button>
          <input ref={input} type="file" hidden aria-label={`File for ${fingerprint.name}`} onChange={onChange} />
        </div>
      )}
    </article>
  );
}

function statusSentence({ upload, state }: UnfinishedItem): string {
  const until = formatDateTime(upload.session.expiresAt);
  switch (state.kind) {
    case 'checking':
      return 'Checking what the storage has…';
    case 'resumable':
    case 'unchecked':
      return `Can be resumed until ${until}.${state.kind === 'unchecked' ? ' (The storage could not be asked how much it has.)' : ''}`;
    case 'expired':
      return `Its permission expired on ${until}, so it cannot be continued: Resume uploads the file again from the beginning.`;
    case 'gone':
      return 'The storage no longer has it, so it cannot be continued: Resume uploads the file again from the beginning.';
    case 'elsewhere':
      return 'In progress in another tab. Close that tab to continue it here.';
  }
}
