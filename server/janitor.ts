/**
 * Aborts multipart uploads nobody will finish: those under the prefix
 * initiated more than ttlMs ago. Safe to run on several replicas at once,
 * because aborting an upload that is already gone counts as success.
 */
import type { Clock } from './clock.js';
import type { UploadStore } from './s3/upload-store.js';

export interface JanitorPassOptions {
  store: Pick<UploadStore, 'listUploads' | 'abortUpload'>;
  prefix: string;
  /** Uploads initiated longer ago than this are aborted. */
  ttlMs: number;
  /** The time of this pass is clock.now(). */
  clock: Clock;
  /** Called once per upload aborted, e.g. to count it in metrics. */
  onAbort?: (upload: { key: string; uploadId: string }) => void;
}

export interface JanitorPassResult {
  /** Uploads under the prefix. */
  scanned: number;
  aborted: number;
  /** Stale uploads whose abort failed; the next pass tries again. */
  failed: number;
  errors: unknown[];
}

export async function runJanitorPass(options: JanitorPassOptions): Promise<JanitorPassResult> {
  const { store } = options;
  const uploads = await store.listUploads(options.prefix);
  const cutoff = options.clock.now() - options.ttlMs;
  const result: JanitorPassResult = { scanned: uploads.length, aborted: 0, failed: 0, errors: [] };
  for (const upload of uploads) {
    // An upload without an initiation time cannot be judged stale: leave it.
    if (upload.initiatedAt === undefined || upload.initiatedAt > cutoff) continue;
    try {
      await store.abortUpload(upload);
      result.aborted++;
      options.onAbort?.({ key: upload.key, uploadId: upload.uploadId });
    } catch (error) {
      result.failed++;
      result.errors.push(error);
    }
  }
  return result;
}

/** Runs a pass every intervalMs on an unref'd timer; returns a stop function. */
export function startJanitor(options: { intervalMs: number; pass: () => Promise<void> }): () => void {
  let running = false;
  const timer = setInterval(() => {
    // A slow pass is never overlapped by the next tick.
    if (running) return;
    running = true;
    void options
      .pass()
      // A pass reports its own failures; a rejection must not crash the process, and the next tick runs again.
      .catch(() => undefined)
      .finally(() => {
        running = false;
      });
  }, options.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
