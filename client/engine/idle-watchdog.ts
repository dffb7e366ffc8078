/**
 * Cuts part attempts that go quiet: an attempt not touched (no progress
 * event) for `idleMs` on the given clock gets its onIdle called once. Not a
 * total timeout: a slow attempt that keeps sending bytes is never cut.
 *
 * One watchdog serves every attempt of an uploader with a single timer, and
 * touch() only stores the time: per progress event it costs a clock read,
 * per attempt a Set insert, never a timer.
 */
import type { Clock } from './types.js';

export interface WatchedAttempt {
  /** Progress was made: the idle time starts again. */
  touch(): void;
  /** The attempt settled: stop watching it. */
  end(): void;
}

interface Entry {
  last: number;
  readonly onIdle: () => void;
}

export class IdleWatchdog {
  readonly #clock: Clock;
  readonly idleMs: number;
  readonly #entries = new Set<Entry>();
  #running = false;

  constructor(options: { clock: Clock; idleMs: number }) {
    if (!(options.idleMs > 0)) throw new RangeError(`idleMs must be positive, got ${options.idleMs}`);
    this.#clock = options.clock;
    this.idleMs = options.idleMs;
  }

  watch(onIdle: () => void): WatchedAttempt {
    const entry: Entry = { last: this.#clock.now(), onIdle };
    this.#entries.add(entry);
    if (!this.#running) {
      this.#running = true;
      void this.#run();
    }
    return {
      touch: () => void (entry.last = this.#clock.now()),
      end: () => void this.#entries.delete(entry),
    };
  }

  async #run(): Promise<void> {
    try {
      while (this.#entries.size > 0) {
        const now = this.#clock.now();
        let nextDue = Number.POSITIVE_INFINITY;
        for (const entry of this.#entries) {
          const due = entry.last + this.idleMs;
          if (due <= now) {
            this.#entries.delete(entry);
            entry.onIdle();
          } else if (due < nextDue) {
            nextDue = due;
          }
        }
        if (this.#entries.size === 0) break;
        await this.#clock.sleep(nextDue - now);
      }
    } finally {
      this.#running = false;
    }
  }
}
