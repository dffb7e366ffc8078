/**
 * Where an uploader's small files (one PutObject each) are on their way, so
 * that their creates and completes go in full batches: a file's create waits
 * while other small files are still being hashed, its complete while other
 * small files are created and not yet stored; neither waits longer than
 * maxWaitMs, so a slow or stuck file never holds the others up for long.
 */
import { MAX_BATCH_FILES } from '../../shared/limits.js';
import { Gathering } from './gathering.js';
import type { Clock } from './types.js';

/** How long a create or complete waits at most for others to share its call. */
export const SINGLE_PUT_GATHER_MS = 1000;

export class SinglePutFlow {
  #hashing = 0;
  #unsent = 0;
  readonly creates: Gathering;
  readonly completes: Gathering;

  constructor(clock: Clock, maxWaitMs = SINGLE_PUT_GATHER_MS) {
    this.creates = new Gathering({ full: MAX_BATCH_FILES, othersComing: () => this.#hashing > 0, clock, maxWaitMs });
    this.completes = new Gathering({ full: MAX_BATCH_FILES, othersComing: () => this.#unsent > 0, clock, maxWaitMs });
  }

  /** A small file starts hashing; call the returned function when it is done (or failed). */
  startHashing(): () => void {
    this.#hashing += 1;
    return once(() => {
      this.#hashing -= 1;
      this.creates.check();
    });
  }

  /** A small file is created; call the returned function when its PUT is stored (or it stops). */
  startSending(): () => void {
    this.#unsent += 1;
    return once(() => {
      this.#unsent -= 1;
      this.completes.check();
    });
  }
}

function once(action: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    action();
  };
}
