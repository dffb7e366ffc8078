/** What the Uppy peer runs with, shared by its page and the Node side that reports it. */
export const UPPY_CONCURRENCY = 6;
export const UPPY_PART_SIZE = 8 * 1024 * 1024;

export interface UppyBenchResult {
  files: number;
  bytes: number;
  /** The file input's change event to Uppy's `complete`. */
  totalMs: number;
  keys: string[];
  failed: string[];
}
