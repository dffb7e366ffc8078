/**
 * The only place React touches the engine: starts, pauses, resumes, cancels
 * and retries uploads, and feeds their events into the reducer. Progress is
 * coalesced to one dispatch per animation frame whatever the engine's rate.
 */
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { CancelError, PauseError } from '../../engine/errors.js';
import type { Uploader } from '../../engine/uploader.js';
import type { UploadProgress, UploadSession } from '../../engine/types.js';
import { describeUploadError } from './error-message.js';
import { checkFile, type FileLimits } from './file-check.js';
import { FrameBatcher, type FrameScheduler } from './frame-batcher.js';
import { initialUploadsState, uploadsReducer, type UploadEntry } from './upload-reducer.js';

export interface UseUploadsOptions {
  uploader: Uploader;
  limits: FileLimits;
  /** Frame clock for progress batching; requestAnimationFrame by default. */
  scheduler?: FrameScheduler;
}

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
      }, scheduler),
  );
  const controllers = useRef(new Map<string, AbortController>());
  const counters = useRef({ run: 0, file: 0 });

  useEffect(() => () => batcher.dispose(), [batcher]);

  const start = useCallback(
    (id: string, file: File, session: UploadSession | null) => {
      const runId = ++counters.current.run;
      const controller = new AbortController();
      controllers.current.set(id, controller);
      dispatch({ type: 'started', id, runId, fresh: session === null });
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

  const addFiles = useCallback(
    (files: Iterable<File>) => {
      for (const file of files) {
        const id = `upload-${++counters.current.file}`;
        const refusal = checkFile(file, limits);
        if (refusal) {
          dispatch({ type: 'refused', id, file, message: refusal });
        } else {
          dispatch({ type: 'added', id, file });
          start(id, file, null);
        }
      }
    },
    [limits, start],
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

  const entries = useMemo(() => state.order.flatMap((id) => state.byId[id] ?? []), [state]);
  return { entries, addFiles, pause, resume, cancel, retry, remove };
}
