/**
 * The embedded store on its own thread: request parsing, SigV4 checks, MD5
 * hashing of bodies and disk I/O run on the worker's event loop, so a process
 * that also serves an API (the app's zero-config start) keeps answering fast
 * however many bytes are flowing into the store.
 */
import { Worker } from 'node:worker_threads';
import type { LocalS3 } from './index.js';
import type { FromWorker, ToWorker, WorkerData, WorkerStoreOptions } from './worker-protocol.js';

export type { WorkerStoreOptions };

export interface WorkerLocalS3Options extends WorkerStoreOptions {
  /** Unexpected errors inside the store (answered as 500 InternalError). Default console.error. */
  onInternalError?: (error: Error) => void;
  /** The worker ended without close() being called (it crashed). Default: throw, so the process does not run on without its store. */
  onUnexpectedExit?: (error: Error) => void;
}

export class LocalS3WorkerError extends Error {
  override name = 'LocalS3WorkerError';
  readonly code: string | undefined;
  constructor(message: string, options: { code?: string | undefined; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
  }
}

const BOOT = new URL('./worker-boot.mjs', import.meta.url);
const ENTRY = new URL('./worker-main.ts', import.meta.url).href;

export function startLocalS3InWorker(options: WorkerLocalS3Options): Promise<LocalS3> {
  const { onInternalError, onUnexpectedExit, ...storeOptions } = options;
  const data: WorkerData = { entry: ENTRY, options: storeOptions };
  const worker = new Worker(BOOT, { workerData: data, name: 'local-s3' });
  let closing = false;
  let exited = false;
  const exit = new Promise<void>((resolve) => worker.once('exit', () => resolve()));

  return new Promise<LocalS3>((resolve, reject) => {
    let reported = false;
    // Before ready, reject() makes this a failed start; after, the store died under its user.
    const crashed = (error: LocalS3WorkerError) => {
      reject(error);
      if (closing || reported) return;
      reported = true;
      if (onUnexpectedExit) onUnexpectedExit(error);
      else throw error;
    };
    worker.on('error', (error) => crashed(new LocalS3WorkerError(`the store's worker failed: ${error.message}`, { cause: error })));
    worker.once('exit', (code) => {
      exited = true;
      crashed(new LocalS3WorkerError(`the store's worker exited with code ${code}`));
    });
    worker.on('message', (message: FromWorker) => {
      switch (message.type) {
        case 'failed':
          closing = true;
          reject(new LocalS3WorkerError(`the store could not start: ${message.message}`, { code: message.code }));
          return;
        case 'internal-error': {
          const error = Object.assign(new Error(message.message), { stack: message.stack });
          if (onInternalError) onInternalError(error);
          else console.error('[local-s3] internal error', error);
          return;
        }
        case 'ready': {
          const { endpoint, region, accessKeyId, secretAccessKey, bucket } = message;
          resolve({
            endpoint,
            region,
            accessKeyId,
            secretAccessKey,
            bucket,
            async close() {
              if (exited) return;
              closing = true;
              worker.postMessage({ type: 'close' } satisfies ToWorker);
              await exit;
            },
          });
          return;
        }
        case 'closed':
          return;
      }
    });
  });
}
