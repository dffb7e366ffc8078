/**
 * How many files of one uploader hold an open upload on the server at once.
 * A drop of a thousand files opens a few at a time rather than a thousand
 * multipart uploads that would wait for their turn (and stay behind on the
 * store if the tab closed); the server also caps unfinished uploads per person.
 */
export class OpenSlots {
  readonly limit: number;
  #open = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`open uploads limit must be a positive integer, got ${limit}`);
    this.limit = limit;
  }

  get open(): number {
    return this.#open;
  }

  /** Waits for a free slot (first come, first served); resolves to its release function. Rejects with signal.reason on abort. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#open < this.limit && this.#waiting.length === 0) return Promise.resolve(this.#take());
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve(this.#take());
      };
      const onAbort = () => {
        const index = this.#waiting.indexOf(grant);
        if (index !== -1) this.#waiting.splice(index, 1);
        reject(signal?.reason);
      };
      this.#waiting.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #take(): () => void {
    this.#open += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#open -= 1;
      this.#waiting.shift()?.();
    };
  }
}
