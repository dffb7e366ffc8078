/**
 * The only place React touches the engine: starts, pauses, resumes, cancels
 * and retries uploads, and feeds their events into the reducer. Progress is
 * coalesced to one dispatch per PROGRESS_INTERVAL_MS whatever the engine's
 * rate: text and bars change at a rate a person reads, and drawing them does
 * not compete with the uploads for the CPU.
 */
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { CancelError, PauseError } from '../../engine/errors.js';
import type { Uploader } from '../../engine/uploader.js';
import type { UploadProgress, UploadSession } from '../../engine/types.js';
import { describeUploadError } from './error-message.js';
import { checkFile, type FileLimits } from './file-check.js';
import { FrameBatcher, intervalScheduler, type FrameScheduler } from './frame-batcher.js';
import { initialUploadsState, uploadsReducer, type NewFile, type UploadEntry } from './upload-reducer.js';

export interface UseUploadsOptions {
  uploader: Uploader;
  limits: FileLimits;
  /** Clock for progress batching; a tick every PROGRESS_INTERVAL_MS by default. */
  scheduler?: FrameScheduler;
}

/** Five updates a second: bars visibly move, numbers stay readable. */
export const PROGRESS_INTERVAL_MS = 200;

export interface UploadControls {
  entries: readonly UploadEntry[];
  addFiles(files: Iterable<File>): void;
  pause(entry: UploadEntry): void;
  resume(entry: UploadEntry): void;
  cancel(entry: UploadEntry): void;
  retry(entry: UploadEntry): void;
  remove(entry: UploadEntry): void;
}

interface RunProgress {
  runId: number;
  progress: UploadProgress;
}

export function useUploads({ uploader, limits, scheduler }: UseUploadsOptions): UploadControls {
  const [state, dispatch] = useReducer(uploadsReducer, initialUploadsState);
  const [batcher] = useState(
    () =>
      new FrameBatcher<string, RunProgress>((batch) => {
        dispatch({ type: 'progressed', updates: [...batch].map(([id, { runId, progress }]) => ({ id, runId, progress })) });
      }, scheduler ?? intervalScheduler(PROGRESS_INTERVAL_MS)),
  );
  const controllers = useRef(new Map<string, AbortController>());
  const counters = useRef({ run: 0, file: 0 });

  useEffect(() => () => batcher.dispose(), [batcher]);

  /** Runs the engine for a file whose run the reducer already knows (runId). */
  const run = useCallback(
    (id: string, file: File, session: UploadSession | null, runId: number) => {
      const controller = new AbortController();
      controllers.current.set(id, controller);
      uploader
        .upload(file, {
          signal: controller.signal,
          ...(session ? { session } : {}),
          onSession: (next) => dispatch({ type: 'session', id, runId, session: next }),
          onProgress: (progress) => batcher.push(id, { runId, progress }),
        })
        .then(
          (result) => {
            batcher.flushNow(); // the last snapshot lands before "done", never after it
            dispatch({ type: 'succeeded', id, runId, result });
          },
          (error: unknown) => {
            batcher.flushNow(); // keeps the part map's failed cells visible
            if (error instanceof PauseError || error instanceof CancelError) return;
            dispatch({ type: 'failed', id, runId, message: describeUploadError(error) });
          },
        )
        .finally(() => {
          if (controllers.current.get(id) === controller) controllers.current.delete(id);
        });
    },
    [uploader, batcher],
  );

  const start = useCallback(
    (id: string, file: File, session: UploadSession | null) => {
      const runId = ++counters.current.run;
      dispatch({ type: 'started', id, runId, fresh: session === null });
      run(id, file, session, runId);
    },
    [run],
  );

  const addFiles = useCallback(
    (files: Iterable<File>) => {
      // One dispatch for the whole drop: a reducer step per file would copy the list once per file.
      const added: NewFile[] = [];
      for (const file of files) {
        const id = `upload-${++counters.current.file}`;
        const refusal = checkFile(file, limits);
        added.push(refusal ? { id, file, refusal } : { id, file, runId: ++counters.current.run });
      }
      if (added.length === 0) return;
      dispatch({ type: 'filesAdded', files: added });
      for (const entry of added) if ('runId' in entry) run(entry.id, entry.file, null, entry.runId);
    },
    [limits, run],
  );

  const pause = useCallback(
    (entry: UploadEntry) => {
      dispatch({ type: 'paused', id: entry.id });
      batcher.discard(entry.id);
      controllers.current.get(entry.id)?.abort(new PauseError());
      controllers.current.delete(entry.id);
    },
    [batcher],
  );

  const resume = useCallback((entry: UploadEntry) => start(entry.id, entry.file, entry.session), [start]);
  const retry = useCallback((entry: UploadEntry) => start(entry.id, entry.file, null), [start]);

  const cancel = useCallback(
    (entry: UploadEntry) => {
      dispatch({ type: 'cancelled', id: entry.id });
      batcher.discard(entry.id);
      const controller = controllers.current.get(entry.id);
      if (controller) {
        controller.abort(new CancelError());
        controllers.current.delete(entry.id);
      } else if (entry.session) {
        // Paused: no run is active to abort the upload on the store; the janitor cleans up if this fails.
        uploader.discard(entry.session).catch(() => undefined);
      }
    },
    [batcher, uploader],
  );

  const remove = useCallback(
    (entry: UploadEntry) => {
      batcher.discard(entry.id);
      dispatch({ type: 'removed', id: entry.id });
    },
    [batcher],
  );

  // A plain loop: this runs on every state change, and flatMap over 1,000 files was the page's busiest function.
  const entries = useMemo(() => {
    const list: UploadEntry[] = [];
    for (const id of state.order) {
      const entry = state.byId[id];
      if (entry) list.push(entry);
    }
    return list;
  }, [state]);
  return { entries, addFiles, pause, resume, cancel, retry, remove };
}
