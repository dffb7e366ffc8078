/**
 * The browser's PartHasher: a small pool of Web Workers (md5-worker.ts), each
 * hashing one blob at a time; requests beyond the pool wait in order. Only a
 * Blob reference crosses to the worker (the worker reads the file itself) and
 * 16 bytes come back, so the main thread does no hashing work.
 */
import type { Md5Reply } from './md5-worker.js';
import type { PartHasher } from './types.js';

export interface WorkerHasherOptions {
  /** Workers in the pool; default 2. */
  workers?: number;
  /** Default: the bundled md5-worker module. */
  createWorker?: () => Worker;
}

interface Job {
  id: number;
  blob: Blob;
  resolve: (digest: Uint8Array) => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
}

export class HashWorkerError extends Error {
  override name = 'HashWorkerError';
}

export function createWorkerHasher(options: WorkerHasherOptions = {}): PartHasher {
  const createWorker = options.createWorker ?? (() => new Worker(new URL('./md5-worker.ts', import.meta.url), { type: 'module' }));
  const size = Math.max(1, options.workers ?? 2);
  const idle: Worker[] = [];
  const running = new Map<Worker, Job>();
  const waiting: Job[] = [];
  let workers = 0;
  let nextId = 1;

  function start(worker: Worker, job: Job): void {
    running.set(worker, job);
    worker.postMessage({ id: job.id, blob: job.blob });
  }

  function nextWaiting(): Job | undefined {
    for (let job = waiting.shift(); job; job = waiting.shift()) if (!job.signal?.aborted) return job;
    return undefined;
  }

  function release(worker: Worker): void {
    running.delete(worker);
    const job = nextWaiting();
    if (job) start(worker, job);
    else idle.push(worker);
  }

  function spawn(): Worker {
    const worker = createWorker();
    workers += 1;
    worker.onmessage = (event: MessageEvent<Md5Reply>) => {
      const job = running.get(worker);
      if (job && job.id === event.data.id) {
        if ('digest' in event.data) job.resolve(event.data.digest);
        else job.reject(new HashWorkerError(event.data.error));
      }
      release(worker);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      running.get(worker)?.reject(new HashWorkerError(`hash worker failed: ${event.message}`));
      running.delete(worker);
      worker.terminate();
      workers -= 1;
      // Jobs waiting for this worker go to a fresh one.
      const job = nextWaiting();
      if (job) start(spawn(), job);
    };
    return worker;
  }

  return {
    md5(blob, signal) {
      return new Promise<Uint8Array>((resolve, reject) => {
        if (signal?.aborted) {
          reject(signal.reason);
          return;
        }
        // An aborted job settles at once; a worker already hashing it finishes and its answer is dropped.
        const onAbort = () => reject(signal?.reason);
        signal?.addEventListener('abort', onAbort, { once: true });
        const job: Job = {
          id: nextId++,
          blob,
          signal,
          resolve: (digest) => {
            signal?.removeEventListener('abort', onAbort);
            resolve(digest);
          },
          reject: (error) => {
            signal?.removeEventListener('abort', onAbort);
            reject(error);
          },
        };
        const worker = idle.pop() ?? (workers < size ? spawn() : undefined);
        if (worker) start(worker, job);
        else waiting.push(job);
      });
    },
  };
}
