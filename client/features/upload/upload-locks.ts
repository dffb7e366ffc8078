/**
 * One tab at a time drives an upload. A seam over the Web Locks API
 * (web-upload-locks.ts); tests use an in-memory fake shared by fake "tabs".
 */
export interface UploadLocks {
  /** Takes the upload's lock when no tab holds it; resolves with its release, or null when another tab holds it. */
  tryHold(uploadId: string): Promise<(() => void) | null>;
  /** Which of these uploads some tab holds now. */
  heldOf(uploadIds: readonly string[]): Promise<Set<string>>;
  /** Resolves once no tab holds the upload's lock (at once when free); rejects with signal.reason when aborted first. */
  whenFree(uploadId: string, signal: AbortSignal): Promise<void>;
}

/** When the browser has no Web Locks (an insecure origin): every lock is free, as in a single tab. */
export const noUploadLocks: UploadLocks = {
  tryHold: async () => () => undefined,
  heldOf: async () => new Set(),
  whenFree: async (_uploadId, signal) => signal.throwIfAborted(),
};
