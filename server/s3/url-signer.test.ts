import { createHash } from 'node:crypto';
import { AbortMultipartUploadCommand, CreateMultipartUploadCommand, DeleteObjectCommand, GetObjectCommand, PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, describe, expect, it } from 'vitest';
import { startBackends } from '@s3-big-upload/local-s3/testing';
import { createS3Client } from './client.js';
import { contentDisposition } from './content-disposition.js';
import { UrlSigner } from './url-signer.js';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const signingDate = new Date('2026-11-27T10:00:00Z');

const KEYS = [
  'uploads/1/plain.bin',
  'uploads/2/with space & plus+.bin',
  "uploads/3/ünïcødé — 文件 (1) !'*.bin",
  'uploads/4/../dots/./x',
  'uploads/5/percent%20 ~tilde.bin',
];

const md5Base64 = (body: string) => createHash('md5').update(body).digest('base64');
const fileNameOf = (key: string) => key.slice(key.lastIndexOf('/') + 1);

describe('UrlSigner signs exactly what getSignedUrl signs, to the byte', () => {
  const stores = {
    'a custom endpoint (path-style)': createS3Client({ endpoint: 'http://127.0.0.1:9000', region: 'us-east-1', ...credentials }),
    'AWS (virtual-hosted)': createS3Client({ region: 'eu-west-1', ...credentials }),
  };
  for (const [name, s3] of Object.entries(stores)) {
    const signer = new UrlSigner({ client: s3, bucket: 'my-bucket' });

    it.each(KEYS)(`UploadPart on ${name}: %s`, async (key) => {
      const contentMd5 = md5Base64(key);
      const ours = await signer.signPart({ key, uploadId: 'up/id+1=', partNumber: 42, contentLength: 8_388_608, contentMd5, expiresInSeconds: 900, signingDate });
      const command = new UploadPartCommand({ Bucket: 'my-bucket', Key: key, UploadId: 'up/id+1=', PartNumber: 42, ContentLength: 8_388_608, ContentMD5: contentMd5 });
      expect(ours).toBe(await getSignedUrl(s3, command, { expiresIn: 900, signableHeaders: new Set(['content-length', 'content-md5']), signingDate }));
    });

    it.each(KEYS)(`UploadPart without an MD5 on ${name}: %s`, async (key) => {
      const ours = await signer.signPart({ key, uploadId: 'up/id+1=', partNumber: 1, contentLength: 5, expiresInSeconds: 60, signingDate });
      const command = new UploadPartCommand({ Bucket: 'my-bucket', Key: key, UploadId: 'up/id+1=', PartNumber: 1, ContentLength: 5 });
      expect(ours).toBe(await getSignedUrl(s3, command, { expiresIn: 60, signableHeaders: new Set(['content-length']), signingDate }));
    });

    it.each(KEYS)(`PutObject on ${name}: %s`, async (key) => {
      const contentMd5 = md5Base64(key);
      const ours = await signer.signPut({ key, contentLength: 262_144, contentType: 'image/png', contentMd5, expiresInSeconds: 900, signingDate });
      const command = new PutObjectCommand({ Bucket: 'my-bucket', Key: key, ContentLength: 262_144, ContentType: 'image/png', ContentMD5: contentMd5 });
      expect(ours).toBe(await getSignedUrl(s3, command, { expiresIn: 900, signableHeaders: new Set(['content-length', 'content-md5', 'content-type']), signingDate }));
    });

    it.each(KEYS)(`GetObject with a download name on ${name}: %s`, async (key) => {
      const disposition = contentDisposition(fileNameOf(key));
      const ours = await signer.signGet({ key, contentDisposition: disposition, expiresInSeconds: 3600, signingDate });
      const command = new GetObjectCommand({ Bucket: 'my-bucket', Key: key, ResponseContentDisposition: disposition });
      expect(ours).toBe(await getSignedUrl(s3, command, { expiresIn: 3600, signingDate }));
    });
  }

  it('signs Content-MD5 as a header (X-Amz-SignedHeaders), not into the query', async () => {
    const signer = new UrlSigner({ client: stores['a custom endpoint (path-style)'], bucket: 'my-bucket' });
    const contentMd5 = md5Base64('part');
    const ours = await signer.signPart({ key: 'uploads/1/a', uploadId: 'u', partNumber: 1, contentLength: 4, contentMd5, expiresInSeconds: 900, signingDate });
    expect(new URL(ours).searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;content-md5;host');
    expect(ours).not.toContain(encodeURIComponent(contentMd5));
  });
});

const backends = await startBackends();
afterAll(() => Promise.all(backends.map((b) => b.close())));

describe.each(backends)('UrlSigner on $name', (backend) => {
  it('signs UploadPart URLs the store accepts for the declared length only', async () => {
    const s3 = createS3Client(backend);
    const key = 'signer/ünïcødé name (1).bin';
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: backend.bucket, Key: key }));
    const signer = new UrlSigner({ client: s3, bucket: backend.bucket });
    const url = await signer.signPart({ key, uploadId: UploadId ?? '', partNumber: 3, contentLength: 11, expiresInSeconds: 60 });
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
    const signer = new UrlSigner({ client: s3, bucket: backend.bucket });
    const body = 'the right bytes';
    const contentMd5 = md5Base64(body);
    const url = await signer.signPart({ key, uploadId: UploadId ?? '', partNumber: 1, contentLength: body.length, contentMd5, expiresInSeconds: 60 });
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

  it('signs GetObject URLs the store answers with the object under its download name, and refuses once tampered or expired', async () => {
    const s3 = createS3Client(backend);
    const fileName = "ünïcødé — 文件 (1) !'*.txt";
    const key = `signer/${fileName}`;
    const body = 'downloaded bytes';
    await s3.send(new PutObjectCommand({ Bucket: backend.bucket, Key: key, Body: body }));
    const signer = new UrlSigner({ client: s3, bucket: backend.bucket });
    const disposition = contentDisposition(fileName);
    try {
      const url = await signer.signGet({ key, contentDisposition: disposition, expiresInSeconds: 60 });
      const got = await fetch(url);
      expect(got.status).toBe(200);
      expect(await got.text()).toBe(body);
      expect(got.headers.get('content-disposition')).toBe(disposition);

      const tampered = new URL(url);
      tampered.searchParams.set('response-content-disposition', contentDisposition('other.txt'));
      const refused = await fetch(tampered);
      expect(refused.status).toBe(403);
      await refused.arrayBuffer();

      // Signed two minutes ago for one minute: expired.
      const expired = await signer.signGet({ key, contentDisposition: disposition, expiresInSeconds: 60, signingDate: new Date(Date.now() - 120_000) });
      const late = await fetch(expired);
      expect(late.status).toBe(403);
      await late.arrayBuffer();
    } finally {
      await s3.send(new DeleteObjectCommand({ Bucket: backend.bucket, Key: key }));
      s3.destroy();
    }
  });
});
