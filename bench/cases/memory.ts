/**
 * Renderer JS heap while the app uploads, MB above idle: the peak of
 * JSHeapUsedSize (sampled every 100 ms) minus the median of 1 s of samples after
 * the page loads. At 1× and 4× the file size; it must not grow with the file.
 */
import { testFile } from '../../testing/test-file.js';
import { chooseFile, openAppPage, waitForDone } from '../lib/app-run.js';
import { withCleanup } from '../lib/cleanup.js';
import { deleteObject } from '../lib/harness.js';
import { HeapSampler, SAMPLE_INTERVAL_MS } from '../lib/heap-sampler.js';
import { startRig, withPage } from '../lib/rig.js';
import type { Rig } from '../lib/rig.js';
import { formatSize } from '../lib/size.js';
import { summarize } from '../lib/stats.js';
import type { BenchCase, Measurement } from '../lib/types.js';

const IDLE_MS = 1000;

/** One upload of the app; MB of JS heap above idle at its peak. */
async function heapAboveIdle(rig: Rig, filePath: string, bytes: number): Promise<number> {
  return withPage(rig, async (page) => {
    await openAppPage(page, rig.app);
    const sampler = await HeapSampler.attach(page);
    try {
      const idle = summarize(await sampler.sampleFor(IDLE_MS)).median;
      await chooseFile(page, filePath);
      const { result, peak } = await sampler.peakWhile(waitForDone(page, bytes));
      await deleteObject(rig.s3, rig.app, result.key);
      return Math.max(0, peak - idle) / 1e6;
    } finally {
      await sampler.detach();
    }
  });
}

export const memoryCase: BenchCase = {
  name: 'memory',
  async run({ runs, fileSize, log }) {
    const sizes = [
      { id: 'memory.1gib', bytes: fileSize },
      { id: 'memory.4gib', bytes: 4 * fileSize },
    ];
    log(`memory: preparing ${sizes.map((s) => formatSize(s.bytes)).join(' and ')} test files (cached after the first time)`);
    const paths = await Promise.all(sizes.map((size) => testFile(size.bytes)));
    return withCleanup(async (scope) => {
      const rig = await startRig(scope);
      const samples = sizes.map(() => [] as number[]);
      for (let round = 1; round <= runs; round++) {
        for (const [index, size] of sizes.entries()) {
          samples[index]!.push(await heapAboveIdle(rig, paths[index]!, size.bytes));
          log(`memory round ${round}/${runs}: ${formatSize(size.bytes)} peak heap ${samples[index]!.at(-1)!.toFixed(1)} MB above idle`);
        }
      }
      return sizes.map((size, index): Measurement => ({
        id: size.id,
        label: `Renderer JS heap above idle, app uploading ${formatSize(size.bytes)}`,
        unit: 'MB',
        samples: samples[index]!,
        better: 'lower',
        note: `peak CDP Performance.getMetrics JSHeapUsedSize sampled every ${SAMPLE_INTERVAL_MS} ms from choose to Done, minus the median of ${IDLE_MS} ms of samples after load; MB = 10^6 bytes; each object deleted after its run`,
      }));
    });
  },
};

export default memoryCase;
