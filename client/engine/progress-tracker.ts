/**
 * Keeps one file's progress as immutable data and emits snapshots.
 *
 * Hot path (10,000 parts, many progress events a second): a change replaces
 * only that part's object, so unchanged parts keep their identity across
 * snapshots (the UI can memo per part), and the parts array is copied at most
 * once per emission (a 10,000-part array copy is the main cost, so it must
 * not happen per part). Emissions are throttled to one per `throttleMs`
 * (leading and trailing edge, so any change is seen within `throttleMs`);
 * a part going to 'retrying' or 'failed' is emitted at the end of the current
 * microtask turn without waiting; finish() emits at once.
 */
import { SpeedMeter } from './speed-meter.js';
import type { Clock, PartProgress, PartState, UploadProgress, WaitingFor } from './types.js';

export interface ProgressTrackerOptions {
  partSizes: readonly number[];
  clock: Clock;
  onProgress?: ((progress: UploadProgress) => void) | undefined;
  throttleMs?: number;
}

export class ProgressTracker {
  readonly #parts: PartProgress[];
  readonly #clock: Clock;
  readonly #onProgress: ((progress: UploadProgress) => void) | undefined;
  readonly #throttleMs: number;
  readonly #totalBytes: number;
  readonly #speed: SpeedMeter;
  #transferredBytes = 0;
  #wireBytes = 0;
  #snapshotParts: readonly PartProgress[] | null = null;
  #waitingFor: WaitingFor | null = null;
  #dirty = true;
  #lastEmit = Number.NEGATIVE_INFINITY;
  #timer: AbortController | null = null;
  #microtaskQueued = false;
  #finished = false;

  constructor(options: ProgressTrackerOptions) {
    this.#clock = options.clock;
    this.#onProgress = options.onProgress;
    this.#throttleMs = options.throttleMs ?? 50;
    let total = 0;
    this.#parts = options.partSizes.map((size, index) => {
      total += size;
      return { partNumber: index + 1, size, sentBytes: 0, state: 'queued' };
    });
    this.#totalBytes = total;
    this.#speed = new SpeedMeter(this.#clock.now());
  }

  part(partNumber: number): PartProgress {
    const part = this.#parts[partNumber - 1];
    if (!part) throw new RangeError(`no part ${partNumber}`);
    return part;
  }

  /** Bytes of the current attempt; throttled emission. */
  setSent(partNumber: number, sentBytes: number): void {
    const part = this.part(partNumber);
    const sent = Math.min(Math.max(0, sentBytes), part.size);
    if (sent === part.sentBytes) return;
    this.#replace(part, sent, part.state);
    this.#scheduleThrottled();
  }

  /** A new state; `sentBytes` defaults to the size for done and to 0 otherwise (a failed attempt's bytes are subtracted). */
  setState(partNumber: number, state: PartState, sentBytes?: number): void {
    const part = this.part(partNumber);
    const sent = sentBytes ?? (state === 'done' ? part.size : state === 'uploading' ? part.sentBytes : 0);
    if (state === part.state && sent === part.sentBytes) return;
    this.#replace(part, sent, state);
    if (state === 'retrying' || state === 'failed') this.#scheduleSoon();
    else this.#scheduleThrottled();
  }

  /** When the upload stops: parts in signing, uploading or retrying go back to queued, their bytes subtracted. */
  /** What the upload waits for (null: it moves); a change is emitted at once. */
  setWaiting(waitingFor: WaitingFor | null): void {
    if (waitingFor === this.#waitingFor) return;
    this.#waitingFor = waitingFor;
    this.#dirty = true;
    this.#scheduleSoon();
  }

  get waitingFor(): WaitingFor | null {
    return this.#waitingFor;
  }

  /** After the upload was aborted on the store: no part counts as stored any more. */
  discardStored(): void {
    for (const part of this.#parts) if (part.state === 'done') this.#replace(part, 0, 'queued');
  }

  requeueUnfinished(): void {
    for (const part of this.#parts) {
      if (part.state === 'signing' || part.state === 'uploading' || part.state === 'retrying') this.#replace(part, 0, 'queued');
    }
  }

  snapshot(): UploadProgress {
    if (this.#snapshotParts === null) this.#snapshotParts = this.#parts.slice();
    const bytesPerSecond = this.#speed.sample(this.#clock.now(), this.#wireBytes);
    const left = this.#totalBytes - this.#transferredBytes;
    return {
      transferredBytes: this.#transferredBytes,
      totalBytes: this.#totalBytes,
      bytesPerSecond,
      etaSeconds: left === 0 ? 0 : bytesPerSecond > 0 ? left / bytesPerSecond : null,
      waitingFor: this.#waitingFor,
      parts: this.#snapshotParts,
    };
  }

  /** Emits now (if anything changed) and stops all timers; later changes are not emitted. */
  finish(): void {
    this.#emit();
    this.#finished = true;
    this.#timer?.abort();
    this.#timer = null;
  }

  #replace(part: PartProgress, sentBytes: number, state: PartState): void {
    const delta = sentBytes - part.sentBytes;
    this.#transferredBytes += delta;
    if (delta > 0) this.#wireBytes += delta;
    this.#parts[part.partNumber - 1] = { partNumber: part.partNumber, size: part.size, sentBytes, state };
    this.#snapshotParts = null;
    this.#dirty = true;
  }

  #scheduleSoon(): void {
    if (!this.#onProgress || this.#microtaskQueued || this.#finished) return;
    this.#microtaskQueued = true;
    queueMicrotask(() => {
      this.#microtaskQueued = false;
      if (!this.#finished) this.#emit();
    });
  }

  #scheduleThrottled(): void {
    if (!this.#onProgress || this.#timer || this.#finished) return;
    const wait = this.#lastEmit + this.#throttleMs - this.#clock.now();
    if (wait <= 0) {
      this.#emit();
      return;
    }
    const timer = new AbortController();
    this.#timer = timer;
    this.#clock.sleep(wait, timer.signal).then(
      () => {
        if (this.#timer === timer) this.#timer = null;
        if (!this.#finished) this.#emit();
      },
      () => undefined,
    );
  }

  #emit(): void {
    if (!this.#onProgress || !this.#dirty || this.#finished) return;
    this.#dirty = false;
    this.#lastEmit = this.#clock.now();
    this.#onProgress(this.snapshot());
  }
}
