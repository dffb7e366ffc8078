/**
 * One scheduler for all files of an uploader: at most `concurrency` part tasks
 * run at once. Sources are asked in the order they were added (files in the
 * order started); each hands out its parts in ascending order. API calls
 * (sign, complete, abort) do not go through here, so they never wait for a slot.
 */

export interface PartSource {
  /** The next part task, or undefined when this source has nothing to start now. Tasks must not reject. */
  nextTask(): (() => Promise<void>) | undefined;
}

export class PartScheduler {
  readonly concurrency: number;
  #running = 0;
  #sources: PartSource[] = [];

  constructor(concurrency: number) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
    this.concurrency = concurrency;
  }

  /** Reserves the source's place in line; call pump() once it has parts to hand out. */
  add(source: PartSource): void {
    this.#sources.push(source);
  }

  remove(source: PartSource): void {
    const index = this.#sources.indexOf(source);
    if (index !== -1) this.#sources.splice(index, 1);
    this.pump();
  }

  /** Starts tasks while slots are free. */
  pump(): void {
    while (this.#running < this.concurrency) {
      const task = this.#take();
      if (!task) return;
      this.#running += 1;
      const release = () => {
        this.#running -= 1;
        this.pump();
      };
      task().then(release, release);
    }
  }

  #take(): (() => Promise<void>) | undefined {
    for (const source of this.#sources) {
      const task = source.nextTask();
      if (task) return task;
    }
    return undefined;
  }
}
