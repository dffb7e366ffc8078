/**
 * Request bodies are written and hashed on body writer threads
 * (body-writer-main.ts), not on the store's own thread: MD5 of 100 MB/s is
 * most of a core, and on the store's event loop it made every metadata
 * request (create, complete, list) wait behind hashing. The writes go to
 * libuv's thread pool, which the store's metadata calls (synchronous, see
 * disk-store.ts) do not wait in. Each body goes to the thread with the fewest open bodies; more
 * threads start as bodies arrive, up to the pool's size.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BodyDigestRequest, BodyDigests, FromBodyWriter, ToBodyWriter } from './body-writer-protocol.js';

export type { BodyDigestRequest, BodyDigests };

/** A body writer thread stopped (crashed or was closed) with this body's work pending. */
export class BodyWriterStoppedError extends Error {
  override name = 'BodyWriterStoppedError';
}

/** An error a body writer thread hit (e.g. ENOSPC), with its errno code. */
export class BodyWriteError extends Error {
  override name = 'BodyWriteError';
  readonly code: string | undefined;
  constructor(message: string, code: string | undefined) {
    super(message);
    this.code = code;
  }
}

/** Bodies up to this size are written before the next batch of any bigger one. */
export const URGENT_BODY_BYTES = 256 * 1024;

const BOOT = new URL('./worker-boot.mjs', import.meta.url);
const ENTRY = new URL('./body-writer-main.ts', import.meta.url).href;

/** Leaves a core for the store's own thread (and whatever else the process runs) on small machines. */
export function defaultBodyWriterThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

type Pending = { resolve: (digests: BodyDigests | undefined) => void; reject: (error: Error) => void };

class BodyWriterThread {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #calls = 0;
  stopped = false;
  openBodies = 0;

  constructor(onStop: (thread: BodyWriterThread) => void) {
    this.#worker = new Worker(BOOT, { workerData: { entry: ENTRY }, name: 'local-s3 body writer' });
    this.#worker.unref();
    this.#worker.on('message', (reply: FromBodyWriter) => {
      const pending = this.#pending.get(reply.call);
      this.#pending.delete(reply.call);
      if (reply.ok) pending?.resolve(reply.digests);
      else pending?.reject(new BodyWriteError(reply.message, reply.code));
    });
    const stop = (error: Error) => {
      if (this.stopped) return;
      this.stopped = true;
      onStop(this);
      for (const pending of this.#pending.values()) pending.reject(error);
      this.#pending.clear();
    };
    this.#worker.on('error', (error) => stop(new BodyWriterStoppedError(`a body writer thread failed: ${error.message}`, { cause: error })));
    this.#worker.once('exit', (code) => stop(new BodyWriterStoppedError(`a body writer thread exited with code ${code}`)));
  }

  call(message: ToBodyWriter, transfer: ArrayBuffer[] = []): Promise<BodyDigests | undefined> {
    if (this.stopped) return Promise.reject(new BodyWriterStoppedError('the body writer thread has stopped'));
    return new Promise((resolve, reject) => {
      this.#pending.set(message.call, { resolve, reject });
      this.#worker.postMessage(message, transfer);
    });
  }

  nextCall(): number {
    return (this.#calls += 1);
  }

  async terminate(): Promise<void> {
    await this.#worker.terminate();
  }
}

/** One body being written: its batches in order, then finish() (the digests) or discard(). */
export class BodyWrite {
  readonly #thread: BodyWriterThread;
  readonly #path: string;
  readonly #urgent: boolean;
  #closed = false;

  constructor(thread: BodyWriterThread, path: string, urgent: boolean) {
    this.#thread = thread;
    this.#path = path;
    this.#urgent = urgent;
  }

  /**
   * Appends `chunks`. A chunk that spans its whole ArrayBuffer (as each socket read's does) is
   * moved to the writer thread, not copied: it is unusable here afterwards.
   */
  async write(chunks: readonly Uint8Array[]): Promise<void> {
    const moved: ArrayBuffer[] = [];
    const sent = chunks.map((chunk) => {
      const { buffer } = chunk;
      if (buffer instanceof ArrayBuffer && chunk.byteOffset === 0 && chunk.byteLength === buffer.byteLength && !moved.includes(buffer)) {
        moved.push(buffer);
        return chunk;
      }
      return new Uint8Array(chunk);
    });
    await this.#send({ op: 'write', chunks: sent }, moved);
  }

  /** Closes the file; the body's digests. */
  async finish(): Promise<BodyDigests> {
    const digests = await this.#close({ op: 'finish' });
    if (digests === undefined) throw new BodyWriteError('the body writer answered finish without digests', undefined);
    return digests;
  }

  /** Closes the file, if open (the caller removes it). */
  async discard(): Promise<void> {
    if (this.#closed) return;
    await this.#close({ op: 'discard' }).catch(() => undefined);
  }

  async #close(message: { op: 'finish' } | { op: 'discard' }): Promise<BodyDigests | undefined> {
    this.#closed = true;
    try {
      return await this.#send(message);
    } finally {
      this.#thread.openBodies -= 1;
    }
  }

  #send(message: { op: 'write'; chunks: Uint8Array[] } | { op: 'finish' } | { op: 'discard' }, transfer: ArrayBuffer[] = []): Promise<BodyDigests | undefined> {
    return this.#thread.call({ ...message, call: this.#thread.nextCall(), path: this.#path, urgent: this.#urgent }, transfer);
  }
}

export class BodyWriterPool {
  readonly #size: number;
  #threads: BodyWriterThread[] = [];

  constructor(size = defaultBodyWriterThreads()) {
    this.#size = Math.max(1, size);
  }

  /** Starts the first thread now (loading TypeScript in a thread takes a while), so the first body does not wait for it. */
  warmUp(): void {
    if (this.#threads.length === 0) this.#pick();
  }

  /** Creates `path` (which must not exist) for a body of `expectedSize` bytes. */
  async open(path: string, expectedSize: number, digests: BodyDigestRequest): Promise<BodyWrite> {
    const thread = this.#pick();
    const urgent = expectedSize <= URGENT_BODY_BYTES;
    thread.openBodies += 1;
    try {
      // Always urgent: a body's other messages are sent only once it is open, so order holds.
      await thread.call({ op: 'open', call: thread.nextCall(), path, urgent: true, digests });
    } catch (error) {
      thread.openBodies -= 1;
      throw error;
    }
    return new BodyWrite(thread, path, urgent);
  }

  async close(): Promise<void> {
    const threads = this.#threads;
    this.#threads = [];
    await Promise.all(threads.map((thread) => thread.terminate()));
  }

  #pick(): BodyWriterThread {
    if (this.#threads.length < this.#size) {
      const thread = new BodyWriterThread((stopped) => {
        this.#threads = this.#threads.filter((t) => t !== stopped);
      });
      this.#threads.push(thread);
      return thread;
    }
    return this.#threads.reduce((least, thread) => (thread.openBodies < least.openBodies ? thread : least));
  }
}
