/**
 * Part MD5s for one upload, computed ahead of the PUTs so no connection waits
 * for a digest: parts of `order` within `lookahead` of the next part to start
 * are hashed first (at most `parallel` at a time), then, while the hasher would
 * otherwise idle, the `background` parts (stored before a resume) whose digests
 * the object's ETag still needs. Digests are 16 bytes each and kept to the end.
 */
import { FileReadError } from './errors.js';
import type { PartHasher } from './types.js';

export interface PartDigestsOptions {
  hasher: PartHasher;
  /** The bytes of a part (a lazy Blob.slice of the file). */
  slice: (partNumber: number) => Blob;
  /** Part numbers to send, in the order they will start. */
  order: readonly number[];
  /** How many of `order` have started. */
  started: () => number;
  /** Parts of `order` hashed ahead of the next one to start. */
  lookahead: number;
  /** Parts not sent (already stored) whose digests are wanted too; hashed when the look-ahead is done. */
  background: readonly number[];
  /** Hash requests in flight at once. */
  parallel: number;
  signal: AbortSignal;
  /** Called after each digest, so signing can batch the parts now ready. */
  onDigest?: () => void;
}

interface Pending {
  promise: Promise<Uint8Array>;
  resolve: (digest: Uint8Array) => void;
  reject: (error: unknown) => void;
}

export class PartDigests {
  readonly #options: PartDigestsOptions;
  readonly #pending = new Map<number, Pending>();
  readonly #done = new Map<number, Uint8Array>();
  /** Parts asked for with get() before their turn: hashed first, in the order asked. */
  readonly #wanted: number[] = [];
  /** Next index into `order` for the look-ahead, and into `background`. */
  #aheadCursor = 0;
  #backgroundCursor = 0;
  #inFlight = 0;

  constructor(options: PartDigestsOptions) {
    this.#options = options;
  }

  /** The part's digest; moves it to the front of the queue when it is not under way. */
  get(partNumber: number): Promise<Uint8Array> {
    const done = this.#done.get(partNumber);
    if (done) return Promise.resolve(done);
    let pending = this.#pending.get(partNumber);
    if (!pending) {
      pending = this.#enqueue(partNumber);
      this.#wanted.push(partNumber);
    }
    this.pump();
    return pending.promise;
  }

  /** The digest when it is already computed. */
  peek(partNumber: number): Uint8Array | undefined {
    return this.#done.get(partNumber);
  }

  /** Starts hashing, up to `parallel` at once: parts asked for, then the look-ahead window in order, then background parts. */
  pump(): void {
    if (this.#options.signal.aborted) return;
    while (this.#inFlight < this.#options.parallel) {
      const partNumber = this.#nextToHash();
      if (partNumber === undefined) return;
      this.#start(partNumber);
    }
  }

  #nextToHash(): number | undefined {
    const { order, started, lookahead, background } = this.#options;
    for (let n = this.#wanted.shift(); n !== undefined; n = this.#wanted.shift()) {
      if (!this.#done.has(n)) return n;
    }
    const windowEnd = Math.min(order.length, started() + lookahead);
    while (this.#aheadCursor < windowEnd) {
      const n = order[this.#aheadCursor++];
      if (n !== undefined && !this.#known(n)) return n;
    }
    if (this.#aheadCursor < order.length) return undefined;
    while (this.#backgroundCursor < background.length) {
      const n = background[this.#backgroundCursor++];
      if (n !== undefined && !this.#known(n)) return n;
    }
    return undefined;
  }

  #known(partNumber: number): boolean {
    return this.#done.has(partNumber) || this.#pending.has(partNumber);
  }

  #enqueue(partNumber: number): Pending {
    let resolve!: (digest: Uint8Array) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<Uint8Array>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // A digest nobody awaits yet must not become an unhandled rejection when the upload stops.
    promise.catch(() => undefined);
    const pending = { promise, resolve, reject };
    this.#pending.set(partNumber, pending);
    return pending;
  }

  #start(partNumber: number): void {
    const { hasher, slice, signal, onDigest } = this.#options;
    const pending = this.#pending.get(partNumber) ?? this.#enqueue(partNumber);
    this.#inFlight += 1;
    hasher.md5(slice(partNumber), signal).then(
      (bytes) => {
        this.#inFlight -= 1;
        this.#pending.delete(partNumber);
        this.#done.set(partNumber, bytes);
        pending.resolve(bytes);
        onDigest?.();
        this.pump();
      },
      (error: unknown) => {
        this.#inFlight -= 1;
        this.#pending.delete(partNumber);
        pending.reject(signal.aborted ? signal.reason : new FileReadError(partNumber, { cause: error }));
      },
    );
  }
}
