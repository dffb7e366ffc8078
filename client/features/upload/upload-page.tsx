/**
 * The upload screen: drop anywhere or choose files, then one card per file.
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { realClock } from '../../engine/clock.js';
import type { Uploader } from '../../engine/uploader.js';
import type { UploadApi } from '../../engine/types.js';
import { CHOOSE_FILES_ID, DropOverlay, DropZone } from './drop-zone.js';
import { cardElementId, FileCard, type FileCardActions } from './file-card.js';
import type { FileLimits } from './file-check.js';
import type { PickedFile } from './picked-file.js';
import { UnfinishedList } from './unfinished-list.js';
import type { UnfinishedStore } from './unfinished-store.js';
import { UnfinishedUploads } from './unfinished-uploads.js';
import { UploadKeeper } from './upload-keeper.js';
import type { UploadLocks } from './upload-locks.js';
import { isActive, type UploadEntry } from './upload-reducer.js';
import { useGrowingCount } from './use-growing-count.js';
import { useLeaveWarning } from './use-leave-warning.js';
import { useUnfinishedUploads } from './use-unfinished-uploads.js';
import { useUploads } from './use-uploads.js';
import { useWindowFileDrop } from './use-window-file-drop.js';
import './upload.css';

/**
 * Cards per group, and mounted per frame when many files arrive at once. A group, not each card, skips
 * style, layout and paint off screen (content-visibility): the browser checks each such element's
 * visibility every frame, and 1,000 of them cost a long task.
 */
const CARDS_PER_GROUP = 25;
/** A card's usual height with the list's gap, for a group not drawn yet. */
const CARD_HEIGHT_PX = 204;

export interface UploadPageProps {
  uploader: Uploader;
  limits: FileLimits;
  /** Keeps uploads across visits (a reload, a crash, a closed tab) and lists the unfinished ones; none in the demo. */
  resumable?: ResumableServices;
}

export interface ResumableServices {
  store: UnfinishedStore;
  locks: UploadLocks;
  api: Pick<UploadApi, 'listParts' | 'abort'>;
}

export function UploadPage({ uploader, limits, resumable }: UploadPageProps) {
  const [kept] = useState(() =>
    resumable
      ? { keeper: new UploadKeeper(resumable), list: new UnfinishedUploads({ ...resumable, clock: realClock }) }
      : { keeper: null, list: null },
  );
  const { entries, addFiles, resumeKept, pause, resume, cancel, retry, remove } = useUploads({
    uploader,
    limits,
    keeper: kept.keeper ?? undefined,
  });
  const unfinished = useUnfinishedUploads(kept.list, kept.keeper, resumeKept);
  const { offerFiles } = unfinished;
  // A file that belongs to an unfinished upload resumes it; the others start new uploads.
  const onFiles = useCallback(
    (files: PickedFile[]) => {
      if (!kept.list) {
        addFiles(files);
        return;
      }
      void offerFiles(files).then((fresh) => {
        if (fresh.length > 0) addFiles(fresh);
      });
    },
    [kept.list, offerFiles, addFiles],
  );
  const dragging = useWindowFileDrop(onFiles);
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
  const shown = useGrowingCount(entries.length, CARDS_PER_GROUP);
  useLeaveWarning(entries.some((entry) => isActive(entry.status) || entry.status === 'paused'));
  return (
    <>
      <DropZone
        onFiles={onFiles}
        maxFileSize={limits.maxFileSize}
        allowedContentTypes={limits.allowedContentTypes}
        compact={entries.length > 0 || unfinished.items.length > 0}
      />
      <UnfinishedList items={unfinished.items} actions={unfinished} />
      {entries.length > 0 && (
        <section className="upload-list" aria-label="Uploads">
          <p className="upload-summary" aria-live="polite">
            {entries.length} {entries.length === 1 ? 'file' : 'files'}
            {active > 0 ? ` · ${active} in progress` : ''}
          </p>
          {groupsOf(shown < entries.length ? entries.slice(0, shown) : entries, CARDS_PER_GROUP).map((group, index) => (
            <div key={index} className="upload-group" style={{ containIntrinsicSize: `auto ${group.length * CARD_HEIGHT_PX}px` }}>
              {group.map((entry) => (
                <FileCard key={entry.id} entry={entry} actions={actions} />
              ))}
            </div>
          ))}
        </section>
      )}
      <DropOverlay visible={dragging} />
    </>
  );
}

function groupsOf<T>(items: readonly T[], size: number): T[][] {
  const groups: T[][] = [];
  for (let start = 0; start < items.length; start += size) groups.push(items.slice(start, start + size));
  return groups;
}
