/**
 * The visible invitation to drop, with the keyboard path: a real button that
 * opens the File System Access picker where the browser has one (the files
 * then come with handles, for a resume after reload) and a hidden multi-file
 * input elsewhere. Drops themselves are caught window-wide.
 */
import { memo, useRef, type ChangeEvent } from 'react';
import { formatBytes } from './format.js';
import { pickWithFilePicker, withoutHandles, type PickedFile } from './picked-file.js';

export const CHOOSE_FILES_ID = 'choose-files';

interface DropZoneProps {
  onFiles(files: PickedFile[]): void;
  maxFileSize: number;
  allowedContentTypes: readonly string[];
  /** Smaller once files are listed, so the list gets the space. */
  compact: boolean;
}

/** Memoized: the page re-renders on every progress update, and nothing here depends on progress. */
export const DropZone = memo(function DropZone({ onFiles, maxFileSize, allowedContentTypes, compact }: DropZoneProps) {
  const input = useRef<HTMLInputElement>(null);

  const onChange = (event: ChangeEvent<HTMLInputElement>) => {
    const files = [...(event.target.files ?? [])];
    event.target.value = ''; // choosing the same file again must fire change again
    if (files.length > 0) onFiles(withoutHandles(files));
  };

  const types = allowedContentTypes.length > 0 ? `${allowedContentTypes.join(', ')} · ` : '';
  return (
    <section className="drop-zone" data-compact={compact} aria-label="Drop files here">
      <svg className="drop-zone-icon" viewBox="0 0 24 24" aria-hidden="true">
        <path d="M12 16V4m0 0-4.5 4.5M12 4l4.5 4.5M4 15v3a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-3" />
      </svg>
      <div className="drop-zone-text">
        <p className="drop-zone-title">Drag files anywhere on this page</p>
        <p className="drop-zone-hint">
          {types}up to {formatBytes(maxFileSize)} each · several at once
        </p>
      </div>
      <button
        id={CHOOSE_FILES_ID}
        type="button"
        className="button button-primary"
        onClick={() => {
          void pickWithFilePicker(true).then((picked) => {
            if (picked === null) input.current?.click();
            else if (picked.length > 0) onFiles(picked);
          });
        }}
      >
        Choose files
      </button>
      <input ref={input} type="file" multiple hidden onChange={onChange} />
    </section>
  );
});

export function DropOverlay({ visible }: { visible: boolean }) {
  if (!visible) return null;
  return (
    <div className="drop-overlay" role="status">
      <div className="drop-overlay-panel">
        <svg className="drop-zone-icon" viewBox="0 0 24 24" aria-hidden="true">
          <path d="M12 16V4m0 0-4.5 4.5M12 4l4.5 4.5M4 15v3a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-3" />
        </svg>
        <p>Drop files to upload</p>
      </div>
    </div>
  );
}
