/**
 * The renderer's JS heap (CDP Performance.getMetrics JSHeapUsedSize), sampled on
 * a fixed interval while something runs.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { CDPSession, Page } from 'playwright';

export const SAMPLE_INTERVAL_MS = 100;

export class HeapSampler {
  readonly #cdp: CDPSession;

  private constructor(cdp: CDPSession) {
    this.#cdp = cdp;
  }

  static async attach(page: Page): Promise<HeapSampler> {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    return new HeapSampler(cdp);
  }

  async heapUsed(): Promise<number> {
    const { metrics } = await this.#cdp.send('Performance.getMetrics');
    const heap = metrics.find((metric) => metric.name === 'JSHeapUsedSize');
    if (heap === undefined) throw new Error('Performance.getMetrics has no JSHeapUsedSize');
    return heap.value;
  }

  /** Samples for `durationMs` and returns every sample (bytes). */
  async sampleFor(durationMs: number): Promise<number[]> {
    const samples: number[] = [];
    const end = Date.now() + durationMs;
    while (Date.now() < end) {
      samples.push(await this.heapUsed());
      await sleep(SAMPLE_INTERVAL_MS);
    }
    return samples;
  }

  /** Samples until `work` settles; resolves with its result and the largest sample (bytes). */
  async peakWhile<T>(work: Promise<T>): Promise<{ result: T; peak: number; samples: number }> {
    let settled = false;
    const tracked = work.finally(() => (settled = true));
    let peak = 0;
    let samples = 0;
    while (!settled) {
      peak = Math.max(peak, await this.heapUsed());
      samples += 1;
      await Promise.race([sleep(SAMPLE_INTERVAL_MS), tracked.catch(() => undefined)]);
    }
    return { result: await tracked, peak, samples };
  }

  async detach(): Promise<void> {
    await this.#cdp.detach();
  }
}
