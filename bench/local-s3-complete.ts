/**
 * CompleteMultipartUpload cost in the embedded store, and a full GET's throughput.
 *
 *   npx tsx bench/local-s3-complete.ts [--size 1GiB] [--runs 3]
 *
 * Each run uploads size / 8 MiB parts (4 in flight) through the SDK, times Complete
 * alone, then times one full GET (bytes discarded), then deletes the object.
 *
 * 1 GiB on the 2-core dev box, back to back (2026-11-27): part copy (51e2890) Complete
 * median 2269 ms, GET 861 MB/s; segments (00df388) Complete median 48 ms, GET 788 MB/s.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { Readable } from 'node:stream';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { CompletedPart, S3Client } from '@aws-sdk/client-s3';
import { startLocalS3 } from '@s3-big-upload/local-s3';
import { createS3Client } from '../server/s3/client.js';
import { formatSize, megabytesPerSecond, parseSize } from './lib/size.js';
import { summarize } from './lib/stats.js';
import type { Summary } from './lib/stats.js';

const PART_SIZE = 8 * 1024 * 1024;
const PARTS_IN_FLIGHT = 4;

async function uploadParts(client: S3Client, Bucket: string, Key: string, UploadId: string, count: number, body: Buffer): Promise<CompletedPart[]> {
  const parts: CompletedPart[] = [];
  let next = 1;
  const worker = async (): Promise<void> => {
    while (next <= count) {
      const PartNumber = next++;
      const { ETag } = await client.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber, Body: body }));
      parts.push({ PartNumber, ETag });
    }
  };
  await Promise.all(Array.from({ length: PARTS_IN_FLIGHT }, worker));
  return parts.sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0));
}

async function drain(body: Readable): Promise<number> {
  let bytes = 0;
  for await (const chunk of body) bytes += (chunk as Buffer).length;
  return bytes;
}

function line(label: string, s: Summary, unit: string): string {
  const f = (n: number): string => n.toFixed(unit === 'ms' ? 1 : 0);
  return `${label}: min ${f(s.min)} ${unit}, median ${f(s.median)} ${unit}, max ${f(s.max)} ${unit} (${s.runs} runs)`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { size: { type: 'string', default: '1GiB' }, runs: { type: 'string', default: '3' } } });
  const size = parseSize(values.size);
  const runs = Number(values.runs);
  const partCount = Math.ceil(size / PART_SIZE);
  const body = randomBytes(PART_SIZE);
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-local-s3-complete-'));
  const s3 = await startLocalS3({ dataDir });
  const client = createS3Client({ endpoint: s3.endpoint, region: s3.region, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey });
  const Bucket = s3.bucket;
  const completeMs: number[] = [];
  const getMBps: number[] = [];
  try {
    console.log(`local-s3 Complete: ${formatSize(partCount * PART_SIZE)} in ${partCount} parts of 8 MiB, ${runs} runs`);
    for (let run = 0; run < runs; run++) {
      const Key = `bench/complete-${run}`;
      const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket, Key }));
      if (!UploadId) throw new Error('no UploadId');
      const Parts = await uploadParts(client, Bucket, Key, UploadId, partCount, body);
      const t0 = performance.now();
      await client.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts } }));
      const completed = performance.now() - t0;
      const t1 = performance.now();
      const got = await client.send(new GetObjectCommand({ Bucket, Key }));
      const read = await drain(got.Body as Readable);
      const readMs = performance.now() - t1;
      if (read !== partCount * PART_SIZE) throw new Error(`GET returned ${read} bytes, expected ${partCount * PART_SIZE}`);
      completeMs.push(completed);
      getMBps.push(megabytesPerSecond(read, readMs));
      console.log(`  run ${run + 1}: complete ${completed.toFixed(1)} ms, GET ${megabytesPerSecond(read, readMs).toFixed(0)} MB/s`);
      await client.send(new DeleteObjectCommand({ Bucket, Key }));
    }
    console.log(line('CompleteMultipartUpload', summarize(completeMs), 'ms'));
    console.log(line('full GET', summarize(getMBps), 'MB/s'));
  } finally {
    client.destroy();
    await s3.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
