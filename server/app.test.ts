/** The whole upload flow against every real S3-compatible backend. */
import { createHash, randomBytes } from 'node:crypto';
import { CreateMultipartUploadCommand, HeadObjectCommand, ListMultipartUploadsCommand, ListPartsCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiErrorBody,
  ClientConfig,
  CompleteUploadResponse,
  CreateUploadResponse,
  ListPartsResponse,
  SignPartsResponse,
} from '../shared/api.js';
import type { CreateUploadRequest } from '../shared/api.js';
import { createFakeClock, startTestApp } from '../testing/app-harness.js';
import type { TestApp } from '../testing/app-harness.js';
import { callApi } from '../testing/api-call.js';
import { runJanitorPass } from './janitor.js';
import { runStartupChecks } from './startup-checks.js';
import { startBackends } from '@s3-big-upload/local-s3/testing';

const METRICS_TOKEN = 'metrics-token-0123456789';
const ORIGIN = 'http://localhost:3000';
const backends = await startBackends({ corsOrigins: [ORIGIN] });
afterAll(() => Promise.all(backends.map((b) => b.close())));

const MiB = 1024 * 1024;

async function createUpload(app: TestApp, request: CreateUploadRequest): Promise<CreateUploadResponse> {
  const res = await callApi(app, 'POST', '/api/uploads', { body: request });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return CreateUploadResponse.parse(res.json);
}

/** Signs (with their MD5s) and PUTs the given parts of `data`, sending the signed headers; returns their ETags. */
async function uploadParts(app: TestApp, upload: CreateUploadResponse, data: Buffer, partNumbers: number[]) {
  const parts = partNumbers.map((partNumber) => ({ partNumber, md5: createHash('md5').update(partOf(upload, data, partNumber)).digest('base64') }));
  const signed = SignPartsResponse.parse((await callApi(app, 'POST', '/api/uploads/sign', { token: upload.token, body: { parts } })).json);
  const etags: { partNumber: number; etag: string }[] = [];
  for (const part of signed.parts) {
    const body = partOf(upload, data, part.partNumber);
    const put = await fetch(part.url, { method: 'PUT', body, headers: part.headers });
    expect(put.status, await put.clone().text()).toBe(200);
    etags.push({ partNumber: part.partNumber, etag: put.headers.get('etag') ?? '' });
  }
  return etags;
}

function partOf(upload: CreateUploadResponse, data: Buffer, partNumber: number): Uint8Array<ArrayBuffer> {
  const start = (partNumber - 1) * upload.partSize;
  return Uint8Array.from(data.subarray(start, start + upload.partSize));
}

/** S3's multipart ETag of `data` in the upload's parts, computed here independently of the app. */
function multipartEtagOf(upload: CreateUploadResponse, data: Buffer): string {
  const digests = Array.from({ length: upload.partCount }, (_, i) => createHash('md5').update(partOf(upload, data, i + 1)).digest());
  return `${createHash('md5').update(Buffer.concat(digests)).digest('hex')}-${upload.partCount}`;
}

