/**
 * Cancel latency, ms: from clicking the card's Cancel while parts are in flight
 * (upload throttled so they are) to the last in-flight part PUT closed, and to
 * the multipart upload being gone from ListMultipartUploads.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import type { Request } from 'playwright';
import { testFile } from '../../testing/test-file.js';
import { chooseFile, openAppPage } from '../lib/app-run.js';
import { withCleanup } from '../lib/cleanup.js';
import { emulateLink } from '../lib/harness.js';
import { startRig, withPage } from '../lib/rig.js';
import type { Rig } from '../lib/rig.js';
import { formatSize } from '../lib/size.js';
import type { BenchCase, Measurement } from '../lib/types.js';
import { installCancelProbe, putsSentAfterCancel, readCancelProbe } from '../../testing/cancel-probe.js';

const THROTTLE_BYTES_PER_S = 20 * 1024 * 1024; // six 8 MiB parts take ~2.4 s, so cancel lands mid-part
const FILE_SIZE = 200 * 1000 * 1000;
const POLL_MS = 10;
const GIVE_UP_MS = 30_000;

export class CancelTimeoutError extends Error {
  override name = 'CancelTimeoutError';
}

interface CancelTiming {
  requestsClosedMs: number;
  uploadGoneMs: number;
  inFlightAtCancel: number;
  /** Part PUTs the page sent after the Cancel click event (in-page clock); should be 0. */
  putsSentAfterClick: number;
}

async function multipartUploadCount(rig: Rig): Promise<number> {
  const out = await rig.s3.send(new ListMultipartUploadsCommand({ Bucket: rig.app.s3.bucket }));
  return out.Uploads?.length ?? 0;
}

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = performance.now() + GIVE_UP_MS;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new CancelTimeoutError(`gave up waiting for ${what}`);
    await sleep(POLL_MS);
  }
}

async function cancelOnce(rig: Rig, filePath: string): Promise<CancelTiming> {
  return withPage(rig, async (page) => {
    await installCancelProbe(page);
    await openAppPage(page, rig.app);
    await emulateLink(page, { latency: 0, uploadThroughput: THROTTLE_BYTES_PER_S });

    const inFlight = new Set<Request>();
    let partsFinished = 0;
    let cancelledAt: number | undefined = undefined; // set when Cancel is clicked
    let lastClosedAt = 0;
    page.on('request', (request) => {
      if (request.method() === 'PUT') inFlight.add(request);
    });
    const closed = (request: Request) => {
      if (!inFlight.delete(request)) return;
      if (cancelledAt === undefined) partsFinished += 1;
      else lastClosedAt = performance.now();
    };
    page.on('requestfinished', closed);
    page.on('requestfailed', closed);

    await chooseFile(page, filePath);
    // Steady state: a part has been stored and others are on the wire.
    await until(() => partsFinished >= 1 && inFlight.size > 0, 'a finished part with others in flight');
    await until(async () => (await multipartUploadCount(rig)) === 1, 'the multipart upload to be listed');

    const cancel = page.locator('article.file-card').getByRole('button', { name: 'Cancel' });
    await cancel.hover(); // actionability checks before the clock starts
    const inFlightAtCancel = inFlight.size;
    cancelledAt = performance.now();
    await cancel.click();

    let goneAt = 0;
    await until(async () => {
      const count = await multipartUploadCount(rig);
      if (count === 0) goneAt = performance.now();
      return count === 0;
    }, 'the multipart upload to be gone');
    await until(() => inFlight.size === 0, 'every in-flight PUT to close');
    const probe = await readCancelProbe(page);
    return {
      requestsClosedMs: lastClosedAt - cancelledAt,
      uploadGoneMs: goneAt - cancelledAt,
      inFlightAtCancel,
      putsSentAfterClick: putsSentAfterCancel(probe),
    };
  });
}

export const cancelCase: BenchCase = {
  name: 'cancel',
  async run({ runs, log }) {
    const filePath = await testFile(FILE_SIZE);
    return withCleanup(async (scope) => {
      const rig = await startRig(scope);
      const closed: number[] = [];
      const gone: number[] = [];
      for (let round = 1; round <= runs; round++) {
        const timing = await cancelOnce(rig, filePath);
        closed.push(timing.requestsClosedMs);
        gone.push(timing.uploadGoneMs);
        log(
          `cancel round ${round}/${runs}: ${timing.inFlightAtCancel} PUTs in flight; closed after ${timing.requestsClosedMs.toFixed(0)} ms, ` +
            `upload gone after ${timing.uploadGoneMs.toFixed(0)} ms; ${timing.putsSentAfterClick} PUTs sent after the click event`,
        );
      }
      const conditions = `${formatSize(FILE_SIZE)} file, upload throttled to ${THROTTLE_BYTES_PER_S / 1024 ** 2} MiB/s by CDP network emulation, cancelled after the first part is stored; clock in Node starts just before Playwright's click (after hover)`;
      const measurements: Measurement[] = [
        { id: 'cancel.requests-closed', label: 'Cancel: click to last in-flight part PUT closed', unit: 'ms', samples: closed, better: 'lower', note: `Playwright requestfailed/requestfinished events; ${conditions}` },
        { id: 'cancel.upload-gone', label: 'Cancel: click to multipart upload gone from ListMultipartUploads', unit: 'ms', samples: gone, better: 'lower', note: `SDK ListMultipartUploads polled every ${POLL_MS} ms; ${conditions}` },
      ];
      return measurements;
    });
  },
};

export default cancelCase;
