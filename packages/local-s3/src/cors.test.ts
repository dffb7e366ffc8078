import { CreateMultipartUploadCommand, DeleteBucketCorsCommand, GetBucketCorsCommand, PutBucketCorsCommand, PutObjectCommand, S3ServiceException, UploadPartCommand, CreateBucketCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStore } from './test-support.js';
import type { TestStore } from './test-support.js';

const APP = 'http://localhost:3000';
let t: TestStore;
const Bucket = 'uploads';

beforeAll(async () => {
  t = await startTestStore({ corsOrigins: [APP] });
});
afterAll(() => t.stop());

function preflight(path: string, origin: string, method = 'PUT', headers = 'content-type'): Promise<Response> {
  return fetch(`${t.s3.endpoint}${path}`, {
    method: 'OPTIONS',
    headers: { Origin: origin, 'Access-Control-Request-Method': method, 'Access-Control-Request-Headers': headers },
  });
}

describe('default bucket CORS rule', () => {
  it('is the configured rule', async () => {
    const { CORSRules } = await t.client.send(new GetBucketCorsCommand({ Bucket }));
    expect(CORSRules).toEqual([
      {
        AllowedOrigins: [APP],
        AllowedMethods: ['GET', 'PUT', 'HEAD', 'POST', 'DELETE'],
        AllowedHeaders: ['*'],
        ExposeHeaders: ['ETag'],
        MaxAgeSeconds: 3000,
      },
    ]);
  });

  it('answers a matching preflight with the allow headers and Vary: Origin', async () => {
    const response = await preflight(`/${Bucket}/some/key?partNumber=1&uploadId=x`, APP, 'PUT', 'content-type, x-amz-meta-a');
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP);
    expect(response.headers.get('access-control-allow-methods')).toBe('GET, PUT, HEAD, POST, DELETE');
    expect(response.headers.get('access-control-allow-headers')).toBe('content-type, x-amz-meta-a');
    expect(response.headers.get('access-control-expose-headers')).toBe('ETag');
    expect(response.headers.get('access-control-max-age')).toBe('3000');
    expect(response.headers.get('vary')).toContain('Origin');
  });

  it('refuses a preflight from another origin or for a method outside the rule with 403', async () => {
    for (const response of [await preflight(`/${Bucket}/k`, 'http://evil.example'), await preflight(`/${Bucket}/k`, APP, 'PATCH')]) {
      expect(response.status).toBe(403);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(await response.text()).toContain('<Code>AccessForbidden</Code>');
    }
  });

  it('adds CORS headers to an actual presigned part PUT from the allowed origin, exposing ETag', async () => {
    const { UploadId } = await t.client.send(new CreateMultipartUploadCommand({ Bucket, Key: 'cors-part' }));
    const url = await getSignedUrl(t.client, new UploadPartCommand({ Bucket, Key: 'cors-part', UploadId, PartNumber: 1 }), { expiresIn: 60 });
    const response = await fetch(url, { method: 'PUT', body: 'part', headers: { Origin: APP } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP);
    expect(response.headers.get('access-control-expose-headers')).toBe('ETag');
    expect(response.headers.get('vary')).toContain('Origin');
    const foreign = await fetch(url, { method: 'PUT', body: 'part', headers: { Origin: 'http://evil.example' } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('PutBucketCors / GetBucketCors / DeleteBucketCors', () => {
  it('replaces rules, matches wildcard origins and returns NoSuchCORSConfiguration when none', async () => {
    await t.client.send(new CreateBucketCommand({ Bucket: 'cors-bucket' }));
    const missing = await t.client.send(new GetBucketCorsCommand({ Bucket: 'cors-bucket' })).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(S3ServiceException);
    expect((missing as S3ServiceException).name).toBe('NoSuchCORSConfiguration');
    expect((await preflight('/cors-bucket/k', APP)).status).toBe(403);

    await t.client.send(
      new PutBucketCorsCommand({
        Bucket: 'cors-bucket',
        CORSConfiguration: {
          CORSRules: [
            { AllowedOrigins: ['https://*.example.com'], AllowedMethods: ['GET'], AllowedHeaders: ['x-amz-*'] },
            { AllowedOrigins: ['*'], AllowedMethods: ['PUT'], ExposeHeaders: ['ETag', 'x-amz-request-id'] },
          ],
        },
      }),
    );
    const got = await t.client.send(new GetBucketCorsCommand({ Bucket: 'cors-bucket' }));
    expect(got.CORSRules?.map((r) => r.AllowedOrigins)).toEqual([['https://*.example.com'], ['*']]);

    const sub = await preflight('/cors-bucket/k', 'https://app.example.com', 'GET', 'x-amz-date');
    expect(sub.status).toBe(200);
    expect(sub.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(sub.headers.get('access-control-allow-credentials')).toBe('true');
    // A header outside AllowedHeaders fails the first rule; the second rule does not allow GET.
    expect((await preflight('/cors-bucket/k', 'https://app.example.com', 'GET', 'content-type')).status).toBe(403);
    const any = await preflight('/cors-bucket/k', 'http://anything', 'PUT', '');
    expect(any.status).toBe(200);
    expect(any.headers.get('access-control-allow-origin')).toBe('*');
    expect(any.headers.get('access-control-expose-headers')).toBe('ETag, x-amz-request-id');

    await t.client.send(new DeleteBucketCorsCommand({ Bucket: 'cors-bucket' }));
    expect((await preflight('/cors-bucket/k', 'http://anything', 'PUT', '')).status).toBe(403);
    await t.client.send(new PutObjectCommand({ Bucket: 'cors-bucket', Key: 'k', Body: 'x' }));
  });

  it('keeps the configured default rule after a restart', async () => {
    await t.restart();
    const response = await preflight(`/${Bucket}/k`, APP);
    expect(response.status).toBe(200);
  });
});