function shuffle<T>(items: T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

describe.each(backends)('$name', (backend) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(backend, { allowedContentTypes: ['image/*', 'application/octet-stream'], metricsToken: METRICS_TOKEN });
  });
  afterAll(() => app?.close());

  it('serves the client config, health and security headers', async () => {
    const config = await callApi(app, 'GET', '/api/config');
    expect(ClientConfig.parse(config.json)).toEqual({
      maxFileSize: 1024 ** 3,
      partSize: 5 * MiB,
      concurrency: 6,
      partIdleTimeoutMs: 30_000,
      allowedContentTypes: ['image/*', 'application/octet-stream'],
      checksumMode: 'md5',
    });
    const csp = config.headers.get('content-security-policy') ?? '';
    expect(csp).toContain(`connect-src 'self' ${new URL(backend.endpoint).origin}`);
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(config.headers.get('cache-control')).toBe('no-store');
    expect((await callApi(app, 'GET', '/health')).json).toEqual({ status: 'ok' });
  });

  it('uploads, lists, completes shuffled parts and reads back the same bytes', async () => {
    const data = randomBytes(2 * 5 * MiB + 12_345);
    const upload = await createUpload(app, { fileName: '../holiday photos/beach <1>.png', size: data.length, contentType: 'image/png' });
    expect(upload).toMatchObject({ size: data.length, partSize: 5 * MiB, partCount: 3, checksum: { mode: 'md5', etagIsMd5: true } });
    expect(upload.key).toMatch(new RegExp(`^${app.config.keyPrefix}[0-9a-f-]{36}/beach _1_\\.png$`));

    const etags = await uploadParts(app, upload, data, [3, 1, 2]);
    const listed = ListPartsResponse.parse((await callApi(app, 'GET', '/api/uploads/parts', { token: upload.token })).json);
    expect(listed.parts.map((p) => [p.partNumber, p.size])).toEqual([[1, 5 * MiB], [2, 5 * MiB], [3, 12_345]]);

    const expectedEtag = multipartEtagOf(upload, data);
    const completed = await callApi(app, 'POST', '/api/uploads/complete', { token: upload.token, body: { parts: shuffle(etags), expectedEtag } });
    expect(completed.status, JSON.stringify(completed.json)).toBe(200);
    const result = CompleteUploadResponse.parse(completed.json);
    expect(result).toMatchObject({ key: upload.key, size: data.length });

    const head = await app.s3.send(new HeadObjectCommand({ Bucket: app.bucket, Key: upload.key }));
    expect(result.etag).not.toBe('');
    expect(result.etag).toBe(head.ETag);
    expect(result.etag).toBe(`"${expectedEtag}"`);
    expect(head.ContentType).toBe('image/png');

    const download = await fetch(result.downloadUrl);
    expect(download.status).toBe(200);
    expect(new URL(result.downloadUrl).searchParams.get('response-content-disposition')).toContain('attachment; filename="beach _1_.png"');
    expect(download.headers.get('content-disposition')).toContain('attachment; filename="beach _1_.png"');
    expect(Buffer.from(await download.arrayBuffer()).equals(data)).toBe(true);

    const metrics = await (await fetch(`${app.baseUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(metrics).toMatch(/^uploads_completed_total 1$/m);
    expect(metrics).toMatch(/^parts_signed_total 3$/m);
    expect(metrics).toContain('http_request_duration_seconds_bucket');

    // Completing again (a retry whose first answer was lost) gets the same answer; another ETag than the object's does not.
    const again = await callApi(app, 'POST', '/api/uploads/complete', { token: upload.token, body: { parts: etags, expectedEtag } });
    expect(again.status, JSON.stringify(again.json)).toBe(200);
    expect(CompleteUploadResponse.parse(again.json)).toMatchObject({ key: upload.key, size: data.length, etag: result.etag });
    const otherEtag = `${'0'.repeat(32)}-3`;
    const other = await callApi(app, 'POST', '/api/uploads/complete', { token: upload.token, body: { parts: etags, expectedEtag: otherEtag } });
    expect(other.status).toBe(404);
    expect(ApiErrorBody.parse(other.json).error.code).toBe('no_such_upload');
  });

  it('accepts a file with no type when the allow-list names application/octet-stream (the browser applies the same rule)', async () => {
    const created = await callApi(app, 'POST', '/api/uploads', { body: { fileName: 'notes', size: 10 } });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const refused = await callApi(app, 'POST', '/api/uploads', { body: { fileName: 'notes.txt', size: 10, contentType: 'text/plain' } });
    expect(ApiErrorBody.parse(refused.json).error.code).toBe('content_type_not_allowed');
    const upload = CreateUploadResponse.parse(created.json);
    expect((await callApi(app, 'DELETE', '/api/uploads', { token: upload.token })).status).toBe(204);
  });

  it('completes an empty file as one empty part', async () => {
    const upload = await createUpload(app, { fileName: 'empty.bin', size: 0 });
    expect(upload.partCount).toBe(1);
    const etags = await uploadParts(app, upload, Buffer.alloc(0), [1]);
    const expectedEtag = multipartEtagOf(upload, Buffer.alloc(0));
    const result = CompleteUploadResponse.parse((await callApi(app, 'POST', '/api/uploads/complete', { token: upload.token, body: { parts: etags, expectedEtag } })).json);
    expect(result.etag).toBe(`"${expectedEtag}"`);
    expect(result.size).toBe(0);
    expect((await app.s3.send(new HeadObjectCommand({ Bucket: app.bucket, Key: upload.key }))).ContentLength).toBe(0);
  });

  it('refuses a body of another length at a presigned part URL', async () => {
    const upload = await createUpload(app, { fileName: 'len.bin', size: 1000 });
    const md5 = createHash('md5').update(Buffer.alloc(1000)).digest('base64');
    const signed = SignPartsResponse.parse((await callApi(app, 'POST', '/api/uploads/sign', { token: upload.token, body: { parts: [{ partNumber: 1, md5 }] } })).json);
    const part = signed.parts[0];
    expect(part).toMatchObject({ partNumber: 1, size: 1000 });
    expect(part?.expiresAt).toBe(app.clock.now() + 900_000);
    for (const length of [999, 1001]) {
      const put = await fetch(part?.url ?? '', { method: 'PUT', body: randomBytes(length), headers: part?.headers ?? {} });
      expect(put.status, `PUT of ${length} bytes`).toBeGreaterThanOrEqual(400);
      expect(put.status).toBeLessThan(500);
    }
    const listed = ListPartsResponse.parse((await callApi(app, 'GET', '/api/uploads/parts', { token: upload.token })).json);
    expect(listed.parts).toEqual([]);
    expect((await callApi(app, 'DELETE', '/api/uploads', { token: upload.token })).status).toBe(204);
  });

  it('aborts: no upload and no parts are left, and a second abort is fine', async () => {
    const data = randomBytes(6 * MiB);
    const upload = await createUpload(app, { fileName: 'abort-me.bin', size: data.length });
    await uploadParts(app, upload, data, [1, 2]);

    expect((await callApi(app, 'DELETE', '/api/uploads', { token: upload.token })).status).toBe(204);
    const pending = await app.s3.send(new ListMultipartUploadsCommand({ Bucket: app.bucket, Prefix: upload.key }));
    expect(pending.Uploads ?? []).toEqual([]);
    await expect(app.s3.send(new ListPartsCommand({ Bucket: app.bucket, Key: upload.key, UploadId: upload.uploadId }))).rejects.toMatchObject({
      name: backend.quirks.listPartsAfterAbortCode,
    });
    expect((await callApi(app, 'DELETE', '/api/uploads', { token: upload.token })).status).toBe(204);
    const parts = await callApi(app, 'GET', '/api/uploads/parts', { token: upload.token });
    expect(parts.status).toBe(404);
    expect(ApiErrorBody.parse(parts.json).error.code).toBe('no_such_upload');
  });

  it('refuses a token once the fake clock passes its expiry', async () => {
    const upload = await createUpload(app, { fileName: 'late.bin', size: 10 });
    app.clock.advance(app.config.uploadTtlMs);
    const res = await callApi(app, 'GET', '/api/uploads/parts', { token: upload.token });
    expect(res.status).toBe(401);
    expect(ApiErrorBody.parse(res.json).error).toMatchObject({ code: 'token_expired', message: expect.stringContaining('expired') });
  });

  it('janitor aborts only stale uploads under its prefix', async () => {
    const janitorApp = await startTestApp(backend);
    try {
      const mine = await Promise.all([1, 2].map((i) => createUpload(janitorApp, { fileName: `stale-${i}.bin`, size: 10 })));
      const otherKey = `other-${janitorApp.config.keyPrefix}keep.bin`;
      const other = await janitorApp.s3.send(new CreateMultipartUploadCommand({ Bucket: janitorApp.bucket, Key: otherKey }));
      // The janitor's clock runs a minute ahead of the store's, so a TTL of 0 makes every upload stale.
      const clock = createFakeClock(Date.now() + 60_000);
      const pass = (ttlMs: number) => runJanitorPass({ store: janitorApp.store, prefix: janitorApp.config.keyPrefix, ttlMs, clock });

      expect(await pass(3_600_000)).toMatchObject({ scanned: 2, aborted: 0, failed: 0 });
      const aborted: string[] = [];
      const result = await runJanitorPass({
        store: janitorApp.store,
        prefix: janitorApp.config.keyPrefix,
        ttlMs: 0,
        clock,
        onAbort: (u) => aborted.push(u.uploadId),
      });
      expect(result).toMatchObject({ scanned: 2, aborted: 2, failed: 0 });
      expect(aborted.sort()).toEqual(mine.map((u) => u.uploadId).sort());

      const left = await janitorApp.s3.send(new ListMultipartUploadsCommand({ Bucket: janitorApp.bucket }));
      const leftIds = (left.Uploads ?? []).map((u) => u.UploadId);
      expect(leftIds).toContain(other.UploadId);
      for (const u of mine) expect(leftIds).not.toContain(u.uploadId);
      // A second replica running the same pass finds nothing to do.
      expect(await pass(0)).toMatchObject({ scanned: 0, aborted: 0, failed: 0 });
    } finally {
      await janitorApp.close();
    }
  });

  it('startup checks pass with CORS for the origin and name the fix for another origin', async () => {
    const ok = await runStartupChecks({ s3: app.s3, bucket: app.bucket, endpoint: backend.endpoint, publicOrigin: ORIGIN });
    expect(ok).toEqual({ ok: true, warnings: [] });
    const wrongOrigin = await runStartupChecks({ s3: app.s3, bucket: app.bucket, endpoint: backend.endpoint, publicOrigin: 'https://elsewhere.example' });
    expect(wrongOrigin.ok).toBe(false);
    if (!wrongOrigin.ok) expect(wrongOrigin.problem).toContain('put-bucket-cors');
    const noBucket = await runStartupChecks({ s3: app.s3, bucket: 'no-such-bucket-here', endpoint: backend.endpoint, publicOrigin: ORIGIN });
    expect(noBucket).toMatchObject({ ok: false, problem: expect.stringContaining('"no-such-bucket-here"') });
  });
});
