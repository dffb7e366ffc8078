/** CORS as the browser meets it: part PUTs go straight from the page's origin to the bucket. */
import { GetBucketCorsCommand, PutBucketCorsCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestClient } from '../testing/test-client.js';
import { startBackends } from '../testing/s3-backends.js';
import { body, createUpload, partEtag, putPart, signPart, uniqueKey } from './s3-fixtures.js';

const APP_ORIGIN = 'http://localhost:3000';
const OTHER_ORIGIN = 'http://localhost:4000';

const backends = await startBackends({ corsOrigins: [APP_ORIGIN] });
afterAll(() => Promise.all(backends.map((b) => b.close())));

describe.each(backends)('$name', (backend) => {
  const s3 = createTestClient(backend);
  afterAll(() => s3.destroy());

  async function signedPartUrl(size: number): Promise<string> {
    const key = uniqueKey('cors');
    const uploadId = await createUpload(s3, backend.bucket, key);
    return signPart(s3, { bucket: backend.bucket, key, uploadId }, 1, size);
  }

  function preflight(url: string, origin: string): Promise<Response> {
    return fetch(url, {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'content-type' },
    });
  }

  it('GetBucketCors returns the rule the bucket was created with', async () => {
    const { CORSRules = [] } = await s3.send(new GetBucketCorsCommand({ Bucket: backend.bucket }));
    expect(CORSRules).toHaveLength(1);
    expect(CORSRules[0]?.AllowedOrigins).toEqual([APP_ORIGIN]);
    expect(CORSRules[0]?.AllowedMethods).toContain('PUT');
    expect(CORSRules[0]?.ExposeHeaders).toContain('ETag');
  });

  it('PutBucketCors replaces the rules; GetBucketCors reads them back', async () => {
    const rules = [
      { AllowedOrigins: [APP_ORIGIN], AllowedMethods: ['GET', 'PUT', 'HEAD'], AllowedHeaders: ['*'], ExposeHeaders: ['ETag'], MaxAgeSeconds: 600 },
      { AllowedOrigins: ['http://127.0.0.1:5173'], AllowedMethods: ['GET'] },
    ];
    await s3.send(new PutBucketCorsCommand({ Bucket: backend.bucket, CORSConfiguration: { CORSRules: rules } }));
    const { CORSRules = [] } = await s3.send(new GetBucketCorsCommand({ Bucket: backend.bucket }));
    expect(CORSRules.map((r) => [r.AllowedOrigins, [...(r.AllowedMethods ?? [])].sort()])).toEqual([
      [[APP_ORIGIN], ['GET', 'HEAD', 'PUT']],
      [['http://127.0.0.1:5173'], ['GET']],
    ]);
    expect(CORSRules[0]).toMatchObject({ AllowedHeaders: ['*'], ExposeHeaders: ['ETag'], MaxAgeSeconds: 600 });
  });

  it('lets a PUT preflight from the allowed origin through', async () => {
    const response = await preflight(await signedPartUrl(10), APP_ORIGIN);
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(response.headers.get('access-control-allow-methods')).toMatch(/\bPUT\b/);
    expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toMatch(/content-type|\*/);
  });

  it('refuses a preflight from another origin', async () => {
    const response = await preflight(await signedPartUrl(10), OTHER_ORIGIN);
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('exposes ETag on the actual part PUT from the allowed origin', async () => {
    const data = body(10);
    const response = await putPart(await signedPartUrl(data.length), data, { Origin: APP_ORIGIN });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(response.headers.get('access-control-expose-headers')?.toLowerCase().split(/\s*,\s*/)).toContain('etag');
    expect(response.headers.get('etag')).toBe(partEtag(data));
  });
});
