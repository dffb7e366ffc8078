/**
 * Fast-link throughput, MB/s: the ceiling (bare page, 6 parallel part PUTs),
 * the app (change event to Done), and the peer (lib-storage from Node), all into
 * the same embedded store, alternating within each round.
 */
import { testFile } from '../../e2e/support/test-file.js';
import { CEILING_CONCURRENCY } from '../lib/ceiling-run.js';
import { withCleanup } from '../lib/cleanup.js';
import { deleteObject } from '../lib/harness.js';
import { PEER_PART_SIZE, PEER_QUEUE_SIZE, runPeer } from '../lib/peer-run.js';
import { appOnce, ceilingOnce, startRig } from '../lib/rig.js';
import { formatSize, megabytesPerSecond } from '../lib/size.js';
import type { BenchCase, Measurement } from '../lib/types.js';

export const throughputCase: BenchCase = {
  name: 'throughput',
  async run({ runs, fileSize, log }) {
    const filePath = await testFile(fileSize);
    return withCleanup(async (scope) => {
      const rig = await startRig(scope);
      const { app } = rig;
      const ceiling: number[] = [];
      const appSamples: number[] = [];
      const peer: number[] = [];
      for (let round = 1; round <= runs; round++) {
        ceiling.push(await ceilingOnce(rig, filePath));
        log(`throughput round ${round}/${runs}: ceiling ${ceiling.at(-1)!.toFixed(1)} MB/s`);
        appSamples.push(await appOnce(rig, filePath, fileSize));
        log(`throughput round ${round}/${runs}: app ${appSamples.at(-1)!.toFixed(1)} MB/s`);
        const result = await runPeer(rig.s3, app, filePath, fileSize);
        await deleteObject(rig.s3, app, result.key);
        peer.push(megabytesPerSecond(result.bytes, result.totalMs));
        log(`throughput round ${round}/${runs}: peer ${peer.at(-1)!.toFixed(1)} MB/s`);
      }
      const size = formatSize(fileSize);
      const measurements: Measurement[] = [
        {
          id: 'throughput.ceiling',
          label: `Ceiling: bare page, ${CEILING_CONCURRENCY} parallel part PUTs, ${size}`,
          unit: 'MB/s',
          samples: ceiling,
          better: 'higher',
          note: 'headless Chromium, PUT phase only (first PUT start to last PUT end, performance.now in the page); create, sign and complete not timed',
        },
        {
          id: 'throughput.app',
          label: `App: choose to Done, ${size}`,
          unit: 'MB/s',
          samples: appSamples,
          better: 'higher',
          note: 'headless Chromium, the real UI; from the file input\'s change event to the card\'s status Done (create, sign, parts, complete)',
        },
        {
          id: 'throughput.peer',
          label: `Peer: @aws-sdk/lib-storage Upload from Node, ${size}`,
          unit: 'MB/s',
          samples: peer,
          better: 'higher',
          note: `queueSize ${PEER_QUEUE_SIZE}, partSize ${formatSize(PEER_PART_SIZE)}, body fs.createReadStream; new Upload() to done()`,
        },
      ];
      return measurements;
    });
  },
};

export default throughputCase;
