/**
 * Slow-link throughput, MB/s: the ceiling, the app and Uppy 5 again, with Chromium's own
 * network emulation adding 50 ms latency and capping upload at 200 Mbit/s.
 * First a quick check that the cap is shared by parallel XHRs (not per request),
 * or the figures would mean nothing.
 */
import { testFile } from '../../testing/test-file.js';
import { withCleanup } from '../lib/cleanup.js';
import { emulateLink, SLOW_LINK } from '../lib/harness.js';
import { appOnce, ceilingOnce, startRig, uppyOnce } from '../lib/rig.js';
import type { PreparePage } from '../lib/rig.js';
import { slowFileSizeOf } from '../lib/runner-context.js';
import { formatSize } from '../lib/size.js';
import type { BenchCase, Measurement } from '../lib/types.js';

const CAP_MB_PER_S = SLOW_LINK.uploadThroughput / 1e6;
/** Six 8 MiB parts: one round of the 6 parallel PUTs, about 2 s under a shared cap, 0.3 s if each request had its own. */
const CHECK_SIZE = 48 * 1024 * 1024;

export class EmulationNotCappingError extends Error {
  override name = 'EmulationNotCappingError';
}

export const slowLinkCase: BenchCase = {
  name: 'slow-link',
  async run(context) {
    const { runs, log } = context;
    const size = slowFileSizeOf(context);
    const [filePath, checkPath] = await Promise.all([testFile(size), testFile(CHECK_SIZE)]);
    return withCleanup(async (scope) => {
      const rig = await startRig(scope);
      const slow: PreparePage = (page) => emulateLink(page, SLOW_LINK);

      const observed = await ceilingOnce(rig, checkPath, slow);
      log(`slow-link check: 6 parallel XHR PUTs of 8 MiB under a ${CAP_MB_PER_S} MB/s cap moved ${observed.toFixed(1)} MB/s in total`);
      // Per-request caps would let six streams reach ~6× the cap; allow some slack above 1×.
      if (observed > CAP_MB_PER_S * 1.5) throw new EmulationNotCappingError(`emulation does not cap parallel uploads: ${observed.toFixed(1)} MB/s under a ${CAP_MB_PER_S} MB/s cap`);

      const ceiling: number[] = [];
      const app: number[] = [];
      const uppy: number[] = [];
      for (let round = 1; round <= runs; round++) {
        ceiling.push(await ceilingOnce(rig, filePath, slow));
        log(`slow-link round ${round}/${runs}: ceiling ${ceiling.at(-1)!.toFixed(1)} MB/s`);
        app.push(await appOnce(rig, filePath, size, slow));
        log(`slow-link round ${round}/${runs}: app ${app.at(-1)!.toFixed(1)} MB/s`);
        uppy.push(await uppyOnce(rig, filePath, slow));
        log(`slow-link round ${round}/${runs}: uppy ${uppy.at(-1)!.toFixed(1)} MB/s`);
      }
      const conditions = `CDP Network.emulateNetworkConditions latency ${SLOW_LINK.latency} ms, uploadThroughput ${SLOW_LINK.uploadThroughput} B/s (${CAP_MB_PER_S} MB/s = 200 Mbit/s); check: 6 parallel 8 MiB PUTs moved ${observed.toFixed(1)} MB/s in total, so the cap is shared`;
      const sizeNote = size < context.fileSize ? `; ${formatSize(size)} per run (--slow-size), not ${formatSize(context.fileSize)}, so a run takes seconds, not a minute` : '';
      const measurements: Measurement[] = [
        { id: 'slow.ceiling', label: `Ceiling, slow link (50 ms, 200 Mbit/s), ${formatSize(size)}`, unit: 'MB/s', samples: ceiling, better: 'higher', note: `PUT phase only; ${conditions}${sizeNote}` },
        { id: 'slow.app', label: `App, slow link (50 ms, 200 Mbit/s), ${formatSize(size)}`, unit: 'MB/s', samples: app, better: 'higher', note: `change to Done; ${conditions}${sizeNote}` },
        { id: 'slow.uppy', label: `Uppy 5 on the app's API, slow link (50 ms, 200 Mbit/s), ${formatSize(size)}`, unit: 'MB/s', samples: uppy, better: 'higher', note: `bench/uppy-page, change to Uppy's complete; ${conditions}${sizeNote}` },
      ];
      return measurements;
    });
  },
};

export default slowLinkCase;
