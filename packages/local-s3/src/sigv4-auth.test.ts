import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3ServiceException, UploadPartCommand, CreateMultipartUploadCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor, startTestStore } from './test-support.js';
import type { TestStore } from './test-support.js';

let t: TestStore;
const Bucket = 'uploads';

beforeAll(async () => {
  t = await startTestStore();
  await t.client.send(new PutObjectCommand({ Bucket, Key: 'signed/object.txt', Body: 'signed body' }));
});
afterAll(() => t.stop());

async function errorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof S3ServiceException) return error.name;
    throw error;
  }
  return 'no error';
}

async function xmlError(response: Response): Promise<{ status: number; code: string | undefined; message: string | undefined }> {
  const text = await response.text();
  return {
    status: response.status,
    code: /<Code>([^<]*)<\/Code>/.exec(text)?.[1],
    message: /<Message>([^<]*)<\/Message>/.exec(text)?.[1],
  };
}

function presignGet(Key: string, expiresIn = 60): Promise<string> {
  return getSignedUrl(t.client, new GetObjectCommand({ Bucket, Key }), { expiresIn });
}

describe('header-signed requests', () => {
  it('accepts SDK requests signed with the right secret', async () => {
    const { Contents = [] } = await t.client.send(new ListObjectsV2Command({ Bucket, Prefix: 'signed/' }));
    expect(Contents.map((c) => c.Key)).toEqual(['signed/object.txt']);
  });

  it('SignatureDoesNotMatch for a wrong secret', async () => {
    const bad = clientFor(t.s3, { credentials: { accessKeyId: t.s3.accessKeyId, secretAccessKey: 'wrong' } });
    expect(await errorCode(bad.send(new GetObjectCommand({ Bucket, Key: 'signed/object.txt' })))).toBe('SignatureDoesNotMatch');
    bad.destroy();
  });

  it('InvalidAccessKeyId for an unknown key id', async () => {
    const bad = clientFor(t.s3, { credentials: { accessKeyId: 'nobody', secretAccessKey: t.s3.secretAccessKey } });
    expect(await errorCode(bad.send(new GetObjectCommand({ Bucket, Key: 'signed/object.txt' })))).toBe('InvalidAccessKeyId');
    bad.destroy();
  });

  it('AccessDenied for an unsigned request', async () => {
    const response = await fetch(`${t.s3.endpoint}/${Bucket}/signed/object.txt`);
    expect(await xmlError(response)).toMatchObject({ status: 403, code: 'AccessDenied' });
  });

  it('XAmzContentSHA256Mismatch when a signed payload hash does not match the body; nothing is stored', async () => {
    const client = clientFor(t.s3, { requestChecksumCalculation: 'WHEN_REQUIRED' });
    client.middlewareStack.add(
      (next) => async (args) => {
        // Runs after signing: the signed sha256 covers 'original body', we send other bytes of the same length.
        (args.request as { body: unknown }).body = 'tampered body';
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low' },
    );
    expect(await errorCode(client.send(new PutObjectCommand({ Bucket, Key: 'sha-mismatch', Body: 'original body' })))).toBe(
      'XAmzContentSHA256Mismatch',
    );
    expect(await errorCode(t.client.send(new GetObjectCommand({ Bucket, Key: 'sha-mismatch' })))).toBe('NoSuchKey');
    client.destroy();
  });
});

describe('presigned URLs', () => {
  it('serves a valid presigned GET', async () => {
    const response = await fetch(await presignGet('signed/object.txt'));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('signed body');
  });

  it('refuses an expired URL with AccessDenied "Request has expired" (injected clock)', async () => {
    const url = await presignGet('signed/object.txt', 60);
    t.clock.now = Date.now() + 61_000;
    try {
      expect(await xmlError(await fetch(url))).toEqual({ status: 403, code: 'AccessDenied', message: 'Request has expired' });
    } finally {
      t.clock.now = Date.now();
    }
    expect((await fetch(url)).status).toBe(200);
  });

  it('SignatureDoesNotMatch for a tampered signature', async () => {
    const url = new URL(await presignGet('signed/object.txt'));
    const signature = url.searchParams.get('X-Amz-Signature') ?? '';
    url.searchParams.set('X-Amz-Signature', (signature[0] === 'a' ? 'b' : 'a') + signature.slice(1));
    expect(await xmlError(await fetch(url))).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
  });

  it('SignatureDoesNotMatch for a tampered query or path', async () => {
    const url = new URL(await presignGet('signed/object.txt'));
    url.searchParams.set('X-Amz-Expires', '3600');
    expect(await xmlError(await fetch(url))).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    const other = new URL(await presignGet('signed/object.txt'));
    other.searchParams.set('response-content-type', 'text/html');
    expect(await xmlError(await fetch(other))).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    const moved = new URL(await presignGet('signed/object.txt'));
    moved.pathname = `/${Bucket}/signed/other.txt`;
    expect(await xmlError(await fetch(moved))).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
  });

  it('InvalidAccessKeyId for an unknown key id in X-Amz-Credential', async () => {
    const url = new URL(await presignGet('signed/object.txt'));
    url.searchParams.set('X-Amz-Credential', (url.searchParams.get('X-Amz-Credential') ?? '').replace(t.s3.accessKeyId, 'someone-else'));
    expect(await xmlError(await fetch(url))).toMatchObject({ status: 403, code: 'InvalidAccessKeyId' });
  });

  it('SignatureDoesNotMatch when the signed content-length differs from the body', async () => {
    const { UploadId } = await t.client.send(new CreateMultipartUploadCommand({ Bucket, Key: 'cl' }));
    const url = await getSignedUrl(t.client, new UploadPartCommand({ Bucket, Key: 'cl', UploadId, PartNumber: 1, ContentLength: 5 }), {
      expiresIn: 60,
      signableHeaders: new Set(['content-length']),
    });
    expect(new URL(url).searchParams.get('X-Amz-SignedHeaders')).toContain('content-length');
    expect(await xmlError(await fetch(url, { method: 'PUT', body: '1234' }))).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    expect((await fetch(url, { method: 'PUT', body: '12345' })).status).toBe(200);
  });

  it('AuthorizationQueryParametersError when a presign parameter is missing', async () => {
    const url = new URL(await presignGet('signed/object.txt'));
    url.searchParams.delete('X-Amz-Date');
    expect(await xmlError(await fetch(url))).toMatchObject({ status: 400, code: 'AuthorizationQueryParametersError' });
  });

  it('signs keys with spaces, unicode and reserved characters the way the SDK encodes them', async () => {
    const Key = "dir with space/ünï cødé/(1)!*'+&=.txt";
    await t.client.send(new PutObjectCommand({ Bucket, Key, Body: 'odd key' }));
    const response = await fetch(await presignGet(Key));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('odd key');
  });
});
