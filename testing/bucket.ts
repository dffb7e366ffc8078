/** What is really in the bucket, read with the AWS SDK over HTTP. */
import { createHash } from 'node:crypto';
import { GetObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, ListPartsCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '../server/s3/client.js';
import type { AppServer } from './app-server.js';

export interface BucketView {
  multipartUploads(): Promise<{ key: string; uploadId: string }[]>;
  objectKeys(): Promise<string[]>;
  /** Part numbers stored so far for an unfinished upload. */
  storedParts(upload: { key: string; uploadId: string }): Promise<number[]>;
  sha256(key: string): Promise<string>;
  close(): void;
}

export function openBucket(app: AppServer): BucketView {
  const { endpoint, region, accessKeyId, secretAccessKey, bucket } = app.s3;
  const s3: S3Client = createS3Client({ endpoint, region, accessKeyId, secretAccessKey, forcePathStyle: true });
  return {
    async multipartUploads() {
      const out = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
      return (out.Uploads ?? []).map((u) => ({ key: u.Key ?? '', uploadId: u.UploadId ?? '' }));
    },
    async objectKeys() {
      const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
      return (out.Contents ?? []).map((o) => o.Key ?? '');
    },
    async storedParts({ key, uploadId }) {
      const out = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
      return (out.Parts ?? []).map((p) => p.PartNumber ?? 0);
    },
    async sha256(key) {
      const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const hash = createHash('sha256');
      for await (const chunk of out.Body as AsyncIterable<Uint8Array>) hash.update(chunk);
      return hash.digest('hex');
    },
    close: () => s3.destroy(),
  };
}
