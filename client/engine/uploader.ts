/**
 * The engine's entry point: one uploader shares one part scheduler (and so one
 * concurrency limit) across all the files it uploads.
 */
import { MAX_BATCH_FILES } from '../../shared/limits.js';
import { realClock } from './clock.js';
import { IdleWatchdog } from './idle-watchdog.js';
import { defaultNetworkStatus } from './network.js';
import type { ResumeUnavailableError } from './errors.js';
import { memoryAbortStorage, PendingAborts, type PendingAbortStorage } from './pending-aborts.js';
import { OpenSlots } from './open-slots.js';
import { DEFAULT_RETRY_DELAYS } from './retry.js';
import { PartScheduler } from './scheduler.js';
import { SinglePutFlow } from './single-put-flow.js';
import { createSignInWatch } from './sign-in.js';
import type { Clock, NetworkStatus, PartHasher, SignInGate, Transport, UploadApi, UploadProgress, UploadResult, UploadSession, UploadWait } from './types.js';
import { UploadRun, type UploadFile } from './upload-run.js';

/** S3 itself drops a connection that sends nothing for about 20 s; a little longer leaves room for slow stores. */
export const DEFAULT_PART_IDLE_TIMEOUT_MS = 30_000;

/** Two full batches: one being created or completed while the other's files are sent. */
export const DEFAULT_SINGLE_PUTS_UNDERWAY = 2 * MAX_BATCH_FILES;

/** Chromium's connections per host. */
export const DEFAULT_CONCURRENCY = 6;

export interface UploaderOptions {
  api: UploadApi;
  transport: Transport;
  /** Default realClock. */
  clock?: Clock;
  /** Part PUTs in flight across all files of this uploader; default 6. */
  concurrency?: number;
  /** Waits before each retry, ms, each with ±20 % jitter; default [500, 1000, 2000, 4000, 8000, 16000]. */
  retryDelays?: readonly number[];
  /** Random source in [0, 1) for the jitter; default Math.random. */
  random?: () => number;
  /** Default: navigator.onLine + the 'online' event in a browser, always online elsewhere. */
  network?: NetworkStatus;
  /** Computes part MD5s off the main thread; required for uploads whose checksum mode is md5 (the server's default). */
  hasher?: PartHasher;
  /** A part attempt with no upload progress (no byte sent, no answer) for this long is cut and retried; default 30 s, 0 never. */
  partIdleTimeoutMs?: number;
  /**
   * A part attempt asks for no upload progress when the file's last stored part took less than this
   * (and less than an eighth of partIdleTimeoutMs): on a fast link a part is in flight for a moment,
   * its bytes count when it is stored, and the page is spared the progress events (each one an IPC
   * message and a task). Such an attempt counts as idle when it has not ended after partIdleTimeoutMs;
   * the next attempt of that file reports progress again. Default 0: every attempt reports progress.
   */
  quietPartMs?: number;
  /** Keeps aborts that could not get through, across reloads (the browser wires localStorage); default in memory. */
  pendingAborts?: PendingAbortStorage;
  /** Files up to this size (the server's part size) go as one PutObject, created in batches; default 0: every file multipart. */
  singlePutMaxSize?: number;
  /** Files with an open upload on the server at once; the rest wait their turn. Default 2 × concurrency. */
  maxOpenUploads?: number;
  /**
   * Files going as one PutObject that are on their way at once (hashing, created, waiting for or in their PUT, completing);
   * the rest wait their turn. They leave nothing open on the store, so they are not counted in maxOpenUploads.
   * Default 2 × MAX_BATCH_FILES: creates and completes go in full batches.
   */
  maxSinglePutsUnderway?: number;
  /** Where uploads wait when the login is missing or expired; default createSignInWatch() (focus, visibility, every 5 s). */
  signIn?: SignInGate;
}

export interface UploadOptions {
  /** Abort with a PauseError to pause (stored parts kept), with anything else to cancel (aborted on S3). Rejects with signal.reason. */
  signal?: AbortSignal;
  /** Resume: parts already stored (listParts, same size) are skipped. */
  session?: UploadSession;
  /** Called once the upload exists (created, or the given session confirmed by ListParts), so the UI can keep it for a resume. */
  onSession?: (session: UploadSession) => void;
  /** Called when the given session can no longer be resumed (token expired, upload gone); a new upload is created after it. */
  onStartOver?: (reason: ResumeUnavailableError) => void;
  onProgress?: (progress: UploadProgress) => void;
  /** onProgress is called at most once per this many ms (a part failing is reported at once); default 50. */
  progressIntervalMs?: number;
  /** Called with 'sign-in' when the upload waits for the person to sign in again, and null once it goes on. */
  onWait?: (wait: UploadWait) => void;
  /**
   * Called when the run aborts its upload on the store (cancelled, or failed), with the abort: it resolves once the
   * store has let go of every stored part, and rejects when the abort was refused for good or the token expired
   * (then only the server's janitor or a lifecycle rule removes them). Until then it is retried, across reloads too.
   */
  onStoreCleanup?: (removed: Promise<void>) => void;
}

export interface Uploader {
  upload(file: File | UploadFile, options?: UploadOptions): Promise<UploadResult>;
  /**
   * Aborts a paused upload on the store (nothing is running to abort it). An abort that
   * cannot get through is kept and retried until it does; rejects only when it is refused
   * for good or the token expired (the janitor is the net).
   */
  discard(session: UploadSession): Promise<void>;
}

export function createUploader(options: UploaderOptions): Uploader {
  const clock = options.clock ?? realClock;
  const random = options.random ?? Math.random;
  const network = options.network ?? defaultNetworkStatus();
  const retryDelays = options.retryDelays ?? DEFAULT_RETRY_DELAYS;
  const aborts = new PendingAborts({ api: options.api, clock, network, random, delays: retryDelays, storage: options.pendingAborts ?? memoryAbortStorage() });
  // Aborts an earlier page could not get through are tried again.
  aborts.resume();
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const deps = {
    api: options.api,
    transport: options.transport,
    clock,
    scheduler: new PartScheduler(concurrency),
    openSlots: new OpenSlots(options.maxOpenUploads ?? 2 * concurrency),
    singleSlots: new OpenSlots(options.maxSinglePutsUnderway ?? DEFAULT_SINGLE_PUTS_UNDERWAY),
    singleFlow: new SinglePutFlow(clock),
    signIn: options.signIn ?? createSignInWatch(),
    retryDelays,
    random,
    network,
    aborts,
    hasher: options.hasher,
    idleWatchdog: idleWatchdogFor(options.partIdleTimeoutMs ?? DEFAULT_PART_IDLE_TIMEOUT_MS, clock),
    singlePutMaxSize: options.singlePutMaxSize ?? 0,
    quietPartMs: quietPartMsFor(options.quietPartMs ?? 0, options.partIdleTimeoutMs ?? DEFAULT_PART_IDLE_TIMEOUT_MS),
  };
  return {
    upload: (file, uploadOptions = {}) => new UploadRun(deps, file, uploadOptions).run(),
    discard: (session) => aborts.abort(session),
  };
}

/** Far below the idle timeout, so an attempt sent without progress is not cut while a merely slower part is still moving. */
function quietPartMsFor(quietPartMs: number, idleMs: number): number {
  return idleMs > 0 ? Math.min(quietPartMs, idleMs / 8) : quietPartMs;
}

function idleWatchdogFor(idleMs: number, clock: Clock): IdleWatchdog | null {
  return idleMs > 0 ? new IdleWatchdog({ clock, idleMs }) : null;
}
