/**
 * The only place React touches the engine: starts, pauses, resumes, cancels
 * and retries uploads, and feeds their events into the reducer. The engine
 * reports each file's progress at most once per PROGRESS_INTERVAL_MS, and all
 * files' reports are coalesced to one dispatch per PROGRESS_INTERVAL_MS: text
 * and bars change at a rate a person reads, and drawing them does not compete
 * with the uploads for the CPU.
 */
import { startTransition, useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { CancelError, PauseError, type ResumeUnavailableError } from '../../engine/errors.js';
import type { Uploader } from '../../engine/uploader.js';
import type { UploadProgress, UploadSession } from '../../engine/types.js';
import { describeUploadError } from './error-message.js';
import { checkFile, type FileLimits } from './file-check.js';
import type { FileFingerprint } from './file-fingerprint.js';
import { FrameBatcher, throttleScheduler, type FrameScheduler } from './frame-batcher.js';
import type { PickedFile } from './picked-file.js';
import type { UnfinishedUpload } from './unfinished-store.js';
import type { UploadKeeper } from './upload-keeper.js';
import { initialUploadsState, uploadsReducer, type EntryAction, type NewFile, type UploadEntry } from './upload-reducer.js';

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

/**
 * Two updates a second (as Uppy's total progress): bars visibly move, numbers can be read, and each
 * update's render, style, layout, paint and composite cost the page little during a fast upload.
 */
export const PROGRESS_INTERVAL_MS = 500;

/** Main-thread time spent starting dropped files' runs before yielding to the page: far below a 50 ms task. */
const START_SLICE_MS = 8;

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
  const [state, dispatchNow] = useReducer(uploadsReducer, initialUploadsState);
  // Engine events of one task (1,000 files settling together) reach the reducer as one batch, applied with one copy.
  const [engineEvents] = useState(() => new EventBatch(dispatchNow));
  const [batcher] = useState(
    () =>
      new FrameBatcher<string, RunProgress>((batch) => {
        engineEvents.add({ type: 'progressed', updates: [...batch].map(([id, { runId, progress }]) => ({ id, runId, progress })) });
      }, scheduler ?? throttleScheduler(PROGRESS_INTERVAL_MS)),
  );
  // The person's actions land after the engine events already reported, in order.
  const dispatch = useCallback(
    (action: Parameters<typeof dispatchNow>[0]) => {
      engineEvents.flush();
      dispatchNow(action);
    },
    [engineEvents],
  );
  const [starts] = useState(() => new StartQueue());
  const controllers = useRef(new Map<string, AbortController>());
  const sources = useRef(new Map<string, FileSource>());
  const counters = useRef({ run: 0, file: 0 });

  useEffect(() => () => batcher.dispose(), [batcher]);

  /** Runs the engine for a file whose run the reducer already knows (runId); `later`: in a slice after this task. */
  const run = useCallback(
    (id: string, file: File, session: UploadSession | null, runId: number, later = false) => {
      const controller = new AbortController();
      controllers.current.set(id, controller);
      const report = engineEvents.add;
      const begin = () => {
        // Paused or cancelled before it began: nothing exists on the store yet, nothing to run.
        if (controller.signal.aborted) {
          if (controllers.current.get(id) === controller) controllers.current.delete(id);
          return;
        }
        uploader
          .upload(file, {
            signal: controller.signal,
            ...(session ? { session } : {}),
            onSession: (next) => {
              report({ type: 'session', id, runId, session: next });
              const source = sources.current.get(id);
              void keeper?.keep(id, next, file, source?.handle ?? null, source?.fingerprint);
            },
            onStartOver: (reason) => {
              report({ type: 'noticed', id, runId, notice: startOverNotice(reason) });
              void keeper?.forget(id);
            },
            onWait: (wait) => report({ type: 'waited', id, runId, wait }),
            onStoreCleanup: (removed) => reportCleanup(id, removed, report),
            onProgress: (progress) => batcher.push(id, { runId, progress }),
            // Snapshots the page would only coalesce are not made: no timer, copy or speed sample for them.
            progressIntervalMs: PROGRESS_INTERVAL_MS,
          })
          .then(
            (result) => {
              batcher.flushNow(); // the last snapshot lands before "done", never after it
              report({ type: 'succeeded', id, runId, result });
              void keeper?.forget(id);
            },
            (error: unknown) => {
              batcher.flushNow(); // keeps the part map's failed cells visible
              // Paused: kept for a resume, here or after a reload.
              if (error instanceof PauseError) return;
              // Cancelled or failed: the engine aborted it on the store.
              void keeper?.forget(id);
              if (error instanceof CancelError) return;
              report({ type: 'failed', id, runId, message: describeUploadError(error) });
            },
          )
          .finally(() => {
            if (controllers.current.get(id) === controller) controllers.current.delete(id);
          });
      };
      if (later) starts.add(begin);
      else begin();
    },
    [uploader, batcher, keeper, engineEvents, starts],
  );

  const start = useCallback(
    (id: string, file: File, session: UploadSession | null) => {
      const runId = ++counters.current.run;
      dispatch({ type: 'started', id, runId, fresh: session === null });
      run(id, file, session, runId);
    },
    [run, dispatch],
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
      // Each run's start costs the engine a little: a drop of 1,000 starts them in slices, not in this task.
      for (const entry of added) if ('runId' in entry) run(entry.id, entry.file, null, entry.runId, true);
    },
    [limits, run, dispatch],
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
    [keeper, run, dispatch],
  );

  const pause = useCallback(
    (entry: UploadEntry) => {
      dispatch({ type: 'paused', id: entry.id });
      batcher.discard(entry.id);
      controllers.current.get(entry.id)?.abort(new PauseError());
      controllers.current.delete(entry.id);
    },
    [batcher, dispatch],
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
        reportCleanup(entry.id, uploader.discard(entry.session), dispatch);
        void keeper?.forget(entry.id);
      }
    },
    [batcher, uploader, keeper, dispatch],
  );

  const remove = useCallback(
    (entry: UploadEntry) => {
      batcher.discard(entry.id);
      sources.current.delete(entry.id);
      dispatch({ type: 'removed', id: entry.id });
    },
    [batcher, dispatch],
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

/**
 * Engine events reported within one task, handed to the reducer together at the task's end, as a
 * transition: React renders them in slices it can interrupt, so hundreds of cards changing at once
 * (1,000 small files finishing) never make one long task, and a click is handled first.
 */
class EventBatch {
  readonly #dispatch: (action: { type: 'batch'; actions: readonly EntryAction[] }) => void;
  #pending: EntryAction[] = [];

  constructor(dispatch: (action: { type: 'batch'; actions: readonly EntryAction[] }) => void) {
    this.#dispatch = dispatch;
  }

  readonly add = (action: EntryAction): void => {
    if (this.#pending.length === 0) queueMicrotask(this.flush);
    this.#pending.push(action);
  };

  readonly flush = (): void => {
    if (this.#pending.length === 0) return;
    const actions = this.#pending;
    this.#pending = [];
    startTransition(() => this.#dispatch({ type: 'batch', actions }));
  };
}

/** Work started in slices of START_SLICE_MS, each in its own task, so a long list never blocks the page. */
class StartQueue {
  #waiting: (() => void)[] = [];
  #next = 0;
  #scheduled = false;

  add(start: () => void): void {
    this.#waiting.push(start);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setTimeout(this.#slice, 0);
  }

  readonly #slice = (): void => {
    this.#scheduled = false;
    const deadline = performance.now() + START_SLICE_MS;
    while (this.#next < this.#waiting.length && performance.now() < deadline) this.#waiting[this.#next++]!();
    if (this.#next < this.#waiting.length) {
      this.#scheduled = true;
      setTimeout(this.#slice, 0);
    } else {
      this.#waiting = [];
      this.#next = 0;
    }
  };
}

/** Tells the card when the store has let go of a cancelled upload's parts, or that only the janitor will remove them. */
function reportCleanup(id: string, removed: Promise<void>, report: (action: EntryAction) => void): void {
  removed.then(
    () => report({ type: 'cleanedUp', id, outcome: 'removed' }),
    () => report({ type: 'cleanedUp', id, outcome: 'left' }),
  );
}
