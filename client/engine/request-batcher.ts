/**
 * Gathers calls made close together into batch requests: items added in the
 * same task go out together (up to `maxBatch` per request), at most
 * `maxInFlight` requests at once, and whatever arrives meanwhile waits for the
 * next one. No timers: a lone item goes out at once, a flood in large batches.
 */

export interface RequestBatcherOptions<I, O> {
  /** Sends one batch; resolves with one answer per item, in order: a value, or an Error for that item alone. */
  send: (items: readonly I[]) => Promise<readonly (O | Error)[]>;
  maxBatch: number;
  maxInFlight: number;
}

interface Queued<I, O> {
  item: I;
  signal: AbortSignal | undefined;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

export class BatchAnswerError extends Error {
  override name = 'BatchAnswerError';
}

export class RequestBatcher<I, O> {
  readonly #options: RequestBatcherOptions<I, O>;
  #queue: Queued<I, O>[] = [];
  #inFlight = 0;
  #scheduled = false;

  constructor(options: RequestBatcherOptions<I, O>) {
    if (options.maxBatch < 1 || options.maxInFlight < 1) throw new RangeError('maxBatch and maxInFlight must be at least 1');
    this.#options = options;
  }

  /** Resolves with the item's answer; rejects with its error, the batch's failure, or signal.reason if aborted before it is sent. */
  add(item: I, signal?: AbortSignal): Promise<O> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<O>((resolve, reject) => {
      const queued: Queued<I, O> = { item, signal, resolve, reject };
      this.#queue.push(queued);
      signal?.addEventListener(
        'abort',
        () => {
          const index = this.#queue.indexOf(queued);
          if (index === -1) return; // already sent: its answer is simply not used
          this.#queue.splice(index, 1);
          reject(signal.reason);
        },
        { once: true },
      );
      if (!this.#scheduled) {
        this.#scheduled = true;
        // After the current task, so the items added with this one share its request.
        queueMicrotask(() => {
          this.#scheduled = false;
          this.#pump();
        });
      }
    });
  }

  #pump(): void {
    while (this.#inFlight < this.#options.maxInFlight && this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#options.maxBatch);
      this.#inFlight += 1;
      this.#options
        .send(batch.map((queued) => queued.item))
        .then(
          (answers) => {
            batch.forEach((queued, index) => {
              const answer = answers[index];
              if (answer === undefined) queued.reject(new BatchAnswerError(`the batch answered ${answers.length} items for ${batch.length}`));
              else if (answer instanceof Error) queued.reject(answer);
              else queued.resolve(answer);
            });
          },
          (error: unknown) => {
            for (const queued of batch) queued.reject(error);
          },
        )
        .finally(() => {
          this.#inFlight -= 1;
          this.#pump();
        });
    }
  }
}
