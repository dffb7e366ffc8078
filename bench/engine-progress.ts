/**
 * Hot-path figure for the upload engine: one 10,000-part upload through the
 * real scheduler, signer and progress tracker, with an instant fake transport
 * that reports progress in 4 steps per part and a fake API answering at once.
 *
 *   npx tsx bench/engine-progress.ts
 *
 * Prints parts/s, progress events emitted and ms of CPU per 1,000 parts (the
 * fakes' own cost is included; it is small and constant across changes).
 */
import { realClock } from '../client/engine/clock.js';
import { alwaysOnline } from '../client/engine/network.js';
import { FakeApi, fakeFile } from '../client/engine/testing/fake-api.js';
import type { Transport, UploadProgress } from '../client/engine/types.js';
import { createUploader } from '../client/engine/uploader.js';

const PARTS = 10_000;
const PART_SIZE = 1024;
const PROGRESS_STEPS = 4;

/** Each progress step arrives as its own macrotask, as XHR events do, so timers (the progress throttle) can fire in between. */
const nextEvent = () => new Promise<void>((resolve) => setImmediate(resolve));

const instantTransport: Transport = {
  async put(url, body, { onProgress }) {
    for (let step = 1; step <= PROGRESS_STEPS; step += 1) {
      await nextEvent();
      onProgress(Math.round((body.size * step) / PROGRESS_STEPS));
    }
    await nextEvent();
    return { status: 200, etag: `"${url.length}"`, body: '' };
  },
};

const api = new FakeApi(realClock, PART_SIZE);
const uploader = createUploader({ api, transport: instantTransport, clock: realClock, network: alwaysOnline, concurrency: 6 });

let events = 0;
let last: UploadProgress | undefined;
const cpuBefore = process.cpuUsage();
const started = performance.now();
await uploader.upload(fakeFile('bench.bin', PARTS * PART_SIZE), {
  onProgress: (progress) => {
    events += 1;
    last = progress;
  },
});
const wallMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
const cpuMs = (cpu.user + cpu.system) / 1000;

if (last?.transferredBytes !== PARTS * PART_SIZE || last.parts.some((p) => p.state !== 'done')) {
  throw new Error('the upload did not end with every part done');
}
console.log(`parts:                 ${PARTS} (${PROGRESS_STEPS} progress steps each, concurrency 6)`);
console.log(`wall time:             ${wallMs.toFixed(0)} ms`);
console.log(`parts/s:               ${Math.round((PARTS / wallMs) * 1000)}`);
console.log(`progress events:       ${events}`);
console.log(`sign calls:            ${api.callsOf('sign').length}`);
console.log(`CPU per 1,000 parts:   ${((cpuMs / PARTS) * 1000).toFixed(1)} ms`);
