/**
 * Headers a client may not choose: unsigned x-amz-* and metadata headers on
 * presigned requests, response-* overrides that are no header value; and the
 * nosniff header on every answer.
 */
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, UploadPartCommand, CreateMultipartUploadCommand, ListPartsCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendSigned } from '../testing/signed-request.js';
import { startTestStore } from './test-support.js';
import type { TestStore } from './test-support.js';

const Bucket = 'uploads';
let t: TestStore;

beforeAll(async () => {
  t = await startTestStore();
  await t.client.send(new PutObjectCommand({ Bucket, Key: 'page.html', Body: '<script>alert(1)</script>', ContentType: 'text/plain' }));
});
afterAll(() => t.stop());

const putUrl = (Key: string) => getSignedUrl(t.client, new PutObjectCommand({ Bucket, Key }), { expiresIn: 60 });

describe('presigned PUT with headers its signer did not sign', () => {
  it.each([
    ['x-amz-meta-owner', 'attacker'],
    ['x-amz-acl', 'public-read'],
    ['x-amz-copy-source', '/uploads/page.html'],
    ['x-amz-tagging', 'a=b'],
    ['x-amz-storage-class', 'GLACIER'],
    ['x-amz-website-redirect-location', 'https://evil.example'],
    ['X-Amz-Meta-Mixed-Case', 'x'],
  ])('refuses unsigned %s with 403 AccessDenied, storing nothing', async (name, value) => {
    const Key = `unsigned-${name.toLowerCase()}`;
    const response = await fetch(await putUrl(Key), { method: 'PUT', body: 'x', headers: { [name]: value } });
    const text = await response.text();
    expect(response.status, text).toBe(403);
    expect(text).toContain('<Code>AccessDenied</Code>');
    expect(text).toContain('<Message>There were headers present in the request which were not signed</Message>');
    expect(text).toContain(`<HeadersNotSigned>${name.toLowerCase()}</HeadersNotSigned>`);
    await expect(t.client.send(new HeadObjectCommand({ Bucket, Key }))).rejects.toMatchObject({ name: 'NotFound' });
  });

  it('refuses an unsigned x-amz-* header on a presigned UploadPart too', async () => {
    const { UploadId } = await t.client.send(new CreateMultipartUploadCommand({ Bucket, Key: 'mp' }));
    const url = await getSignedUrl(t.client, new UploadPartCommand({ Bucket, Key: 'mp', UploadId, PartNumber: 1 }), { expiresIn: 60 });
    const response = await fetch(url, { method: 'PUT', body: 'x', headers: { 'x-amz-meta-a': 'b' } });
    expect(response.status).toBe(403);
    expect((await t.client.send(new ListPartsCommand({ Bucket, Key: 'mp', UploadId }))).Parts ?? []).toEqual([]);
  });

  it('does not store an unsigned Content-Type, Content-Disposition, Cache-Control or Content-Language', async () => {
    const response = await fetch(await putUrl('plain'), {
      method: 'PUT',
      body: '<html>',
      headers: { 'content-type': 'text/html', 'content-disposition': 'inline', 'cache-control': 'public, max-age=31536000', 'content-language': 'xx' },
    });
    expect(response.status).toBe(200);
    const head = await t.client.send(new HeadObjectCommand({ Bucket, Key: 'plain' }));
    expect(head.ContentType).toBe('binary/octet-stream');
    expect(head.ContentDisposition).toBeUndefined();
    expect(head.CacheControl).toBeUndefined();
    expect(head.ContentLanguage).toBeUndefined();
  });

  it('stores the headers its signer signed', async () => {
    const url = await getSignedUrl(
      t.client,
      new PutObjectCommand({ Bucket, Key: 'signed', ContentType: 'image/png', ContentDisposition: 'attachment', Metadata: { owner: 'me' } }),
      { expiresIn: 60, signableHeaders: new Set(['content-type', 'content-disposition']), unhoistableHeaders: new Set(['x-amz-meta-owner']) },
    );
    const response = await fetch(url, { method: 'PUT', body: 'x', headers: { 'content-type': 'image/png', 'content-disposition': 'attachment', 'x-amz-meta-owner': 'me' } });
    expect(response.status, await response.text()).toBe(200);
    const head = await t.client.send(new HeadObjectCommand({ Bucket, Key: 'signed' }));
    expect(head).toMatchObject({ ContentType: 'image/png', ContentDisposition: 'attachment', Metadata: { owner: 'me' } });
  });
});

describe('GetObject response-* overrides', () => {
  const getUrl = (overrides: Record<string, string>) => getSignedUrl(t.client, new GetObjectCommand({ Bucket, Key: 'page.html', ...overrides }), { expiresIn: 60 });

  it.each([
    ['CR LF in response-content-type', { ResponseContentType: 'text/html\r\nSet-Cookie: a=b' }, 'response-content-type'],
    ['LF in response-content-disposition', { ResponseContentDisposition: 'attachment\nx' }, 'response-content-disposition'],
    ['NUL in response-cache-control', { ResponseCacheControl: 'no-cache\0' }, 'response-cache-control'],
    ['U+0100 in response-content-disposition', { ResponseContentDisposition: 'attachment; filename="\u0100.txt"' }, 'response-content-disposition'],
    ['an emoji in response-content-language', { ResponseContentLanguage: '\u{1F600}' }, 'response-content-language'],
  ] as const)('%s is 400 InvalidArgument', async (_name, overrides, argument) => {
    const response = await fetch(await getUrl(overrides));
    const text = await response.text();
    expect(response.status, text).toBe(400);
    expect(text).toContain('<Code>InvalidArgument</Code>');
    expect(text).toContain(`<ArgumentName>${argument}</ArgumentName>`);
  });

  it('keeps Latin-1 values and plain ones', async () => {
    const response = await fetch(await getUrl({ ResponseContentDisposition: 'attachment; filename="caf\u00e9.txt"', ResponseContentType: 'text/plain' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain');
  });

  it.each(['constructor', 'toString', 'hasOwnProperty', 'valueOf'])('a signed %s query parameter is no override (200, no 500)', async (name) => {
    const response = await sendSigned(t.s3, { method: 'GET', path: `/${Bucket}/page.html`, query: Object.fromEntries([[name, 'x']]) });
    expect(response.status, response.text).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain');
    expect(t.internalErrors).toEqual([]);
  });
});

describe('nosniff', () => {
  it('every answer carries X-Content-Type-Options: nosniff (objects, errors, listings)', async () => {
    const object = await fetch(await getSignedUrl(t.client, new GetObjectCommand({ Bucket, Key: 'page.html' }), { expiresIn: 60 }));
    expect(object.headers.get('x-content-type-options')).toBe('nosniff');
    const error = await fetch(`${t.s3.endpoint}/uploads/page.html`);
    expect(error.status).toBe(403);
    expect(error.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
