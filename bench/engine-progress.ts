/**
 * Hot-path figure for the upload engine: one 10,000-part upload through the
 * real scheduler, signer and progress tracker, with an instant fake transport
 * that reports progress in 4 steps per part and a fake API answering at once.
 *
 *   npx tsx bench/engine-progress.ts [--checksum md5|off]
 *
 * Prints parts/s, progress events emitted and ms of CPU per 1,000 parts (the
 * fakes' own cost is included; it is small and constant across changes).
 * With --checksum md5 (the default, as the server's) the engine runs its MD5
 * path (digest look-ahead, signing with MD5s, ETag checks, the object ETag)
 * through an instant hasher: the figure is the engine's own cost, not
 * hashing, which runs in Web Workers in the browser.
 */
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { ChecksumMode } from '../shared/api.js';
import { bytesToHex, fromContentMd5 } from '../shared/checksum.js';
import { realClock } from '../client/engine/clock.js';
import { alwaysOnline } from '../client/engine/network.js';
import { FakeApi, fakeFile } from '../client/engine/testing/fake-api.js';
import type { PartHasher, Transport, UploadProgress } from '../client/engine/types.js';
import { createUploader } from '../client/engine/uploader.js';

const PARTS = 10_000;
const PART_SIZE = 1024;
const PROGRESS_STEPS = 4;
const { values } = parseArgs({ options: { checksum: { type: 'string', default: 'md5' } } });
const checksumMode = ChecksumMode.parse(values.checksum);

/**
 * Answers a part at once with a made-up digest (the transport echoes it as the
 * ETag, as a store would); the one hash of the concatenated part digests is
 * real, so the fake API's multipart ETag agrees with the engine's.
 */
const instantHasher: PartHasher = {
  md5: async (blob) =>
    blob.size === PARTS * 16 ? new Uint8Array(createHash('md5').update(new Uint8Array(await blob.arrayBuffer())).digest()) : new Uint8Array(16).fill(blob.size % 251),
};

/** Each progress step arrives as its own macrotask, as XHR events do, so timers (the progress throttle) can fire in between. */
const nextEvent = () => new Promise<void>((resolve) => setImmediate(resolve));

const instantTransport: Transport = {
  async put(url, body, { onProgress, headers }) {
    for (let step = 1; step <= PROGRESS_STEPS; step += 1) {
      await nextEvent();
      onProgress?.(Math.round((body.size * step) / PROGRESS_STEPS));
    }
    await nextEvent();
    const contentMd5 = headers?.['Content-MD5'];
    return { status: 200, etag: contentMd5 === undefined ? `"${url.length}"` : `"${bytesToHex(fromContentMd5(contentMd5))}"`, body: '' };
  },
};

const api = new FakeApi(realClock, PART_SIZE);
api.checksumMode = checksumMode;
const uploader = createUploader({ api, transport: instantTransport, hasher: instantHasher, clock: realClock, network: alwaysOnline, concurrency: 6 });

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
console.log(`parts:                 ${PARTS} (${PROGRESS_STEPS} progress steps each, concurrency 6, checksum ${checksumMode})`);
console.log(`wall time:             ${wallMs.toFixed(0)} ms`);
console.log(`parts/s:               ${Math.round((PARTS / wallMs) * 1000)}`);
console.log(`progress events:       ${events}`);
console.log(`sign calls:            ${api.callsOf('sign').length}`);
console.log(`CPU per 1,000 parts:   ${((cpuMs / PARTS) * 1000).toFixed(1)} ms`);
