/**
 * Lets calls that each file makes on its own go out together: whoever waits
 * here goes once `full` are waiting, no one else is coming (othersComing says
 * so; call check() when that may have changed), or the first has waited
 * `maxWaitMs`. The group then makes its calls in the same task, so a
 * RequestBatcher sends them as one request.
 */
import type { Clock } from './types.js';

export interface GatheringOptions {
  /** Waiting members that go without waiting for more. */
  full: number;
  /** Whether more members are on their way (worth waiting for). */
  othersComing: () => boolean;
  clock: Clock;
  /** The longest a group waits for more, from its first member on. */
  maxWaitMs: number;
}

export class Gathering {
  readonly #options: GatheringOptions;
  #waiting: (() => void)[] = [];
  /** Ends the current group's wait timer. */
  #timer: AbortController | null = null;

  constructor(options: GatheringOptions) {
    if (options.full < 1) throw new RangeError('full must be at least 1');
    this.#options = options;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  /** Resolves when the group goes; rejects with signal.reason on abort (the others are not held up by it). */
  wait(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const go = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        const index = this.#waiting.indexOf(go);
        if (index !== -1) this.#waiting.splice(index, 1);
        if (this.#waiting.length === 0) this.#stopTimer();
        reject(signal?.reason);
      };
      this.#waiting.push(go);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (this.#waiting.length === 1) this.#startTimer();
      this.check();
    });
  }

  /** Lets the group go if it is full or no one else is coming. */
  check(): void {
    if (this.#waiting.length === 0) return;
    if (this.#waiting.length < this.#options.full && this.#options.othersComing()) return;
    this.#go();
  }

  #go(): void {
    this.#stopTimer();
    const group = this.#waiting;
    this.#waiting = [];
    for (const go of group) go();
  }

  #startTimer(): void {
    const timer = new AbortController();
    this.#timer = timer;
    this.#options.clock.sleep(this.#options.maxWaitMs, timer.signal).then(
      () => {
        if (this.#timer === timer) this.#go();
      },
      () => undefined,
    );
  }

  #stopTimer(): void {
    this.#timer?.abort();
    this.#timer = null;
  }
}
