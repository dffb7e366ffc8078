/**
 * The only place React touches the engine: starts, pauses, resumes, cancels
 * and retries uploads, and feeds their events into the reducer. Progress is
 * coalesced to one dispatch per PROGRESS_INTERVAL_MS whatever the engine's
 * rate: text and bars change at a rate a person reads, and drawing them does
 * not compete with the uploads for the CPU.
 */
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { CancelError, PauseError, type ResumeUnavailableError } from '../../engine/errors.js';
import type { Uploader } from '../../engine/uploader.js';
import type { UploadProgress, UploadSession } from '../../engine/types.js';
import { describeUploadError } from './error-message.js';
import { checkFile, type FileLimits } from './file-check.js';
import type { FileFingerprint } from './file-fingerprint.js';
import { FrameBatcher, intervalScheduler, type FrameScheduler } from './frame-batcher.js';
import type { PickedFile } from './picked-file.js';
import type { UnfinishedUpload } from './unfinished-store.js';
import type { UploadKeeper } from './upload-keeper.js';
import { initialUploadsState, uploadsReducer, type NewFile, type UploadEntry } from './upload-reducer.js';

export interface UseUploadsOptions {
  uploader: Uploader;
  limits: FileLimits;
  /** Keeps uploads resumable across visits and driven by one tab at a time; none in the demo. */
  keeper?: UploadKeeper | undefined;
  /** Clock for progress batching; a tick every PROGRESS_INTERVAL_MS by default. */
  scheduler?: FrameScheduler;
}

/** A file to upload, with a sentence to show on its card (why it was not resumed). */
export type FileToUpload = PickedFile & { readonly notice?: string };

/** An upload kept from an earlier visit, its file found again and its lock taken by this tab. */
export interface KeptResume extends PickedFile {
  readonly upload: UnfinishedUpload;
  readonly release: () => void;
}

export const RESUMED_NOTICE = 'Resumed where it stopped: parts already stored are checked, and only the rest is sent.';

export function startOverNotice(reason: ResumeUnavailableError): string {
  return reason.reason === 'expired'
    ? 'The earlier upload of this file had expired, so it started again from the beginning.'
    : 'The storage no longer had the earlier upload of this file, so it started again from the beginning.';
}

/** Five updates a second: bars visibly move, numbers stay readable. */
export const PROGRESS_INTERVAL_MS = 200;

export interface UploadControls {
  entries: readonly UploadEntry[];
  addFiles(files: Iterable<FileToUpload>): void;
  /** Continues an upload kept from an earlier visit. */
  resumeKept(kept: KeptResume): void;
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

interface FileSource {
  handle: FileSystemFileHandle | null;
  /** Known when the file was matched against a kept upload; computed when kept otherwise. */
  fingerprint?: FileFingerprint;
}

export function useUploads({ uploader, limits, keeper, scheduler }: UseUploadsOptions): UploadControls {
  const [state, dispatch] = useReducer(uploadsReducer, initialUploadsState);
  const [batcher] = useState(
    () =>
      new FrameBatcher<string, RunProgress>((batch) => {
        dispatch({ type: 'progressed', updates: [...batch].map(([id, { runId, progress }]) => ({ id, runId, progress })) });
      }, scheduler ?? intervalScheduler(PROGRESS_INTERVAL_MS)),
  );
  const controllers = useRef(new Map<string, AbortController>());
  const sources = useRef(new Map<string, FileSource>());
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
          onSession: (next) => {
            dispatch({ type: 'session', id, runId, session: next });
            const source = sources.current.get(id);
            void keeper?.keep(id, next, file, source?.handle ?? null, source?.fingerprint);
          },
          onStartOver: (reason) => {
            dispatch({ type: 'noticed', id, runId, notice: startOverNotice(reason) });
            void keeper?.forget(id);
          },
          onWait: (wait) => dispatch({ type: 'waited', id, runId, wait }),
          onProgress: (progress) => batcher.push(id, { runId, progress }),
        })
        .then(
          (result) => {
            batcher.flushNow(); // the last snapshot lands before "done", never after it
            dispatch({ type: 'succeeded', id, runId, result });
            void keeper?.forget(id);
          },
          (error: unknown) => {
            batcher.flushNow(); // keeps the part map's failed cells visible
            // Paused: kept for a resume, here or after a reload.
            if (error instanceof PauseError) return;
            // Cancelled or failed: the engine aborted it on the store.
            void keeper?.forget(id);
            if (error instanceof CancelError) return;
            dispatch({ type: 'failed', id, runId, message: describeUploadError(error) });
          },
        )
        .finally(() => {
          if (controllers.current.get(id) === controller) controllers.current.delete(id);
        });
    },
    [uploader, batcher, keeper],
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
    (files: Iterable<FileToUpload>) => {
      // One dispatch for the whole drop: a reducer step per file would copy the list once per file.
      const added: NewFile[] = [];
      for (const { file, handle, notice } of files) {
        const id = `upload-${++counters.current.file}`;
        const refusal = checkFile(file, limits);
        if (refusal) {
          added.push({ id, file, refusal });
        } else {
          if (handle) sources.current.set(id, { handle });
          added.push({ id, file, runId: ++counters.current.run, ...(notice ? { notice } : {}) });
        }
      }
      if (added.length === 0) return;
      dispatch({ type: 'filesAdded', files: added });
      for (const entry of added) if ('runId' in entry) run(entry.id, entry.file, null, entry.runId);
    },
    [limits, run],
  );

  const resumeKept = useCallback(
    ({ file, handle, upload, release }: KeptResume) => {
      const id = `upload-${++counters.current.file}`;
      const runId = ++counters.current.run;
      sources.current.set(id, { handle: handle ?? upload.handle, fingerprint: upload.fingerprint });
      keeper?.adopt(id, upload.session.uploadId, release);
      dispatch({ type: 'filesAdded', files: [{ id, file, runId, session: upload.session, notice: RESUMED_NOTICE }] });
      run(id, file, upload.session, runId);
    },
    [keeper, run],
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
        void keeper?.forget(entry.id);
      }
    },
    [batcher, uploader, keeper],
  );

  const remove = useCallback(
    (entry: UploadEntry) => {
      batcher.discard(entry.id);
      sources.current.delete(entry.id);
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
  return { entries, addFiles, resumeKept, pause, resume, cancel, retry, remove };
}
