import { createHash } from 'node:crypto';
import { AbortMultipartUploadCommand, CreateMultipartUploadCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, describe, expect, it } from 'vitest';
import { startBackends } from '@s3-big-upload/local-s3/testing';
import { createS3Client } from './client.js';
import { PartUrlSigner } from './part-url-signer.js';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const signingDate = new Date('2026-11-27T10:00:00Z');

const KEYS = [
  'uploads/1/plain.bin',
  'uploads/2/with space & plus+.bin',
  "uploads/3/ünïcødé — 文件 (1) !'*.bin",
  'uploads/4/../dots/./x',
  'uploads/5/percent%20 ~tilde.bin',
];

function sdkUrl(s3: S3Client, bucket: string, key: string, partNumber: number, contentLength: number, contentMd5?: string): Promise<string> {
  const command = new UploadPartCommand({
    Bucket: bucket,
    Key: key,
    UploadId: 'up/id+1=',
    PartNumber: partNumber,
    ContentLength: contentLength,
    ...(contentMd5 !== undefined && { ContentMD5: contentMd5 }),
  });
  return getSignedUrl(s3, command, { expiresIn: 900, signableHeaders: new Set(['content-length', 'content-md5']), signingDate });
}

const md5Base64 = (body: string) => createHash('md5').update(body).digest('base64');

function params(url: string) {
  const parsed = new URL(url);
  return { origin: parsed.origin, pathname: parsed.pathname, query: Object.fromEntries([...parsed.searchParams].sort()) };
}

describe('PartUrlSigner signs exactly what getSignedUrl signs', () => {
  const stores = {
    'a custom endpoint (path-style)': createS3Client({ endpoint: 'http://127.0.0.1:9000', region: 'us-east-1', ...credentials }),
    'AWS (virtual-hosted)': createS3Client({ region: 'eu-west-1', ...credentials }),
  };
  for (const [name, s3] of Object.entries(stores)) {
    it.each(KEYS)(`on ${name}: %s`, async (key) => {
      const signer = new PartUrlSigner({ client: s3, bucket: 'my-bucket' });
      const ours = await signer.sign({ key, uploadId: 'up/id+1=', partNumber: 42, contentLength: 8_388_608, expiresInSeconds: 900, signingDate });
      expect(params(ours)).toEqual(params(await sdkUrl(s3, 'my-bucket', key, 42, 8_388_608)));
    });
  }

  it('signs Content-MD5 as a header (X-Amz-SignedHeaders), not into the query, as getSignedUrl does', async () => {
    const s3 = stores['a custom endpoint (path-style)'];
    const signer = new PartUrlSigner({ client: s3, bucket: 'my-bucket' });
    const contentMd5 = md5Base64('part');
    const ours = await signer.sign({ key: KEYS[0] ?? '', uploadId: 'up/id+1=', partNumber: 1, contentLength: 4, contentMd5, expiresInSeconds: 900, signingDate });
    expect(params(ours)).toEqual(params(await sdkUrl(s3, 'my-bucket', KEYS[0] ?? '', 1, 4, contentMd5)));
    expect(new URL(ours).searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;content-md5;host');
    expect(ours).not.toContain(encodeURIComponent(contentMd5));
  });
});

const backends = await startBackends();
afterAll(() => Promise.all(backends.map((b) => b.close())));

describe.each(backends)('PartUrlSigner on $name', (backend) => {
  it('signs URLs the store accepts for the declared length only', async () => {
    const s3 = createS3Client(backend);
    const key = 'signer/ünïcødé name (1).bin';
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: backend.bucket, Key: key }));
    const signer = new PartUrlSigner({ client: s3, bucket: backend.bucket });
    const url = await signer.sign({ key, uploadId: UploadId ?? '', partNumber: 3, contentLength: 11, expiresInSeconds: 60 });
    try {
      const refused = await fetch(url, { method: 'PUT', body: 'twelve bytes' });
      expect(refused.status).toBe(403);
      const stored = await fetch(url, { method: 'PUT', body: 'eleven byte' });
      expect(stored.status).toBe(200);
      expect(stored.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    } finally {
      await s3.send(new AbortMultipartUploadCommand({ Bucket: backend.bucket, Key: key, UploadId }));
      s3.destroy();
    }
  });

  it('signs a Content-MD5 the store enforces: a changed body of the same length gets 400 BadDigest, no header 403', async () => {
    const s3 = createS3Client(backend);
    const key = 'signer/md5.bin';
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: backend.bucket, Key: key }));
    const signer = new PartUrlSigner({ client: s3, bucket: backend.bucket });
    const body = 'the right bytes';
    const contentMd5 = md5Base64(body);
    const url = await signer.sign({ key, uploadId: UploadId ?? '', partNumber: 1, contentLength: body.length, contentMd5, expiresInSeconds: 60 });
    try {
      const flipped = await fetch(url, { method: 'PUT', body: 'the wrong bytes', headers: { 'content-md5': contentMd5 } });
      expect(flipped.status).toBe(400);
      expect(await flipped.text()).toContain('<Code>BadDigest</Code>');
      // Without the signed header the signature does not match: a client cannot drop the check.
      const withoutHeader = await fetch(url, { method: 'PUT', body });
      expect(withoutHeader.status).toBe(403);
      const otherMd5 = md5Base64('the wrong bytes');
      const swapped = await fetch(url, { method: 'PUT', body: 'the wrong bytes', headers: { 'content-md5': otherMd5 } });
      expect(swapped.status).toBe(403);
      const stored = await fetch(url, { method: 'PUT', body, headers: { 'content-md5': contentMd5 } });
      expect(stored.status).toBe(200);
      expect(stored.headers.get('etag')).toBe(`"${createHash('md5').update(body).digest('hex')}"`);
    } finally {
      await s3.send(new AbortMultipartUploadCommand({ Bucket: backend.bucket, Key: key, UploadId }));
      s3.destroy();
    }
  });
});
