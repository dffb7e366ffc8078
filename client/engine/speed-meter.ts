/**
 * Smoothed throughput: an exponentially weighted moving average with a ~2 s
 * time constant, fed with a monotonic count of bytes put on the wire (bytes of
 * failed attempts count: they measure the link, not the progress).
 */
export class SpeedMeter {
  readonly #timeConstantMs: number;
  readonly #minSampleMs: number;
  #lastTime: number;
  #lastBytes = 0;
  #bytesPerSecond = 0;
  #measured = false;

  constructor(startTime: number, options: { timeConstantMs?: number; minSampleMs?: number } = {}) {
    this.#lastTime = startTime;
    this.#timeConstantMs = options.timeConstantMs ?? 2000;
    this.#minSampleMs = options.minSampleMs ?? 250;
  }

  /** Updates from the total bytes sent so far; samples closer than minSampleMs are merged into the next one. */
  sample(now: number, totalBytes: number): number {
    const elapsed = now - this.#lastTime;
    if (elapsed < this.#minSampleMs) return this.#bytesPerSecond;
    const rate = ((totalBytes - this.#lastBytes) / elapsed) * 1000;
    if (this.#measured) {
      const weight = 1 - Math.exp(-elapsed / this.#timeConstantMs);
      this.#bytesPerSecond += weight * (rate - this.#bytesPerSecond);
    } else {
      this.#bytesPerSecond = rate;
      this.#measured = true;
    }
    this.#lastTime = now;
    this.#lastBytes = totalBytes;
    return this.#bytesPerSecond;
  }
}
