/**
 * Keeps only the latest value per key and hands them over at most once per
 * tick of its scheduler (an animation frame, or a fixed interval): the engine
 * may report many snapshots between two ticks, React should render only the
 * last one.
 */
export interface FrameScheduler {
  request(callback: () => void): number;
  cancel(handle: number): void;
}

export const animationFrameScheduler: FrameScheduler = {
  request: (callback) => requestAnimationFrame(() => callback()),
  cancel: (handle) => cancelAnimationFrame(handle),
};

/**
 * Ticks at most once per `ms`: at once (after the current task, so values pushed
 * together still make one batch) when the last tick is at least `ms` ago, else
 * when it is. A human rate for text and bars, far below the frame rate, and no
 * added delay for an update that comes after a quiet spell.
 */
export function throttleScheduler(ms: number, now: () => number = () => performance.now()): FrameScheduler {
  let last = Number.NEGATIVE_INFINITY;
  return {
    request: (callback) =>
      window.setTimeout(
        () => {
          last = now();
          callback();
        },
        Math.max(0, last + ms - now()),
      ),
    cancel: (handle) => window.clearTimeout(handle),
  };
}

export class FrameBatcher<Key, Value> {
  readonly #flush: (batch: ReadonlyMap<Key, Value>) => void;
  readonly #scheduler: FrameScheduler;
  #pending = new Map<Key, Value>();
  #handle: number | null = null;

  constructor(flush: (batch: ReadonlyMap<Key, Value>) => void, scheduler: FrameScheduler = animationFrameScheduler) {
    this.#flush = flush;
    this.#scheduler = scheduler;
  }

  push(key: Key, value: Value): void {
    this.#pending.set(key, value);
    this.#handle ??= this.#scheduler.request(() => this.flushNow());
  }

  /** Delivers what is pending now, e.g. before a final state so it is not overtaken by an older snapshot. */
  flushNow(): void {
    if (this.#handle !== null) this.#scheduler.cancel(this.#handle);
    this.#handle = null;
    if (this.#pending.size === 0) return;
    const batch = this.#pending;
    this.#pending = new Map();
    this.#flush(batch);
  }

  /** Drops a key's pending value (its upload was removed or stopped). */
  discard(key: Key): void {
    this.#pending.delete(key);
  }

  dispose(): void {
    if (this.#handle !== null) this.#scheduler.cancel(this.#handle);
    this.#handle = null;
    this.#pending.clear();
  }
}
