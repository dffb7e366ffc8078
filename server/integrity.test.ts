/**
 * Integrity against every real store: part URLs signed with Content-MD5 make
 * the store refuse changed bytes (BadDigest), and complete deletes an object
 * whose ETag is not the one the client computed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { HeadObjectCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorBody, CompleteUploadResponse, CreateUploadResponse, ListPartsResponse, SignPartsResponse } from '../shared/api.js';
import { startTestApp } from '../testing/app-harness.js';
import type { TestApp } from '../testing/app-harness.js';
import { callApi } from '../testing/api-call.js';
import { startBackends } from '@s3-big-upload/local-s3/testing';

const METRICS_TOKEN = 'integrity-metrics-token-0123456789';
const backends = await startBackends();
afterAll(() => Promise.all(backends.map((b) => b.close())));

const MiB = 1024 * 1024;

const md5 = (data: Uint8Array) => createHash('md5').update(data);

function partsOf(data: Buffer, partSize: number): Buffer[] {
  const parts: Buffer[] = [];
  for (let start = 0; start < data.length || parts.length === 0; start += partSize) parts.push(data.subarray(start, start + partSize));
  return parts;
}

function multipartEtag(parts: readonly Buffer[]): string {
  return `${createHash('md5').update(Buffer.concat(parts.map((p) => md5(p).digest()))).digest('hex')}-${parts.length}`;
}

async function createUpload(app: TestApp, size: number): Promise<CreateUploadResponse> {
  const res = await callApi(app, 'POST', '/api/uploads', { body: { fileName: 'integrity.bin', size } });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return CreateUploadResponse.parse(res.json);
}

async function signAll(app: TestApp, upload: CreateUploadResponse, parts: readonly Buffer[]) {
  const body = { parts: parts.map((p, i) => ({ partNumber: i + 1, md5: md5(p).digest('base64') })) };
  const res = await callApi(app, 'POST', '/api/uploads/sign', { token: upload.token, body });
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  return SignPartsResponse.parse(res.json).parts;
}

function flipOneByte(part: Buffer): Uint8Array<ArrayBuffer> {
  const copy = Uint8Array.from(part);
  const at = Math.floor(copy.length / 2);
  copy[at] = (copy[at] ?? 0) ^ 0xff;
  return copy;
}

describe.each(backends)('integrity on $name', (backend) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(backend, { metricsToken: METRICS_TOKEN });
  });
  afterAll(() => app?.close());

  it('a part whose bytes changed on the way (one byte flipped, same length) is refused with BadDigest and not stored; the right bytes are', async () => {
    const data = randomBytes(5 * MiB + 1000);
    const upload = await createUpload(app, data.length);
    const parts = partsOf(data, upload.partSize);
    const signed = await signAll(app, upload, parts);
    expect(signed.map((p) => p.headers)).toEqual(parts.map((p) => ({ 'Content-MD5': md5(p).digest('base64') })));

    for (const [i, part] of signed.entries()) {
      const original = parts[i] ?? Buffer.alloc(0);
      const flipped = await fetch(part.url, { method: 'PUT', body: flipOneByte(original), headers: part.headers });
      expect(flipped.status).toBe(400);
      expect(await flipped.text()).toContain('<Code>BadDigest</Code>');
    }
    expect(ListPartsResponse.parse((await callApi(app, 'GET', '/api/uploads/parts', { token: upload.token })).json).parts).toEqual([]);

    const etags = [];
    for (const [i, part] of signed.entries()) {
      const original = parts[i] ?? Buffer.alloc(0);
      const put = await fetch(part.url, { method: 'PUT', body: Uint8Array.from(original), headers: part.headers });
      expect(put.status).toBe(200);
      // The store's part ETag is the part's MD5: the engine compares them.
      expect(put.headers.get('etag')).toBe(`"${md5(original).digest('hex')}"`);
      etags.push({ partNumber: part.partNumber, etag: put.headers.get('etag') ?? '' });
    }
    const expectedEtag = multipartEtag(parts);
    const completed = await callApi(app, 'POST', '/api/uploads/complete', { token: upload.token, body: { parts: etags, expectedEtag } });
    expect(completed.status, JSON.stringify(completed.json)).toBe(200);
    // RGW answers complete without an ETag; the server reads it with HeadObject and it is the same.
    expect(CompleteUploadResponse.parse(completed.json).etag).toBe(`"${expectedEtag}"`);
    const stored = await fetch(CompleteUploadResponse.parse(completed.json).downloadUrl);
    expect(Buffer.from(await stored.arrayBuffer()).equals(data)).toBe(true);
  });

  it('complete deletes the object and answers 422 checksum_mismatch when its ETag is not the one computed from the file', async () => {
    const data = randomBytes(6 * MiB);
    const upload = await createUpload(app, data.length);
    const parts = partsOf(data, upload.partSize);
    const signed = await signAll(app, upload, parts);
    const etags = await Promise.all(
      signed.map(async (part, i) => {
        const put = await fetch(part.url, { method: 'PUT', body: Uint8Array.from(parts[i] ?? Buffer.alloc(0)), headers: part.headers });
        expect(put.status).toBe(200);
        return { partNumber: part.partNumber, etag: put.headers.get('etag') ?? '' };
      }),
    );
    // As if the client's file had other bytes than the store holds: the object must not be kept.
    const otherFile = multipartEtag([randomBytes(16), randomBytes(16)]);
    const completed = await callApi(app, 'POST', '/api/uploads/complete', { token: upload.token, body: { parts: etags, expectedEtag: otherFile } });
    expect(completed.status).toBe(422);
    const { error } = ApiErrorBody.parse(completed.json);
    expect(error.code).toBe('checksum_mismatch');
    expect(error.message).toContain(otherFile);
    expect(error.message).toMatch(/deleted/);
    await expect(app.s3.send(new HeadObjectCommand({ Bucket: app.bucket, Key: upload.key }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    const pending = await app.s3.send(new ListMultipartUploadsCommand({ Bucket: app.bucket, Prefix: upload.key }));
    expect(pending.Uploads ?? []).toEqual([]);
    const metrics = await (await fetch(`${app.baseUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(metrics).toMatch(/^checksum_mismatches_total 1$/m);
  });

  it('in md5 mode, sign needs every md5 and complete needs expectedEtag; malformed values are refused with what is wrong', async () => {
    const upload = await createUpload(app, 2 * 5 * MiB);
    const good = md5(Buffer.alloc(5 * MiB)).digest('base64');
    const cases = [
      { body: { parts: [{ partNumber: 1, md5: good }, { partNumber: 2 }] }, message: /every part needs its md5; part\(s\) 2 have none/ },
      { body: { parts: [{ partNumber: 1, md5: 'not base64 md5' }] }, message: /parts\.0\.md5: md5 must be the base64 of a 16-byte MD5/ },
      { body: { parts: [{ partNumber: 1, md5: md5(Buffer.alloc(1)).digest('hex') }] }, message: /parts\.0\.md5/ },
    ];
    for (const { body, message } of cases) {
      const res = await callApi(app, 'POST', '/api/uploads/sign', { token: upload.token, body });
      expect(res.status).toBe(400);
      expect(ApiErrorBody.parse(res.json).error.message).toMatch(message);
    }
    const noEtag = await callApi(app, 'POST', '/api/uploads/complete', { token: upload.token, body: { parts: [{ partNumber: 1, etag: '"x"' }, { partNumber: 2, etag: '"y"' }] } });
    expect(noEtag.status).toBe(400);
    expect(ApiErrorBody.parse(noEtag.json).error.message).toMatch(/needs expectedEtag/);
    const badEtag = await callApi(app, 'POST', '/api/uploads/complete', { token: upload.token, body: { parts: [{ partNumber: 1, etag: '"x"' }], expectedEtag: 'abc-2' } });
    expect(badEtag.status).toBe(400);
    expect(ApiErrorBody.parse(badEtag.json).error.message).toMatch(/expectedEtag/);
    expect((await callApi(app, 'DELETE', '/api/uploads', { token: upload.token })).status).toBe(204);
  });
});

describe.each(backends)('checksum mode off on $name', (backend) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(backend, { checksumMode: 'off' });
  });
  afterAll(() => app?.close());

  it('signs parts without md5 (no headers to send) and completes without expectedEtag', async () => {
    const data = randomBytes(1000);
    const upload = await createUpload(app, data.length);
    expect(upload.checksum).toEqual({ mode: 'off', etagIsMd5: true });
    const res = await callApi(app, 'POST', '/api/uploads/sign', { token: upload.token, body: { parts: [{ partNumber: 1 }] } });
    const [part] = SignPartsResponse.parse(res.json).parts;
    expect(part?.headers).toEqual({});
    const put = await fetch(part?.url ?? '', { method: 'PUT', body: Uint8Array.from(data) });
    expect(put.status).toBe(200);
    const completed = await callApi(app, 'POST', '/api/uploads/complete', { token: upload.token, body: { parts: [{ partNumber: 1, etag: put.headers.get('etag') ?? '' }] } });
    expect(completed.status, JSON.stringify(completed.json)).toBe(200);
  });
});
