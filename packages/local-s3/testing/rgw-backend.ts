import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  type ListMultipartUploadsCommandOutput,
  type ListObjectsV2CommandOutput,
  PutBucketCorsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { z } from 'zod';
import { createTestClient } from './test-client.js';
import { RGW_16_QUIRKS, type S3Backend } from './s3-backend.js';

/** Written by `scripts/rgw.sh up`; resolved from the repo root so any cwd works. */
export const RGW_CONNECTION_FILE = fileURLToPath(new URL('../../../.data/rgw/connection.json', import.meta.url));

const RgwConnection = z.object({
  endpoint: z.url(),
  region: z.string(),
  accessKeyId: z.string(),
  secretAccessKey: z.string(),
  bucket: z.string(),
});
type RgwConnection = z.infer<typeof RgwConnection>;

export class RgwUnavailableError extends Error {
  override name = 'RgwUnavailableError';
}

export function readRgwConnection(): RgwConnection | undefined {
  if (!existsSync(RGW_CONNECTION_FILE)) return undefined;
  return RgwConnection.parse(JSON.parse(readFileSync(RGW_CONNECTION_FILE, 'utf8')));
}

/** A fresh bucket on the RGW from scripts/rgw.sh, so test files never see each other's objects. */
export async function startRgwBackend(connection: RgwConnection, corsOrigins: string[] | undefined): Promise<S3Backend> {
  const s3 = createTestClient(connection);
  const bucket = `test-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    s3.destroy();
    throw new RgwUnavailableError(`RGW at ${connection.endpoint} did not create a bucket; run scripts/rgw.sh up`, { cause: error });
  }
  try {
    await allowCors(s3, bucket, corsOrigins ?? ['*']);
  } catch (error) {
    await deleteBucket(s3, bucket).finally(() => s3.destroy());
    throw error;
  }
  let closed: Promise<void> | undefined;
  return {
    name: 'rgw',
    ...connection,
    bucket,
    quirks: RGW_16_QUIRKS,
    close: () => (closed ??= deleteBucket(s3, bucket).finally(() => s3.destroy())),
  };
}

/** Aborts the bucket's uploads, deletes its objects, then the bucket. */
async function deleteBucket(s3: S3Client, bucket: string): Promise<void> {
  let uploads: ListMultipartUploadsCommandOutput | undefined;
  do {
    uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, KeyMarker: uploads?.NextKeyMarker, UploadIdMarker: uploads?.NextUploadIdMarker }));
    await Promise.all((uploads.Uploads ?? []).map((u) => s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.Key, UploadId: u.UploadId }))));
  } while (uploads.IsTruncated === true);

  let objects: ListObjectsV2CommandOutput | undefined;
  do {
    objects = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: objects?.NextContinuationToken }));
    const keys = (objects.Contents ?? []).map((o) => ({ Key: o.Key }));
    if (keys.length > 0) await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
  } while (objects.IsTruncated === true);

  await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
}

/** The same rule the embedded store gives its default bucket. */
async function allowCors(s3: S3Client, bucket: string, origins: string[]): Promise<void> {
  const rule = { AllowedOrigins: origins, AllowedMethods: ['GET', 'PUT', 'HEAD', 'POST', 'DELETE'], AllowedHeaders: ['*'], ExposeHeaders: ['ETag'], MaxAgeSeconds: 3000 };
  await s3.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: [rule] } }));
}
