/** Presigned part URLs: what the store refuses once a URL is expired or altered. */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestClient } from '../testing/test-client.js';
import { startBackends } from '../testing/s3-backends.js';
import { body, createUpload, putPart, s3ErrorOf, signPart, uniqueKey } from './s3-fixtures.js';

const backends = await startBackends();
afterAll(() => Promise.all(backends.map((b) => b.close())));

describe.each(backends)('$name', (backend) => {
  const s3 = createTestClient(backend);
  afterAll(() => s3.destroy());

  async function newUpload(prefix: string) {
    const key = uniqueKey(prefix);
    return { bucket: backend.bucket, key, uploadId: await createUpload(s3, backend.bucket, key) };
  }

  it('refuses an expired URL with 403 AccessDenied "Request has expired"', async () => {
    const target = await newUpload('expired');
    const signedAt = Date.now();
    const url = await signPart(s3, target, 1, 10, 1);
    // The store's clock is real: wait until the 1 s lifetime (counted from the
    // whole second in X-Amz-Date) has surely passed.
    await sleep(Math.max(0, signedAt + 2_100 - Date.now()));
    const refused = await s3ErrorOf(await putPart(url, body(10)));
    expect(refused).toMatchObject({ status: 403, code: 'AccessDenied' });
    if (backend.quirks.expiredUrlMessageMissing) {
      // RGW 16.2: the same code and status, but an empty <Message>.
      expect(refused.message ?? '').toBe('');
    } else {
      expect(refused.message).toMatch(/Request has expired/);
    }
  });

  it.each([
    ['the signature', (u: URL) => u.searchParams.set('X-Amz-Signature', flipLastHexDigit(u.searchParams.get('X-Amz-Signature') ?? ''))],
    ['the part number', (u: URL) => u.searchParams.set('partNumber', '2')],
    ['the expiry', (u: URL) => u.searchParams.set('X-Amz-Expires', '600')],
  ])('refuses a URL with %s altered: 403 SignatureDoesNotMatch', async (_what, tamper) => {
    const target = await newUpload('tampered');
    const url = new URL(await signPart(s3, target, 1, 10));
    tamper(url);
    const refused = await s3ErrorOf(await putPart(url.href, body(10)));
    expect(refused).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
  });
});

function flipLastHexDigit(hex: string): string {
  const last = hex.at(-1) === '0' ? '1' : '0';
  return hex.slice(0, -1) + last;
}
