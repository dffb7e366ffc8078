import { AbortMultipartUploadCommand, CreateMultipartUploadCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, describe, expect, it } from 'vitest';
import { startBackends } from '@s3-big-upload/local-s3/testing';
import { createS3Client } from './client.js';

const offline = { endpoint: 'http://127.0.0.1:9', region: 'us-east-1', accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

function signUploadPart(s3: S3Client, bucket: string, uploadId: string, contentLength: number): Promise<string> {
  const command = new UploadPartCommand({ Bucket: bucket, Key: 'big.bin', UploadId: uploadId, PartNumber: 1, ContentLength: contentLength });
  return getSignedUrl(s3, command, { expiresIn: 300, signableHeaders: new Set(['content-length']) });
}

function checksumParams(url: string): string[] {
  return [...new URL(url).searchParams.keys()].filter((k) => /^x-amz-(sdk-)?checksum/i.test(k));
}

describe('createS3Client presigned UploadPart URL', () => {
  it('carries no checksum parameters and signs content-length', async () => {
    const url = await signUploadPart(createS3Client(offline), 'bucket', 'upload-1', 5);
    expect(checksumParams(url)).toEqual([]);
    expect(new URL(url).searchParams.get('X-Amz-SignedHeaders')?.split(';')).toContain('content-length');
  });

  it('fixes what the SDK default does (the premise of the options)', async () => {
    const sdkDefault = new S3Client({ ...offline, forcePathStyle: true, credentials: offline });
    expect(checksumParams(await signUploadPart(sdkDefault, 'bucket', 'upload-1', 5))).not.toEqual([]);
  });

  it('uses path-style URLs for a custom endpoint and virtual-host style for AWS', async () => {
    expect(new URL(await signUploadPart(createS3Client(offline), 'bucket', 'u', 5)).pathname).toBe('/bucket/big.bin');
    const aws = createS3Client({ region: 'eu-west-1', accessKeyId: 'a', secretAccessKey: 'b' });
    expect(new URL(await signUploadPart(aws, 'bucket', 'u', 5)).host).toBe('bucket.s3.eu-west-1.amazonaws.com');
  });

  it('refuses half a credential pair', () => {
    expect(() => createS3Client({ region: 'us-east-1', accessKeyId: 'a' })).toThrow(TypeError);
  });
});

const backends = await startBackends();
afterAll(() => Promise.all(backends.map((b) => b.close())));

describe.each(backends)('createS3Client against $name', (backend) => {
  it('presigned part PUT succeeds with the signed length and is refused with another', async () => {
    const s3 = createS3Client(backend);
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: backend.bucket, Key: 'big.bin' }));
    if (UploadId === undefined) throw new Error('no UploadId');
    try {
      const url = await signUploadPart(s3, backend.bucket, UploadId, 1024);

      const wrong = await fetch(url, { method: 'PUT', body: new Uint8Array(1025) });
      expect(wrong.status).toBe(403);

      const right = await fetch(url, { method: 'PUT', body: new Uint8Array(1024) });
      expect(right.status).toBe(200);
      expect(right.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    } finally {
      await s3.send(new AbortMultipartUploadCommand({ Bucket: backend.bucket, Key: 'big.bin', UploadId }));
      s3.destroy();
    }
  });
});
