/**
 * The peer: @aws-sdk/lib-storage's Upload from Node, with the app's part size
 * and concurrency, reading the same file from disk into the same store.
 */
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Upload } from '@aws-sdk/lib-storage';
import type { S3Client } from '@aws-sdk/client-s3';
import type { AppServer } from '../../testing/app-server.js';

export const PEER_QUEUE_SIZE = 6;
export const PEER_PART_SIZE = 8 * 1024 * 1024; // the app's default PART_SIZE

export interface PeerResult {
  bytes: number;
  totalMs: number;
  key: string;
}

export async function runPeer(s3: S3Client, app: AppServer, filePath: string, bytes: number): Promise<PeerResult> {
  const key = `bench-peer/${Date.now()}/${basename(filePath)}`;
  const started = performance.now();
  const upload = new Upload({
    client: s3,
    queueSize: PEER_QUEUE_SIZE,
    partSize: PEER_PART_SIZE,
    leavePartsOnError: false,
    params: { Bucket: app.s3.bucket, Key: key, Body: createReadStream(filePath), ContentType: 'application/octet-stream' },
  });
  await upload.done();
  return { bytes, totalMs: performance.now() - started, key };
}
