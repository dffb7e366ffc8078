/** Messages between startLocalS3InWorker (the parent) and worker-main.ts (the store's thread). */
import type { LocalS3Options } from './index.js';

/** What crosses into the worker: the options that are plain data (no clock, no callbacks). */
export type WorkerStoreOptions = Omit<LocalS3Options, 'clock' | 'onInternalError'>;

export interface WorkerData {
  /** URL of worker-main.ts, which worker-boot.mjs imports once TypeScript loading is registered. */
  entry: string;
  options: WorkerStoreOptions;
}

export type ToWorker = { type: 'close' };

export type FromWorker =
  | { type: 'ready'; endpoint: string; region: string; accessKeyId: string; secretAccessKey: string; bucket: string }
  | { type: 'failed'; message: string; code: string | undefined }
  | { type: 'internal-error'; message: string; stack: string | undefined }
  | { type: 'closed' };
