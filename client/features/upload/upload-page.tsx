/**
 * The upload screen: drop anywhere or choose files, then one card per file.
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import type { Uploader } from '../../engine/uploader.js';
import { CHOOSE_FILES_ID, DropOverlay, DropZone } from './drop-zone.js';
import { cardElementId, FileCard, type FileCardActions } from './file-card.js';
import type { FileLimits } from './file-check.js';
import { isActive, type UploadEntry } from './upload-reducer.js';
import { useGrowingCount } from './use-growing-count.js';
import { useLeaveWarning } from './use-leave-warning.js';
import { useUploads } from './use-uploads.js';
import { useWindowFileDrop } from './use-window-file-drop.js';
import './upload.css';

/** Cards mounted per frame when many files arrive at once. */
const CARDS_PER_FRAME = 40;

export interface UploadPageProps {
  uploader: Uploader;
  limits: FileLimits;
}

export function UploadPage({ uploader, limits }: UploadPageProps) {
  const { entries, addFiles, pause, resume, cancel, retry, remove } = useUploads({ uploader, limits });
  const dragging = useWindowFileDrop(addFiles);
  // Removing the focused card must not drop keyboard focus to the page's end: move it to a neighbour, or to Choose files.
  // entries is read through a ref so the actions stay the same object and cards do not re-render on every progress frame.
  const latestEntries = useRef(entries);
  useLayoutEffect(() => {
    latestEntries.current = entries;
  }, [entries]);
  const refocus = useRef<string | null>(null);
  const removeAndRefocus = useCallback(
    (entry: UploadEntry) => {
      const list = latestEntries.current;
      const index = list.findIndex((candidate) => candidate.id === entry.id);
      refocus.current = (list[index + 1] ?? list[index - 1])?.id ?? CHOOSE_FILES_ID;
      remove(entry);
    },
    [remove],
  );
  useEffect(() => {
    if (refocus.current === null) return;
    const target = refocus.current === CHOOSE_FILES_ID ? CHOOSE_FILES_ID : cardElementId(refocus.current);
    refocus.current = null;
    document.getElementById(target)?.focus();
  }, [entries]);
  const actions = useMemo<FileCardActions>(
    () => ({ pause, resume, cancel, retry, remove: removeAndRefocus }),
    [pause, resume, cancel, retry, removeAndRefocus],
  );

  const active = entries.filter((entry) => isActive(entry.status)).length;
  const shown = useGrowingCount(entries.length, CARDS_PER_FRAME);
  useLeaveWarning(entries.some((entry) => isActive(entry.status) || entry.status === 'paused'));
  return (
    <>
      <DropZone
        onFiles={addFiles}
        maxFileSize={limits.maxFileSize}
        allowedContentTypes={limits.allowedContentTypes}
        compact={entries.length > 0}
      />
      {entries.length > 0 && (
        <section className="upload-list" aria-label="Uploads">
          <p className="upload-summary" aria-live="polite">
            {entries.length} {entries.length === 1 ? 'file' : 'files'}
            {active > 0 ? ` · ${active} in progress` : ''}
          </p>
          {(shown < entries.length ? entries.slice(0, shown) : entries).map((entry) => (
            <FileCard key={entry.id} entry={entry} actions={actions} />
          ))}
        </section>
      )}
      <DropOverlay visible={dragging} />
    </>
  );
}
