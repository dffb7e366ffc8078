/**
 * Many small files, files per second: 1,000 files of 256 KiB each, all chosen
 * at once, through the app's real UI, through Uppy 5 wired to the same API
 * (bench/uppy-page), and through @aws-sdk/lib-storage from Node; interleaved
 * within each round, into the embedded store. Each run checks that every file
 * was stored and no multipart upload was left, then empties the bucket.
 */
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Upload } from '@aws-sdk/lib-storage';
import { testFiles } from '../../testing/test-file.js';
import { withCleanup } from '../lib/cleanup.js';
import { expectStoredAndEmpty, openAppForManyFiles, runAppManyFiles } from '../lib/many-files-run.js';
import { PEER_PART_SIZE, PEER_QUEUE_SIZE } from '../lib/peer-run.js';
import { startRig, withPage } from '../lib/rig.js';
import type { Rig } from '../lib/rig.js';
import { formatSize } from '../lib/size.js';
import type { BenchCase, Measurement } from '../lib/types.js';
import { openUppyPage, runUppy, UPPY_CONCURRENCY, UPPY_PART_SIZE } from '../lib/uppy-run.js';

export const SMALL_FILE_COUNT = 1000;
export const SMALL_FILE_SIZE = 256 * 1024;

const filesPerSecond = (files: number, ms: number) => files / (ms / 1000);

async function appRun(rig: Rig, paths: readonly string[]): Promise<number> {
  const ms = await withPage(rig, async (page) => {
    await openAppForManyFiles(page, rig.app);
    return runAppManyFiles(page, paths);
  });
  await expectStoredAndEmpty(rig.s3, rig.app.s3.bucket, paths.length);
  return filesPerSecond(paths.length, ms);
}

async function uppyRun(rig: Rig, paths: readonly string[]): Promise<number> {
  const result = await withPage(rig, async (page) => {
    await openUppyPage(page, rig.app);
    return runUppy(page, paths);
  });
  await expectStoredAndEmpty(rig.s3, rig.app.s3.bucket, paths.length);
  return filesPerSecond(result.files, result.totalMs);
}

/** lib-storage's Upload per file, PEER_QUEUE_SIZE files at a time (each is one PutObject at this size). */
async function peerRun(rig: Rig, paths: readonly string[]): Promise<number> {
  const prefix = `bench-peer/${Date.now()}/`;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < paths.length) {
      const path = paths[next++]!;
      const upload = new Upload({
        client: rig.s3,
        partSize: PEER_PART_SIZE,
        leavePartsOnError: false,
        params: { Bucket: rig.app.s3.bucket, Key: prefix + basename(path), Body: createReadStream(path), ContentType: 'application/octet-stream' },
      });
      await upload.done();
    }
  };
  await Promise.all(Array.from({ length: PEER_QUEUE_SIZE }, worker));
  const ms = performance.now() - started;
  await expectStoredAndEmpty(rig.s3, rig.app.s3.bucket, paths.length);
  return filesPerSecond(paths.length, ms);
}

export const smallFilesCase: BenchCase = {
  name: 'small-files',
  async run({ runs, log }) {
    const paths = await testFiles(SMALL_FILE_COUNT, SMALL_FILE_SIZE);
    return withCleanup(async (scope) => {
      // Every request comes from 127.0.0.1: the per-IP rate limit (600 a minute) would be what this measures.
      const rig = await startRig(scope, { env: { RATE_LIMIT: '0' } });
      const app: number[] = [];
      const uppy: number[] = [];
      const peer: number[] = [];
      for (let round = 1; round <= runs; round++) {
        app.push(await appRun(rig, paths));
        log(`small-files round ${round}/${runs}: app ${app.at(-1)!.toFixed(1)} files/s`);
        uppy.push(await uppyRun(rig, paths));
        log(`small-files round ${round}/${runs}: uppy ${uppy.at(-1)!.toFixed(1)} files/s`);
        peer.push(await peerRun(rig, paths));
        log(`small-files round ${round}/${runs}: peer ${peer.at(-1)!.toFixed(1)} files/s`);
      }
      const what = `${SMALL_FILE_COUNT.toLocaleString('en')} files of ${formatSize(SMALL_FILE_SIZE)}`;
      const common = `all chosen at once; embedded store; server with RATE_LIMIT=0 (all requests come from one IP); each run checks ${SMALL_FILE_COUNT} objects stored and no multipart upload left`;
      const measurements: Measurement[] = [
        {
          id: 'small-files.app',
          label: `App: ${what}, choose to all Done`,
          unit: 'files/s',
          samples: app,
          better: 'higher',
          note: `headless Chromium, the real UI; from the file input's change event until the list shows none in progress; ${common}`,
        },
        {
          id: 'small-files.uppy',
          label: `Peer: Uppy 5 (@uppy/aws-s3) on the app's API, ${what}`,
          unit: 'files/s',
          samples: uppy,
          better: 'higher',
          note: `headless Chromium, @uppy/core + @uppy/aws-s3 5.x, limit ${UPPY_CONCURRENCY}, ${formatSize(UPPY_PART_SIZE)} parts, every file through the app's multipart API (create, sign per part, complete); change to Uppy's complete; ${common}`,
        },
        {
          id: 'small-files.peer',
          label: `Peer: @aws-sdk/lib-storage from Node, ${what}`,
          unit: 'files/s',
          samples: peer,
          better: 'higher',
          note: `one Upload per file (a single PutObject at this size), ${PEER_QUEUE_SIZE} files at a time, straight to the store with its keys (no app API); ${common}`,
        },
      ];
      return measurements;
    });
  },
};

export default smallFilesCase;
